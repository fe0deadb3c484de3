"""The installed program's Qt-free CLI under Wine (issue 16): the bundled python.exe runs demo, check and every
export on a database in a folder named `用户 张三`, from a program folder with Chinese characters and a space; the
.cmd runs it too; a payload rebuilt as the next version reads the database this one wrote. (The window cannot start
under Wine: Qt6Core needs Windows' own ICU; test_windows_payload checks the Qt part by its import tables.)"""
from __future__ import annotations

import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from windows_env import ROOT, WINE_TIMEOUT_S, Wine, wine_path

from installer import common


def cli(wine: Wine, program: Path, db: Path, *args: str | Path) -> subprocess.CompletedProcess:
    return wine.run(program / "runtime" / "python.exe", "-m", "leifeng_desktop", "--db", db, *args)


def said(done: subprocess.CompletedProcess) -> str:
    return done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")


@pytest.fixture(scope="session")
def clerk_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("users") / "用户 张三"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def demo_db(wine, program_folder, clerk_folder) -> Path:
    db = clerk_folder / "台账 2026.db"
    done = cli(wine, program_folder, db, "demo")
    assert done.returncode == 0, said(done)
    assert "志愿服务队" in said(done)
    return db


def a_volunteer(db: Path) -> tuple[str, str]:
    """The member with the most activities in the demo data, and their team (names, for `export certificate`)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT m.name, t.name FROM participant p JOIN member m ON m.id = p.member_id "
                           "JOIN team t ON t.id = m.team_id GROUP BY m.id ORDER BY count(*) DESC, m.name LIMIT 1"
                           ).fetchone()
    return row[0], row[1]


def test_demo_writes_the_records(demo_db):
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM team").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM activity").fetchone()[0] > 0


def test_check_reads_the_file(wine, program_folder, demo_db):
    done = cli(wine, program_folder, demo_db, "check")
    assert done.returncode == 0, said(done)
    assert "完整性检查：正常" in said(done)


@pytest.mark.parametrize("args, out, suffix", [
    (("export", "registration", "--all"), "登记表", None),
    (("export", "ledger", "activities"), "活动台账.xlsx", ".xlsx"),
    (("export", "ledger", "visits"), "走访台账.xlsx", ".xlsx"),
    (("export", "ledger", "aid"), "帮扶台账.xlsx", ".xlsx"),
    (("export", "ledger", "oplog"), "操作日志.xlsx", ".xlsx"),
    (("export", "summary"), "总结 材料.docx", ".docx"),
    (("export", "plan"), "实施方案.docx", ".docx"),
], ids=["registration", "activities", "visits", "aid", "oplog", "summary", "plan"])
def test_every_export(wine, program_folder, demo_db, clerk_folder, args, out, suffix):
    target = clerk_folder / "导出" / out
    done = cli(wine, program_folder, demo_db, *args, "--out", target)
    assert done.returncode == 0, said(done)
    if suffix is None:   # a folder of .docx files, one per team and the combined one
        files = list(target.glob("*.docx"))
        assert len(files) > 2, said(done)
    else:
        files = [target]
    for path in files:
        assert path.stat().st_size > 1000
        assert path.read_bytes()[:2] == b"PK"


def test_certificate(wine, program_folder, demo_db, clerk_folder):
    name, team = a_volunteer(demo_db)
    target = clerk_folder / "导出" / f"证明 {name}.docx"
    done = cli(wine, program_folder, demo_db, "export", "certificate", "--member", name, "--team", team,
               "--out", target)
    assert done.returncode == 0, said(done)
    assert target.read_bytes()[:2] == b"PK"


def test_a_clerks_mistake_is_one_chinese_line(wine, program_folder, clerk_folder):
    done = cli(wine, program_folder, clerk_folder / "没有这个文件.db", "check")
    assert done.returncode == 2
    assert said(done).strip().startswith("错误：")
    assert "Traceback" not in said(done)


def test_the_cmd_runs_the_cli(wine, windows_payload):
    """Through Wine's cmd.exe, which (unlike Windows') passes only the console code page and gives a console
    program usable standard handles only on a terminal: so an ASCII path, and a terminal from `script`."""
    command = shlex.join(["wine", "cmd", "/c", wine_path(windows_payload / "leifeng-desktop.cmd"), "--version"])
    env = dict(wine.env, PYTHONDONTWRITEBYTECODE="1")   # the build's payload stays as built
    done = subprocess.run(["script", "-qec", command, "/dev/null"], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=WINE_TIMEOUT_S)
    assert done.returncode == 0, said(done)
    assert f"leifeng-desktop {common.version()}" in said(done)


def next_version(version: str) -> str:
    parts = version.split(".")
    return ".".join(parts[:-1] + [str(int(parts[-1]) + 1)])


def test_the_next_version_reads_the_records(wine, demo_db, clerk_folder, tmp_path_factory):
    """Version N (this payload) wrote demo_db; a payload rebuilt as N+1 checks it and exports from it."""
    version = next_version(common.version())
    upgraded = tmp_path_factory.mktemp("upgrade") / "新 版本"
    subprocess.run([sys.executable, "-m", "installer.windows", "--payload-only", str(upgraded), "--version", version],
                   cwd=ROOT, check=True, capture_output=True, timeout=900)
    done = wine.run(upgraded / "runtime" / "python.exe", "-m", "leifeng_desktop", "--version")
    assert version in said(done)
    with sqlite3.connect(demo_db) as conn:
        teams = conn.execute("SELECT count(*) FROM team").fetchone()[0]
    done = cli(wine, upgraded, demo_db, "check")
    assert done.returncode == 0, said(done)
    assert str(teams) in said(done)
    target = clerk_folder / "升级后" / "活动台账.xlsx"
    done = cli(wine, upgraded, demo_db, "export", "ledger", "activities", "--out", target)
    assert done.returncode == 0, said(done)
    assert target.read_bytes()[:2] == b"PK"
