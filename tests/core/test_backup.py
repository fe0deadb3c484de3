"""Backups (core/backup.py): consistent copies while others write, checked, private; rotation; restore round trip;
the copies made before an upgrade, an import and a bulk delete."""
import datetime as dt
import hashlib
import os
import sqlite3
import sys
import threading
from pathlib import Path

import openpyxl
import pytest

from leifeng_desktop.core import attachments as att
from leifeng_desktop.core import backup as b
from leifeng_desktop.core import backup_files as bf
from leifeng_desktop.core import xlsx_import as xi
from leifeng_desktop.core.backup import BackupInfo
from leifeng_desktop.core.backup_files import BackupError
from leifeng_desktop.core.errors import StoreError
from leifeng_desktop.core.store import Store

TZ = dt.timezone(dt.timedelta(hours=8))


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def team(store, name="供电公司职工志愿服务队") -> str:
    return store.insert("team", {"name": name, "kind": store.settings.choices()["team_kind"][0],
                                 "unit": "XX市供电公司工会", "leader": "王建国", "leader_phone": "13812345678",
                                 "categories": ["扶老助残"], "service_forms": ["上门服务"], "founded_on": "2026-08-01"})


@pytest.fixture
def filled(store, tmp_path):
    """A team with two volunteers, an activity with two attachment files."""
    t = team(store)
    for name in ("张三", "李四"):
        store.insert("member", {"team_id": t, "name": name})
    act = store.insert("activity", {"title": "社区义诊", "starts_at": "2026-09-01T09:00",
                                    "ends_at": "2026-09-01T11:00", "category": "扶老助残", "team_id": t})
    for name, content in (("合影.jpg", b"\xff\xd8 photo"), ("签到表.docx", b"PK sheet")):
        source = tmp_path / name
        source.write_bytes(content)
        att.add_attachment(store, act, source)
    return store


def tables(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the backup's own description, to compare databases whole."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name != ? "
                                            "AND name NOT LIKE 'sqlite_%' ORDER BY name", [bf.INFO_TABLE])]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def folder_digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def file_states(path: Path) -> dict[str, str | None]:
    return {s: (hashlib.sha256(Path(f"{path}{s}").read_bytes()).hexdigest() if Path(f"{path}{s}").exists() else None)
            for s in ("", "-wal", "-shm")}


# -- making one ----------------------------------------------------------------------------------------------------
def test_a_backup_is_a_checked_private_copy_with_its_attachments(filled, db_path):
    info = b.make_backup(db_path, reason=b.MANUAL)
    assert info.path.parent == db_path.parent / "备份" and info.path.name.startswith("leifeng_")
    assert info.path.name.endswith("_manual.db") and info.reason == "手动" and info.ok
    assert info.counts == filled.counts() and info.total == sum(filled.counts().values())
    assert tables(info.path) == tables(db_path)
    assert not b.check_file(info.path)
    pool = db_path.parent / "备份" / "leifeng.附件"
    assert folder_digests(pool) == folder_digests(att.attachments_dir(filled)) and info.attachments == 2
    assert sorted(p.name for p in info.path.parent.iterdir()) == sorted([info.path.name, "leifeng.附件"])
    if sys.platform != "win32":
        assert info.path.stat().st_mode & 0o777 == 0o600
        assert (info.path.parent.stat().st_mode & 0o777) == 0o700
        assert all(p.stat().st_mode & 0o777 == 0o600 for p in pool.rglob("*") if p.is_file())


def test_attachment_files_are_copied_once(filled, db_path, monkeypatch):
    b.make_backup(db_path, reason=b.MANUAL)
    copied = []
    real = bf.copy_private
    monkeypatch.setattr(bf, "copy_private", lambda src, dst: (copied.append(src.name), real(src, dst)))
    second = b.make_backup(db_path, reason=b.MANUAL)
    assert copied == [] and second.attachments == 2


