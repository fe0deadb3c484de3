"""`backup [--out FILE]`, `backups [--json]`, `restore FILE`: their output, the files they make, the exit codes;
and the day's backup that writing commands make at open."""
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from leifeng_desktop import cli
from leifeng_desktop.core import backup as b
from leifeng_desktop.core.store import Store

from cli_helpers import assert_one_error_line, files_of

TEAM = "供电公司职工志愿服务队"


def main(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def db(db_path, tmp_path):
    """A team with a volunteer and an activity with a photo; no connection left open (a restore needs that)."""
    with Store.open(db_path) as store:
        team = store.insert("team", {"name": TEAM, "kind": store.settings.choices()["team_kind"][0],
                                     "unit": "XX市供电公司工会", "leader": "王建国", "leader_phone": "13812345678",
                                     "categories": ["扶老助残"], "service_forms": ["上门服务"],
                                     "founded_on": "2026-08-01"})
        store.insert("member", {"team_id": team, "name": "张三"})
        act = store.insert("activity", {"title": "社区义诊", "starts_at": "2026-09-01T09:00",
                                        "ends_at": "2026-09-01T11:00", "category": "扶老助残", "team_id": team})
        photo = tmp_path / "合影.jpg"
        photo.write_bytes(b"\xff\xd8 photo")
        from leifeng_desktop.core.attachments import add_attachment
        add_attachment(store, act, photo)
    return db_path


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()


def test_backup_into_the_backup_folder(db, capsys):
    code, out, err = main(capsys, "--db", db, "backup")
    assert code == 0 and err == ""
    [made] = b.list_backups(db)
    assert out.splitlines() == [f"已备份到 {made.path}", f"记录 {made.total} 条，附件文件 1 个；完整性检查：正常"]
    assert made.reason == "手动" and made.path.parent == db.parent / "备份"


def test_backup_to_a_chosen_file(db, tmp_path, capsys):
    out_file = tmp_path / "U盘" / "台账备份.db"   # its folder is made
    code, out, err = main(capsys, "--db", db, "backup", "--out", out_file)
    assert code == 0 and err == "" and out.startswith(f"已备份到 {out_file}\n")
    assert count(out_file, "team") == 1 and len(list((tmp_path / "U盘" / "台账备份.附件").rglob("*.jpg"))) == 1
    assert not (db.parent / "备份").exists()


@pytest.mark.parametrize("args, fragments", [
    (["backup", "--out", "备份.xlsx"], ["备份文件名应以 .db 结尾"]),
    (["restore", "没有这个文件.db"], ["找不到备份文件", "没有这个文件.db"]),
])
def test_mistakes_are_one_error_line(db, capsys, args, fragments):
    before = files_of(db)
    code, out, err = main(capsys, "--db", db, *args)
    assert code == 2 and out == ""
    assert_one_error_line(err, *fragments)
    assert files_of(db) == before


@pytest.mark.parametrize("command", ["backup", "backups", "restore x.db"])
def test_a_missing_database(tmp_path, capsys, command):
    db = tmp_path / "none.db"
    code, out, err = main(capsys, "--db", db, *command.split())
    if command == "backups":   # nothing to list is not an error
        assert code == 0 and "还没有数据库“none.db”的备份" in out
    else:
        assert code == 2 and out == ""
        assert_one_error_line(err, "不存在" if command == "backup" else "找不到备份文件")
    assert not db.exists() and not (tmp_path / "备份").exists()


def test_backups_lists_newest_first_and_flags_a_damaged_one(db, capsys):
    first = b.make_backup(db, reason=b.IMPORT)
    second = b.make_backup(db, reason=b.MANUAL)
    code, out, err = main(capsys, "--db", db, "backups")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"备份文件夹：{db.parent / '备份'}（共 2 份）"
    assert lines[1].split() == ["备份时间", "原因", "记录数", "附件", "状态", "文件"]
    newest, oldest = (line.split() for line in lines[2:])
    assert newest[2:] == ["手动", str(second.total), "1", "完好", second.path.name]
    assert oldest[2:] == ["导入前", str(first.total), "1", "完好", first.path.name]

    code, out, _ = main(capsys, "--db", db, "backups", "--json")
    listed = json.loads(out)
    assert code == 0 and [i["reason"] for i in listed] == ["手动", "导入前"]
    assert listed[0]["counts"]["team"] == 1 and listed[0]["ok"] is True and listed[0]["path"] == str(second.path)

    first.path.write_bytes(first.path.read_bytes()[:1024])   # cut short
    code, out, _ = main(capsys, "--db", db, "backups")
    assert code == 1 and "损坏" in out


def test_restore_by_name_from_the_backup_folder(db, capsys):
    made = b.make_backup(db, reason=b.MANUAL)
    with Store.open(db) as store:
        store.delete("member", store.rows("member")[0]["id"])
    code, out, err = main(capsys, "--db", db, "restore", made.path.name)
    assert code == 0 and err == "", err
    lines = out.splitlines()
    assert lines[0].startswith(f"已用备份“{made.path.name}”（") and lines[0].endswith(f"恢复数据库 {db}")
    [safety] = [i for i in b.list_backups(db) if i.reason == "恢复前"]
    assert lines[1] == f"恢复前的数据库已另存为 {safety.path}"
    assert count(db, "member") == 1 and count(safety.path, "member") == 0


def test_restore_is_refused_while_the_database_is_open(db, capsys):
    made = b.make_backup(db, reason=b.MANUAL)
    with Store.open(db):
        before = files_of(db)
        code, out, err = main(capsys, "--db", db, "restore", made.path)
        assert files_of(db) == before
    assert code == 2 and out == ""
    assert_one_error_line(err, "正被程序窗口或其他程序打开", "未作任何修改")


def test_restore_reports_attachment_files_it_cannot_find(db, capsys):
    made = b.make_backup(db, reason=b.MANUAL)
    for folder in (db.with_name("leifeng.附件"), b.pool_dir(db)):
        for path in folder.rglob("*.jpg"):
            path.unlink()
    code, out, err = main(capsys, "--db", db, "restore", made.path)
    assert code == 1 and err == ""
    assert out.splitlines()[-1] == "有 1 个附件文件在备份中找不到，相关活动的这些附件将无法打开"


def test_an_import_makes_the_days_backup_and_one_before_it(db, tmp_path, capsys):
    book = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "性别"])
    wb.active.append(["李四", "男"])
    wb.save(book)
    code, _, err = main(capsys, "--db", db, "import", "members", "--team", TEAM, "--dry-run", book)
    assert code == 0 and not (db.parent / "备份").exists()   # a dry run writes nothing, backs up nothing
    code, _, err = main(capsys, "--db", db, "import", "members", "--team", TEAM, book)
    assert code == 0, err
    assert sorted(i.reason for i in b.list_backups(db)) == ["导入前", "每日"]
    code, _, err = main(capsys, "--db", db, "import", "members", "--team", TEAM, book)
    assert sorted(i.reason for i in b.list_backups(db)) == ["导入前", "导入前", "每日"]   # once a day


def test_the_commands_are_in_the_help_and_need_no_qt(db, capsys, cli_without_qt):
    code, out, _ = main(capsys, "--help")
    assert code == 0 and all(f"  {name} " in out for name in ("backup", "backups", "restore"))
    result = cli_without_qt("--db", db, "backups")
    assert result.returncode == 0, result.stderr.decode()
    assert "还没有数据库“leifeng.db”的备份" in result.stdout.decode()
