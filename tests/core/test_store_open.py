"""Opening modes (create=False, read_only), data_version, the checks, and SQLite errors sorted by their code."""
import hashlib
import sqlite3

import pytest

from leifeng_desktop.core import errors
from leifeng_desktop.core.errors import DatabaseDamaged, StoreBusy, StoreError, UserError
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.validation import ValidationError


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_error_kinds_are_user_errors():
    assert issubclass(StoreBusy, StoreError) and issubclass(DatabaseDamaged, StoreError)
    assert issubclass(StoreError, UserError) and issubclass(ValidationError, UserError)
    assert issubclass(ValidationError, ValueError)   # old `except ValueError` still catches it


def test_create_false_refuses_a_missing_path(tmp_path):
    path = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="不存在"):
        Store.open(path, create=False)
    assert list(tmp_path.iterdir()) == []


def test_create_false_refuses_an_empty_file_untouched(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(StoreError, match="空文件"):
        Store.open(path, create=False)
    assert path.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_create_false_opens_an_existing_database(db_path, team_values):
    Store.open(db_path).close()
    with Store.open(db_path, create=False) as st:
        assert st.insert("team", team_values)


def test_read_only_refuses_every_write_and_changes_nothing(db_path, team_values):
    with Store.open(db_path) as st:
        st.insert("team", team_values)
        st.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(db_path)
    with Store.open(db_path, read_only=True) as ro:
        assert ro.read_only and ro.count("team") == 1
        with pytest.raises(StoreError, match="只读"):
            ro.insert("team", team_values)
        with pytest.raises(StoreError, match="只读"):
            ro.settings.set({"city": "YY市"})
    assert digest(db_path) == before


def test_read_only_refuses_a_missing_file(tmp_path):
    with pytest.raises(StoreError, match="不存在"):
        Store.open(tmp_path / "x.db", read_only=True)
    assert list(tmp_path.iterdir()) == []


def test_read_only_sees_what_a_writer_commits(db_path, team_values):
    writer = Store.open(db_path)
    reader = Store.open(db_path, read_only=True)
    try:
        before = reader.data_version()
        writer.insert("team", team_values)
        assert reader.data_version() != before and reader.count("team") == 1
    finally:
        reader.close()
        writer.close()


def test_data_version_changes_only_for_other_connections(db_path, team_values):
    one, two = Store.open(db_path), Store.open(db_path)
    try:
        v1, v2 = one.data_version(), two.data_version()
        one.insert("team", team_values)
        assert one.data_version() == v1      # our own commit does not count
        assert two.data_version() != v2
    finally:
        one.close()
        two.close()


def test_busy_timeout_is_set_on_every_connection(store):
    ms = store.db.conn.execute("PRAGMA busy_timeout").fetchone()[0]
    assert ms == errors.BUSY_TIMEOUT_S * 1000 >= 5000


def test_checks_on_a_sound_database(store):
    assert store.quick_check() == [] and store.integrity_check() == []
    store.ensure_sound()


class FakeSqliteError(sqlite3.OperationalError):
    def __init__(self, code):
        super().__init__("english text that must not matter")
        self.sqlite_errorcode = code


@pytest.mark.parametrize("code, kind, words", [
    (sqlite3.SQLITE_BUSY, StoreBusy, "正被其他程序写入"),
    (sqlite3.SQLITE_BUSY_SNAPSHOT, StoreBusy, "5 秒"),
    (sqlite3.SQLITE_LOCKED, StoreBusy, "没有写入任何内容"),
    (sqlite3.SQLITE_CORRUPT, DatabaseDamaged, "check"),
    (sqlite3.SQLITE_NOTADB, DatabaseDamaged, "已损坏"),
    (sqlite3.SQLITE_READONLY, StoreError, "只读"),
    (sqlite3.SQLITE_CANTOPEN, StoreError, "只读"),
    (sqlite3.SQLITE_PERM, StoreError, "权限"),
    (sqlite3.SQLITE_FULL, StoreError, "磁盘空间不足"),
    (sqlite3.SQLITE_IOERR_WRITE, StoreError, "磁盘错误"),
])
def test_sqlite_errors_are_sorted_by_code(tmp_path, code, kind, words):
    found = errors.classify(FakeSqliteError(code), tmp_path / "leifeng.db")
    assert type(found) is kind and words in str(found) and "leifeng.db" in str(found)
    assert "english" not in str(found)


def test_a_program_error_keeps_its_kind(tmp_path):
    exc = FakeSqliteError(sqlite3.SQLITE_ERROR)   # e.g. "no such column": a bug, not a state of the world
    assert errors.classify(exc, tmp_path / "x.db") is exc
    plain = sqlite3.OperationalError("no code at all")
    assert errors.classify(plain, tmp_path / "x.db") is plain


def test_an_error_in_a_write_is_classified_and_rolled_back(store, team_values, monkeypatch):
    seen = []
    store.subscribe(seen.append)
    with pytest.raises(StoreError, match="磁盘空间不足"):
        with store.transaction():
            store.insert("team", team_values)
            raise FakeSqliteError(sqlite3.SQLITE_FULL)
    assert store.count("team") == 0 and seen == []
    assert not store.db.conn.in_transaction