def test_a_backup_taken_while_another_transaction_is_open_holds_only_what_was_committed(filled, db_path):
    writer = Store.open(db_path)
    before = filled.counts()
    try:
        with writer.transaction():
            team(writer, "写了一半的服务队")
            info = b.make_backup(db_path, reason=b.MANUAL)   # does not wait for the writer (WAL)
        assert info.counts == before and "写了一半的服务队" not in repr(tables(info.path)["team"])
    finally:
        writer.close()
    assert filled.count("team") == before["team"] + 1


def test_backups_while_another_connection_keeps_writing_are_sound_and_whole(filled, db_path):
    """The writer adds a team with three volunteers per transaction: every copy must hold whole transactions."""
    started, stop, failures = threading.Event(), threading.Event(), []

    def write():
        try:
            with Store.open(db_path) as st:
                while not stop.is_set():
                    with st.transaction():
                        t = team(st, f"服务队{st.count('team')}")
                        for n in range(3):
                            st.insert("member", {"team_id": t, "name": f"队员{n}"})
                    started.set()
        except Exception as exc:   # noqa: BLE001 - reported by the test below
            failures.append(exc)
            started.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert started.wait(60)
        copies = [b.make_backup(db_path, reason=b.MANUAL) for _ in range(3)]
    finally:
        stop.set()
        thread.join()
    assert not failures
    for info in copies:
        assert info.ok and not b.check_file(info.path)
        conn = sqlite3.connect(f"file:{info.path}?mode=ro", uri=True)
        counts = bf.counts(conn)
        conn.close()
        assert counts == info.counts
        assert counts["member"] - 2 == 3 * (counts["team"] - 1)   # the fixture's team had two volunteers


def test_a_copy_that_fails_its_check_is_removed_and_reported(filled, db_path, monkeypatch):
    monkeypatch.setattr(bf, "problems", lambda conn, pragma="integrity_check": ["*** in database main ***"])
    with pytest.raises(BackupError, match="未通过完整性检查.*已删除该备份"):
        b.make_backup(db_path, reason=b.MANUAL)
    assert not list((db_path.parent / "备份").glob("*.db")) and not list((db_path.parent / "备份").glob(".tmp-*"))


