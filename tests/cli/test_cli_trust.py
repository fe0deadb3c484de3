"""Issue 11 in the CLI: missing, empty and damaged databases; operating-system failures named by the clerk's file.

- Only `demo` creates a database: every other command refuses a missing path or a 0-byte file and leaves it so.
- A command that writes or exports refuses a damaged database (quick_check) naming `check`; `check` lists the
  problems with exit 1.
- Disk full, a read-only folder, a file where a folder should be: one Chinese line naming the clerk's file, exit 2,
  no traceback, nothing at the target.
"""
import errno
import sqlite3
import sys
from pathlib import Path

import openpyxl
import pytest

from leifeng_desktop import cli
from leifeng_desktop.core.store import Store

from cli_helpers import assert_one_error_line, files_of, run, text

TEAM = "供电公司职工志愿服务队"


def main(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def commands(db: Path, out: Path, book: Path) -> dict[str, list]:
    """Every command but demo, with the arguments it needs."""
    return {
        "check": ["--db", db, "check"],
        "stats": ["--db", db, "stats"],
        "import members": ["--db", db, "import", "members", "--team", TEAM, book],
        "import members --dry-run": ["--db", db, "import", "members", "--team", TEAM, "--dry-run", book],
        "import households": ["--db", db, "import", "households", book],
        "export registration": ["--db", db, "export", "registration", "--all", "--out", out],
        "export certificate": ["--db", db, "export", "certificate", "--member", "张三", "--out", out / "c.docx"],
        "export ledger activities": ["--db", db, "export", "ledger", "activities", "--out", out / "a.xlsx"],
        "export ledger visits": ["--db", db, "export", "ledger", "visits", "--out", out / "v.xlsx"],
        "export ledger aid": ["--db", db, "export", "ledger", "aid", "--out", out / "h.xlsx"],
        "export summary": ["--db", db, "export", "summary", "--out", out / "s.docx"],
        "export plan": ["--db", db, "export", "plan", "--out", out / "p.docx"],
    }


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "性别"])
    wb.active.append(["张三", "男"])
    wb.save(path)
    return path


@pytest.mark.parametrize("name", list(commands(Path(), Path(), Path())))
def test_a_missing_database_is_refused_and_not_created(tmp_path, capsys, book, name):
    db, out = tmp_path / "none.db", tmp_path / "out"
    code, stdout, err = main(capsys, *commands(db, out, book)[name])
    assert code == 2 and stdout == ""
    assert_one_error_line(err, "none.db", "不存在")
    assert not db.exists() and not out.exists()


@pytest.mark.parametrize("name", list(commands(Path(), Path(), Path())))
def test_an_empty_file_is_refused_and_left_empty(tmp_path, capsys, book, name):
    db, out = tmp_path / "empty.db", tmp_path / "out"
    db.write_bytes(b"")
    code, stdout, err = main(capsys, *commands(db, out, book)[name])
    assert code == 2 and stdout == ""
    assert_one_error_line(err, "empty.db", "空文件")
    assert files_of(db) == {"": files_of(db)[""], "-wal": None, "-shm": None} and db.stat().st_size == 0
    assert not out.exists()


def test_only_demo_creates_a_database(tmp_path, capsys):
    db = tmp_path / "新建" / "new.db"
    code, out, err = main(capsys, "--db", db, "demo")
    assert code == 0 and err == "" and db.exists()


