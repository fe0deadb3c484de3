"""The headless CLI: demo, check, one-line errors that leave refused files untouched, and no need for PySide6."""
import re
import sqlite3
import sys

import pytest

from leifeng_desktop import cli
from leifeng_desktop.core import migrations as mig
from leifeng_desktop.core.store import Store

from cli_helpers import assert_one_error_line, files_of, run, text


def count_line(label: str, key: str, n: int) -> re.Pattern:
    return re.compile(rf"^\s*{label}\s+{key}\s+{n}\s*$", re.MULTILINE)


@pytest.fixture
def newer_db(tmp_path):
    """A database written by a later version of the program (it has a migration this one does not know)."""
    path = tmp_path / "newer.db"
    with Store.open(path) as st:
        st.db["_sqlite_migrations"].insert({"migration_set": "leifeng", "name": "m999_future",
                                            "applied_at": "2030-01-01"})
        st.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


# -- in-process ------------------------------------------------------------------------------------------------
def test_demo_then_check(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert cli.main(["--db", str(db), "demo"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^\s*志愿服务队\s+30\s*$", out, re.MULTILINE), out
    assert re.search(r"^\s*队员\s+300\s*$", out, re.MULTILINE)
    assert cli.main(["--db", str(db), "check"]) == 0
    out = capsys.readouterr().out
    assert f"数据库：{db}" in out
    assert f"数据结构版本：{mig.SCHEMA_VERSION}" in out
    assert "完整性检查：正常" in out
    assert count_line("志愿服务队", "team", 30).search(out), out
    assert count_line("困难职工", "household", 85).search(out)
    assert count_line("工作组", "working_group", 4).search(out)


def test_demo_refuses_a_database_with_records(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert cli.main(["--db", str(db), "demo"]) == 0
    capsys.readouterr()
    assert cli.main(["--db", str(db), "demo"]) == 2
    assert_one_error_line(capsys.readouterr().err, "已有")
    with Store.open(db) as st:
        assert st.count("team") == 30


def test_check_on_a_missing_file_creates_nothing(tmp_path, capsys):
    db = tmp_path / "none.db"
    assert cli.main(["--db", str(db), "check"]) == 2
    assert_one_error_line(capsys.readouterr().err, "不存在")
    assert list(tmp_path.iterdir()) == []


def test_check_reports_integrity_problems_with_exit_1(tmp_path, capsys):
    db = tmp_path / "x.db"
    Store.open(db).close()
    conn = sqlite3.connect(db)   # a member whose team is gone: what a foreign-key check must find
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO member (id, unit, created_at, updated_at, team_id, name) "
                 "VALUES ('m1', 'XX市总工会', 'now', 'now', 'no-such-team', '张三')")
    conn.commit()
    conn.close()
    assert cli.main(["--db", str(db), "check"]) == 1
    out = capsys.readouterr().out
    assert "完整性检查：发现 1 个问题" in out and "member" in out
    assert count_line("队员", "member", 1).search(out)


def test_not_sqlite_is_refused_untouched(tmp_path, capsys):
    db = tmp_path / "notes.db"
    db.write_text("这不是数据库\n" * 50, encoding="utf-8")
    before = files_of(db)
    for command in ("check", "demo"):
        assert cli.main(["--db", str(db), command]) == 2
        assert_one_error_line(capsys.readouterr().err, "notes.db")
        assert files_of(db) == before


def test_newer_database_is_refused_untouched(newer_db, capsys):
    before = files_of(newer_db)
    assert before["-wal"] is None
    for command in ("check", "demo"):
        assert cli.main(["--db", str(newer_db), command]) == 2
        assert_one_error_line(capsys.readouterr().err, "更新版本")
        assert files_of(newer_db) == before


def test_unexpected_error_is_logged_and_shown_as_one_line(tmp_path, capsys, monkeypatch):
    """A program error: the traceback goes to the log in the data folder, the clerk reads where it is."""
    def broken(self):
        raise KeyError("boom 110101198503120011")
    db = tmp_path / "x.db"
    Store.open(db).close()
    monkeypatch.setattr(Store, "integrity_check", broken)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("LEIFENG_DEBUG", raising=False)
    assert cli.main(["--db", str(db), "check"]) == 2
    log = tmp_path / "data" / "LeifengDesktop" / "leifeng.log"
    assert_one_error_line(capsys.readouterr().err, f"程序内部错误（详情已记入日志 {log}）")
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "KeyError" in text and "boom" in text
    assert "110101198503120011" not in text   # digits that could be an ID number are masked
    monkeypatch.setenv("LEIFENG_DEBUG", "1")
    with pytest.raises(KeyError):
        cli.main(["--db", str(db), "check"])


@pytest.mark.parametrize("argv, fragment", [
    (["no-such-command"], "没有“no-such-command”这个命令"),
    (["demo", "--seed"], "--seed"),
    (["demo", "--no-such-option"], "没有 --no-such-option 这个选项"),
    (["import"], "缺少要执行的命令"),
    (["import", "members", "x.xlsx"], "缺少选项 --team"),
    (["import", "households"], "缺少参数 文件.xlsx"),
    (["check", "extra"], "多余的参数"),
])
def test_usage_errors_exit_2_with_one_chinese_line(capsys, argv, fragment):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_error_line(captured.err, fragment)


def test_no_command_opens_the_window(monkeypatch, tmp_path):
    import types
    calls = []
    fake = types.ModuleType("leifeng_desktop.ui.app")
    fake.run_app = lambda path: calls.append(path) or 0
    monkeypatch.setitem(sys.modules, "leifeng_desktop.ui.app", fake)
    assert cli.main([]) == 0
    assert cli.main(["--db", str(tmp_path / "a.db")]) == 0
    assert calls == [None, tmp_path / "a.db"]


# -- as a separate process -------------------------------------------------------------------------------------
def test_subprocess_demo_and_check_under_a_c_locale(tmp_path):
    env = {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}   # stdout that cannot encode Chinese
    r = run("--db", "x.db", "demo", cwd=tmp_path, env_extra=env)
    assert r.returncode == 0, text(r.stderr)
    assert re.search(r"志愿服务队\s+30", text(r.stdout))
    r = run("--db", "x.db", "check", cwd=tmp_path, env_extra=env)
    assert r.returncode == 0, text(r.stderr)
    out = text(r.stdout)
    assert f"数据结构版本：{mig.SCHEMA_VERSION}" in out and "完整性检查：正常" in out
    assert count_line("队员", "member", 300).search(out)
    assert r.stderr == b""


def test_subprocess_refusals_are_one_line_and_leave_files_untouched(tmp_path, newer_db):
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"\x00\x01 not a database " * 100)
    for path, fragment in ((junk, "不是"), (newer_db, "更新版本")):
        before = files_of(path)
        r = run("--db", str(path), "check")
        assert r.returncode == 2
        assert r.stdout == b""
        assert_one_error_line(text(r.stderr), fragment)
        assert files_of(path) == before


def test_cli_runs_without_pyside6(tmp_path, cli_without_qt):
    db = str(tmp_path / "x.db")
    r = cli_without_qt("--db", db, "demo")
    assert r.returncode == 0, text(r.stderr)
    r = cli_without_qt("--db", db, "check")
    assert r.returncode == 0, text(r.stderr)
    assert "完整性检查：正常" in text(r.stdout)
    r = cli_without_qt("--help")
    assert r.returncode == 0 and "check" in text(r.stdout)
    r = cli_without_qt("--db", db)   # the window needs PySide6: a clear line, not a traceback
    assert r.returncode == 2
    assert_one_error_line(text(r.stderr), "窗口")


def test_read_only_folder_is_refused(read_only_folder):
    folder, preexec = read_only_folder
    old = folder / "old.db"
    before = files_of(old)
    r = run("--db", str(folder / "new.db"), "demo", preexec_fn=preexec)
    assert r.returncode == 2
    assert_one_error_line(text(r.stderr), "只读")
    assert sorted(p.name for p in folder.iterdir()) == ["old.db"]
    r = run("--db", str(old), "check", preexec_fn=preexec)
    assert r.returncode == 2
    assert_one_error_line(text(r.stderr), "只读")
    assert files_of(old) == before