def test_a_damaged_database_is_not_backed_up(tmp_path):
    path = tmp_path / "bad.db"
    with Store.open(path) as st:
        for n in range(200):
            team(st, "服务队" * 15 + str(n))
    with open(path, "r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096)
    with pytest.raises(BackupError, match="bad.db"):
        b.make_backup(path, reason=b.MANUAL)
    assert not list((tmp_path / "备份").glob("*.db"))


@pytest.mark.parametrize("make", [lambda p: None, lambda p: p.write_bytes(b""), lambda p: p.write_text("不是数据库")])
def test_missing_empty_or_foreign_files_are_refused(tmp_path, make):
    path = tmp_path / "x.db"
    make(path)
    with pytest.raises(StoreError, match="x.db"):
        b.make_backup(path, reason=b.MANUAL)
    assert not (tmp_path / "备份").exists()


def test_a_backup_to_a_chosen_file_keeps_its_attachments_beside_it(filled, db_path, tmp_path):
    out = tmp_path / "U盘" / "台账备份.db"
    out.parent.mkdir()
    info = b.make_backup(db_path, reason=b.MANUAL, out=out)
    assert info.path == out and tables(out) == tables(db_path)
    assert folder_digests(out.with_name("台账备份.附件")) == folder_digests(att.attachments_dir(filled))
    assert not (db_path.parent / "备份").exists()
    again = b.make_backup(db_path, reason=b.MANUAL, out=out)   # replaced by a checked copy
    assert again.path == out and b.read_backup(out).ok
    with pytest.raises(BackupError, match="同一个文件"):
        b.make_backup(db_path, reason=b.MANUAL, out=db_path)


def test_two_backups_in_one_second_get_two_names(filled, db_path):
    now = at(2026, 9, 1, 9, 0, 0)
    first = b.make_backup(db_path, reason=b.MANUAL, now=now)
    second = b.make_backup(db_path, reason=b.MANUAL, now=now)
    assert first.path != second.path and second.path.name.endswith("_manual-2.db")
    assert {i.path for i in b.list_backups(db_path)} == {first.path, second.path}


def test_listing_describes_each_backup_and_marks_a_damaged_one(filled, db_path):
    old = b.make_backup(db_path, reason=b.IMPORT, now=at(2026, 9, 1, 9, 0))
    new = b.make_backup(db_path, reason=b.DAILY, now=at(2026, 9, 2, 9, 0))
    listed = b.list_backups(db_path)
    assert [i.path for i in listed] == [new.path, old.path]
    assert listed[1].reason == "导入前" and listed[1].made_at == at(2026, 9, 1, 9, 0) and listed[1].counts == old.counts
    assert b.newest_good(db_path).path == new.path
    data = bytearray(new.path.read_bytes())
    data[4096 * 2:4096 * 3] = b"\xff" * 4096   # a page of the newest copy overwritten
    new.path.write_bytes(bytes(data))
    assert b.newest_good(db_path).path == old.path
    (old.path.parent / "leifeng_20260903-090000_daily.db").write_bytes(b"")   # no description, no content
    unreadable = b.list_backups(db_path)[0]
    assert unreadable.reason == "每日" and not unreadable.ok and unreadable.counts == {}
    assert b.list_backups(db_path.with_name("other.db")) == []


# -- when ----------------------------------------------------------------------------------------------------------
def test_the_daily_backup_is_made_once_a_day(filled, db_path):
    first = b.daily_backup(db_path, now=at(2026, 9, 1, 8, 0))
    assert first is not None and first.reason == "每日" and first.path.name.endswith("_daily.db")
    assert b.daily_backup(db_path, now=at(2026, 9, 1, 17, 0)) is None
    assert b.daily_backup(db_path, now=at(2026, 9, 2, 8, 0)) is not None
    assert len(b.list_backups(db_path)) == 2


def test_no_daily_backup_of_a_file_nobody_has_entered_anything_in(store, db_path):
    assert b.daily_backup(db_path) is None and not (db_path.parent / "备份").exists()


def test_a_failing_daily_backup_is_logged_never_raised(filled, db_path, caplog):
    (db_path.parent / "备份").write_text("a file where the folder should be")
    assert b.daily_backup(db_path) is None
    assert any("daily backup" in r.getMessage() for r in caplog.records)


def test_an_upgrade_is_backed_up_first(filled, db_path):
    before = tables(db_path)
    filled.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_revisions'")   # a step pending
    pending = tables(db_path)
    filled.close()
    with Store.open(db_path) as st:
        assert st.schema_version >= 4
    [upgrade] = b.list_backups(db_path)
    assert upgrade.reason == "升级前" and upgrade.path.name.endswith("_upgrade.db")
    assert tables(upgrade.path) == pending and pending != before
    with Store.open(db_path):
        pass
    assert len(b.list_backups(db_path)) == 1   # nothing pending: no copy


def test_no_upgrade_without_a_backup(filled, db_path):
    filled.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_revisions'")
    filled.close()
    (db_path.parent / "备份").write_text("a file where the folder should be")
    before = file_states(db_path)
    with pytest.raises(StoreError, match="升级前未能备份.*为保护数据未作任何修改"):
        Store.open(db_path)
    assert file_states(db_path)[""] == before[""]
    conn = sqlite3.connect(db_path)
    assert not conn.execute("SELECT COUNT(*) FROM _sqlite_migrations WHERE name = 'm004_revisions'").fetchone()[0]
    conn.close()


def test_a_new_file_is_not_backed_up(db_path):
    with Store.open(db_path):
        pass
    assert not (db_path.parent / "备份").exists()


def test_an_import_is_backed_up_first(filled, db_path, tmp_path):
    book = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "性别"])
    wb.active.append(["王五", "男"])
    wb.save(book)
    before = tables(db_path)
    preview = xi.read_workbook(book, "member", choices=filled.settings.choices(), existing=[])
    t = filled.rows("team")[0]["id"]
    xi.import_rows(filled, preview, parent_values={"team_id": t})
    [copy] = b.list_backups(db_path)
    assert copy.reason == "导入前" and tables(copy.path) == before
    assert filled.count("member") == 3