@pytest.fixture(scope="module")
def damaged(tmp_path_factory) -> Path:
    """A database with one page of the team table overwritten: what a failing disk or a killed copy leaves."""
    path = tmp_path_factory.mktemp("damaged") / "damaged.db"
    with Store.open(path) as st:
        kind = st.settings.choices()["team_kind"][0]
        st.db.conn.execute("BEGIN")
        for n in range(400):
            st.db.conn.execute("INSERT INTO team (id, unit, created_at, updated_at, revision, name, kind) "
                               "VALUES (?, 'XX市供电公司工会', 'now', 'now', 1, ?, ?)", [f"t{n}", f"服务队{n}", kind])
        st.db.conn.execute("COMMIT")
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'team'").fetchone()[0]
    conn.close()
    with open(path, "r+b") as fh:
        fh.seek(root * page_size)   # the page after the table's root: one of its leaves
        fh.write(b"\xde\xad\xbe\xef" * (page_size // 4))
    return path


def test_check_lists_the_damage_with_exit_1(damaged, capsys):
    before = files_of(damaged)
    code, out, err = main(capsys, "--db", damaged, "check")
    assert code == 1, err
    assert "完整性检查：发现" in out and "malformed" in out
    assert files_of(damaged) == before


@pytest.mark.parametrize("name", [n for n in commands(Path(), Path(), Path())
                                  if n not in ("check", "stats", "import members --dry-run")])
def test_writing_and_exporting_refuse_a_damaged_database(damaged, tmp_path, capsys, book, name):
    before = files_of(damaged)
    out = tmp_path / "out"
    code, stdout, err = main(capsys, *commands(damaged, out, book)[name])
    assert code == 2 and stdout == ""
    assert_one_error_line(err, "damaged.db", "已损坏", "check")
    assert files_of(damaged) == before
    assert not out.exists()


def test_reading_a_damaged_page_names_check_too(damaged, capsys):
    code, _, err = main(capsys, "--db", damaged, "stats")
    assert code == 2
    assert_one_error_line(err, "damaged.db", "check")


# -- operating-system failures ---------------------------------------------------------------------------------
@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "x.db"
    with Store.open(path) as st:
        st.insert("team", {"name": TEAM, "unit": "XX市供电公司工会", "kind": st.settings.choices()["team_kind"][0],
                           "leader": "王建国", "leader_phone": "13812345678"})
        hh = st.insert("household", {"name": "李梅"})
        st.insert("aid", {"household_id": hh, "date": "2026-01-20", "programme": "送温暖", "amount": 5000})
    return path


@pytest.mark.parametrize("args", [
    ["export", "ledger", "aid", "--out", "{f}/x.xlsx"],
    ["export", "summary", "--out", "{f}/deeper/x.docx"],
    ["export", "registration", "--all", "--out", "{f}"],
    ["import", "template", "members", "--out", "{f}/t.xlsx"],
])
def test_a_file_where_a_folder_should_be(db, tmp_path, capsys, args):
    blocker = tmp_path / "台账"
    blocker.write_text("not a folder")
    args = [a.replace("{f}", str(blocker)) for a in args]
    code, out, err = main(capsys, "--db", db, *args)
    assert code == 2 and out == ""
    assert_one_error_line(err, f"“{blocker}”是一个文件，不是文件夹")
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("args, target", [
    (["export", "ledger", "aid", "--out", "{d}/帮扶.xlsx"], "帮扶.xlsx"),
    (["import", "template", "households", "--out", "{d}/模板.xlsx"], "模板.xlsx"),
    (["export", "plan", "--out", "{d}/方案.docx"], "方案.docx"),
])
def test_disk_full_names_the_file_and_leaves_nothing(db, tmp_path, capsys, monkeypatch, args, target):
    """The write fails half way (ENOSPC): one line naming the clerk's file; no file, no temporary file."""
    import docx.document
    import openpyxl.workbook.workbook

    def full(self, stream, *a, **k):   # save_atomic hands a stream and writes the temporary file itself
        stream.write(b"PK\x03\x04 half a file")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(openpyxl.workbook.workbook.Workbook, "save", full)
    monkeypatch.setattr(docx.document.Document, "save", full)
    folder = tmp_path / "out"
    folder.mkdir()
    code, out, err = main(capsys, "--db", db, *[a.replace("{d}", str(folder)) for a in args])
    assert code == 2 and out == ""
    assert_one_error_line(err, "磁盘空间不足", target)
    assert list(folder.iterdir()) == []


def test_a_read_only_folder_names_the_file(read_only_folder):
    folder, preexec = read_only_folder
    for args in (["export", "ledger", "aid", "--out", str(folder / "帮扶.xlsx")],
                 ["import", "template", "members", "--out", str(folder / "模板.xlsx")]):
        r = run("--db", str(folder.parent / "rw.db"), "demo", preexec_fn=preexec)
        assert r.returncode in (0, 2)   # demo once, then the database has records
        r = run("--db", str(folder.parent / "rw.db"), *args, preexec_fn=preexec)
        assert r.returncode == 2, text(r.stdout)
        assert_one_error_line(text(r.stderr), Path(args[-1]).name)
        assert sorted(p.name for p in folder.iterdir()) == ["old.db"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX")
def test_leftovers_of_killed_exports_are_swept_at_start(tmp_path, capsys, monkeypatch, db):
    leftovers = pytest.importorskip("leifeng_desktop.exports.leftovers")
    swept = []
    monkeypatch.setattr(leftovers, "sweep_leftovers", lambda: swept.append(True) or 0)
    assert cli.main(["--db", str(db), "check"]) == 0
    assert swept == [True]
