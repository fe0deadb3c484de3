"""`python -m leifeng_desktop` (leifeng_desktop/start.py, issue 18): no command or only --db opens the window without
the CLI's machinery; anything else is the CLI's, with its own words."""
from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from leifeng_desktop import start

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("argv", "expected"), [
    ([], (True, None)),
    (["--db", "a.db"], (True, Path("a.db"))),
    (["--db=数据/a.db"], (True, Path("数据/a.db"))),
    (["--db", "~/a.db"], (True, Path("~/a.db").expanduser())),
    (["--db", "a.db", "stats"], (False, None)),
    (["stats"], (False, None)),
    (["--db"], (False, None)),
    (["--db", "--help"], (False, None)),
    (["--db="], (False, None)),
    (["--version"], (False, None)),
    (["--password-file", "p.txt"], (False, None)),
])
def test_only_the_window_skips_the_cli(argv, expected):
    assert start.window_db(argv) == expected


@pytest.fixture
def fake_window(monkeypatch):
    calls: list = []
    fake = types.ModuleType("leifeng_desktop.ui.app")
    fake.run_app = lambda path: calls.append(path) or 0
    monkeypatch.setitem(sys.modules, "leifeng_desktop.ui.app", fake)
    return calls


def test_the_window_gets_the_file(fake_window, tmp_path):
    assert start.main([]) == 0
    assert start.main(["--db", str(tmp_path / "a.db")]) == 0
    assert fake_window == [None, tmp_path / "a.db"]


def test_a_command_goes_to_the_cli(fake_window, capsys):
    assert start.main(["--version"]) == 0
    assert "0.1.0" in capsys.readouterr().out and fake_window == []


def test_a_program_error_of_the_window_is_one_chinese_line(monkeypatch, capsys):
    fake = types.ModuleType("leifeng_desktop.ui.app")

    def broken(path):
        raise RuntimeError("boom")
    fake.run_app = broken
    monkeypatch.setitem(sys.modules, "leifeng_desktop.ui.app", fake)
    monkeypatch.delenv("LEIFENG_DEBUG", raising=False)
    assert start.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：程序内部错误") and len(err.strip().splitlines()) == 1


def test_the_window_start_imports_neither_click_nor_the_store():
    code = ("import sys\nimport leifeng_desktop.start, leifeng_desktop.ui.app, leifeng_desktop.ui.main_window\n"
            "from leifeng_desktop.core import applog\napplog.log_file\n"
            "print(sorted(m for m in ('click', 'sqlite_utils', 'leifeng_desktop.core.store', 'leifeng_desktop.cli',"
            " 'PySide6.QtCharts') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_the_bench_switch_quits_at_the_first_paint_opening_nothing(tmp_path):
    """LEIFENG_BENCH_FIRST_PAINT=1 (make bench): the paint is said and the process ends before the file opens: a file
    of an older release is not upgraded (opening, upgrading or checking a city's file would disturb the next run)."""
    import hashlib
    import os
    import shutil
    folder = shutil.copytree(ROOT / "tests" / "fixtures" / "schema_v3", tmp_path / "旧版 数据")
    path = folder / "leifeng.db"
    before = (sorted(p.name for p in folder.iterdir()), hashlib.sha256(path.read_bytes()).hexdigest())
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LEIFENG_BENCH_FIRST_PAINT="1", HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    r = subprocess.run([sys.executable, "-m", "leifeng_desktop", "--db", str(path)], capture_output=True, text=True,
                       cwd=ROOT, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    assert "first-paint" in r.stderr
    assert (sorted(p.name for p in folder.iterdir()), hashlib.sha256(path.read_bytes()).hexdigest()) == before