def test_an_import_that_cannot_be_backed_up_writes_nothing(filled, db_path, tmp_path):
    book = tmp_path / "名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名"])
    wb.active.append(["王五"])
    wb.save(book)
    (db_path.parent / "备份").write_text("a file where the folder should be")
    preview = xi.read_workbook(book, "member", choices=filled.settings.choices(), existing=[])
    with pytest.raises(BackupError, match="导入前未能备份.*本次未导入任何数据"):
        xi.import_rows(filled, preview, parent_values={"team_id": filled.rows("team")[0]["id"]})
    assert filled.count("member") == 2


def test_a_purge_of_the_trash_is_backed_up_first(filled, db_path):
    from leifeng_desktop.core import trash
    t = filled.rows("team")[0]["id"]
    filled.delete("team", t)                          # to the 回收站: no copy, it can be taken back
    assert not [i for i in b.list_backups(db_path) if i.reason == "批量删除前"]
    trash.purge(filled)                               # for good: a copy first, holding the team
    copies = [i for i in b.list_backups(db_path) if i.reason == "批量删除前"]
    assert len(copies) == 1 and copies[0].counts["team"] == 0
    trash.purge(filled)                               # nothing left to purge: no copy
    assert len([i for i in b.list_backups(db_path) if i.reason == "批量删除前"]) == 1


def test_no_purge_without_its_copy(filled, db_path):
    from leifeng_desktop.core import trash
    filled.delete("team", filled.rows("team")[0]["id"])
    (db_path.parent / "备份").write_text("a file where the folder should be")
    with pytest.raises(BackupError, match="批量删除前未能备份.*回收站中的记录未被删除"):
        trash.purge(filled)
    assert len(trash.entries(filled)) == 1


# -- rotation -----------------------------------------------------------------------------------------------------
def fake(made: dt.datetime, reason: str = b.DAILY, ok: bool = True) -> BackupInfo:
    path = Path(f"/backups/x_{made:%Y%m%d-%H%M%S}_{b.REASON_KEYS[reason]}.db")
    return BackupInfo(path, made, reason, {"team": 1}, ok)


def test_rotation_keeps_7_daily_4_weekly_12_monthly_and_10_before_operation_copies():
    now = at(2026, 12, 31, 18, 0)
    daily = [fake(at(2025, 1, 1, 9) + dt.timedelta(days=n)) for n in range(730)]   # two years, once a day
    daily += [fake(at(2026, 12, 31, 8)), fake(at(2026, 12, 31, 12))]             # twice on the last day
    ops = [fake(at(2026, 12, 1, 10) + dt.timedelta(hours=n), b.IMPORT if n % 2 else b.BULK_DELETE) for n in range(15)]
    manual = [fake(at(2025, 3, 1, 10), b.MANUAL)]
    damaged = [fake(at(2025, 2, 1, 10), ok=False)]
    future = [fake(at(2027, 6, 1, 9))]   # a clock set wrong once
    kept = b.keep(daily + ops + manual + damaged + future, now)

    days = {i.made_at.date() for i in daily if i.path in kept}
    newest_days = sorted({i.made_at.date() for i in daily}, reverse=True)[:7]
    assert set(newest_days) <= days
    assert fake(at(2026, 12, 31, 8)).path not in kept and fake(at(2026, 12, 31, 12)).path in kept
    weeks = sorted({i.made_at.isocalendar()[:2] for i in daily}, reverse=True)[:4]
    for week in weeks:   # the newest of each of the last four weeks
        newest = max((i for i in daily if i.made_at.isocalendar()[:2] == week), key=lambda i: i.made_at)
        assert newest.path in kept
    months = sorted({(i.made_at.year, i.made_at.month) for i in daily if i.made_at <= now}, reverse=True)[:12]
    for month in months:
        newest = max((i for i in daily if (i.made_at.year, i.made_at.month) == month and i.made_at <= now),
                     key=lambda i: i.made_at)
        assert newest.path in kept
    expected_daily = len(set(newest_days) | {w for w in weeks} | set(months))   # upper bound of distinct copies
    assert len([i for i in daily if i.path in kept]) <= expected_daily
    assert all(i.path not in kept for i in daily if i.made_at < at(2026, 1, 1))   # older than 12 months go
    assert [i.path in kept for i in ops] == [n >= 5 for n in range(15)]          # the newest 10
    assert manual[0].path in kept and damaged[0].path in kept and future[0].path in kept


def test_rotation_never_empties_the_folder_after_a_long_pause():
    infos = [fake(at(2020, 1, 1, 9) + dt.timedelta(days=n)) for n in range(3)]
    assert b.keep(infos, at(2026, 1, 1, 9)) == {i.path for i in infos}


def test_rotate_removes_files_and_the_attachment_files_only_they_needed(filled, db_path):
    start = at(2026, 1, 1, 9)
    made = [b.make_backup(db_path, reason=b.DAILY, now=start + dt.timedelta(days=n)) for n in range(10)]
    pool = b.pool_dir(db_path)
    gone_record = filled.rows("attachment")[0]
    name = att.stored_name(gone_record["sha256"], gone_record["name"])
    filled.db.execute("DELETE FROM attachment WHERE id = ?", [gone_record["id"]])   # gone for good (purged)
    att.file_path(filled, gone_record).unlink()        # later backups no longer hold this file
    old = (pool / name[:2] / name).stat().st_mtime - 2 * bf.STALE_S
    os.utime(pool / name[:2] / name, (old, old))         # copied long ago: no backup is copying it right now
    later = [b.make_backup(db_path, reason=b.DAILY, now=start + dt.timedelta(days=n)) for n in range(10, 45)]
    remaining = {i.path for i in b.list_backups(db_path)}
    assert remaining == b.keep(made + later, start + dt.timedelta(days=44))
    assert made[0].path not in remaining and later[-1].path in remaining
    assert len(remaining) < 45 and all(p.exists() for p in remaining)
    files = bf.stored_files(pool)
    assert name not in files and len(files) == 1    # the removed file went with the last backup that held it


# -- restoring ----------------------------------------------------------------------------------------------------
def test_restore_round_trip_brings_back_records_and_attachment_files(filled, db_path, tmp_path):
    saved_tables, saved_files = tables(db_path), folder_digests(att.attachments_dir(filled))
    info = b.make_backup(db_path, reason=b.MANUAL)
    for record in filled.rows("attachment"):
        att.remove_attachment(filled, record["id"])
    for path in att.attachments_dir(filled).rglob("*"):   # the files lost too (by hand, or purged)
        if path.is_file():
            path.unlink()
    filled.delete("team", filled.rows("team")[0]["id"])
    team(filled, "之后新建的服务队")
    changed = tables(db_path)
    filled.close()
    restored = b.restore_backup(db_path, info.path)
    assert tables(db_path) == saved_tables
    assert folder_digests(db_path.with_name("leifeng.附件")) == saved_files
    assert restored.path == info.path and restored.missing_files == 0
    safety = b.read_backup(restored.safety_copy)
    assert safety.reason == "恢复前" and tables(safety.path) == changed
    with Store.open(db_path) as st:
        assert not st.integrity_check() and st.count("attachment") == 2
        assert bf.INFO_TABLE not in st.db.table_names()


def test_restore_is_refused_while_another_connection_holds_the_database(filled, db_path):
    info = b.make_backup(db_path, reason=b.MANUAL)
    team(filled, "恢复前录入的服务队")
    before = file_states(db_path)
    with pytest.raises(BackupError, match="正被程序窗口或其他程序打开.*未作任何修改"):
        b.restore_backup(db_path, info.path)
    assert file_states(db_path) == before
    assert [i.reason for i in b.list_backups(db_path)] == ["手动"]   # no 恢复前 copy either
    assert filled.count("team", where="name = ?", params=["恢复前录入的服务队"]) == 1


@pytest.mark.parametrize("kind", ["missing", "not_sqlite", "damaged", "foreign", "newer", "itself"])
def test_a_backup_that_cannot_be_restored_changes_nothing(filled, db_path, tmp_path, kind):
    path = tmp_path / f"{kind}.db"
    if kind == "not_sqlite":
        path.write_text("不是数据库")
    elif kind == "foreign":
        sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.close()
    elif kind in ("damaged", "newer"):
        b.make_backup(db_path, reason=b.MANUAL, out=path)
        conn = sqlite3.connect(path)
        if kind == "newer":
            conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                         "VALUES ('leifeng', 'm999_future', '2030-01-01')")
            conn.commit()
        conn.close()
        if kind == "damaged":
            data = bytearray(path.read_bytes())
            data[4096 * 2:4096 * 3] = b"\xff" * 4096
            path.write_bytes(bytes(data))
    elif kind == "itself":
        path = db_path
    filled.close()
    before = file_states(db_path)
    message = {"missing": "找不到备份文件", "not_sqlite": "不是数据库备份文件", "damaged": "未通过完整性检查",
               "foreign": "不是本程序的数据库备份", "newer": "更新版本", "itself": "就是当前数据库本身"}[kind]
    with pytest.raises(BackupError, match=message):
        b.restore_backup(db_path, path)
    assert file_states(db_path) == before


def test_a_damaged_database_is_restored_and_kept_aside_byte_for_byte(filled, db_path):
    info = b.make_backup(db_path, reason=b.MANUAL)
    filled.close()
    data = bytearray(db_path.read_bytes())
    data[:16] = b"garbage garbage!"   # not even a database any more
    db_path.write_bytes(bytes(data))
    restored = b.restore_backup(db_path, info.path)
    assert tables(db_path) == tables(info.path)
    assert restored.safety_copy.read_bytes() == bytes(data)
    assert not b.read_backup(restored.safety_copy).ok   # listed as damaged, kept by rotation
    with Store.open(db_path) as st:
        assert not st.integrity_check()


def test_restore_to_a_missing_database_creates_it(filled, db_path, tmp_path):
    out = tmp_path / "elsewhere" / "copy.db"
    out.parent.mkdir()
    info = b.make_backup(db_path, reason=b.MANUAL, out=out)
    target = tmp_path / "new" / "leifeng.db"
    restored = b.restore_backup(target, info.path)
    assert restored.safety_copy is None and restored.missing_files == 0
    assert tables(target) == tables(out)
    assert folder_digests(target.with_name("leifeng.附件")) == folder_digests(att.attachments_dir(filled))


def test_missing_attachment_files_are_counted_not_fatal(filled, db_path):
    info = b.make_backup(db_path, reason=b.MANUAL)
    filled.close()
    for folder in (db_path.with_name("leifeng.附件"), b.pool_dir(db_path)):
        for p in list(folder.rglob("*.jpg")):
            p.unlink()
    restored = b.restore_backup(db_path, info.path)
    assert restored.missing_files == 1 and tables(db_path) == tables(info.path)
