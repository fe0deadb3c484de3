"""Store round trips, transactions, notices, migrations and the files it must refuse untouched."""
import datetime as dt
import hashlib
import sqlite3
import uuid

import pytest

from leifeng_desktop.core import migrations as mig
from leifeng_desktop.core.store import Store, StoreError, default_db_path
from leifeng_desktop.core.validation import ValidationError


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_keeps_every_value(store, team_values):
    tid = store.insert("team", team_values)
    uuid.UUID(tid)
    got = store.get("team", tid)
    for key, value in team_values.items():
        assert got[key] == value
    stamp = dt.datetime.fromisoformat(got["created_at"])
    assert stamp.tzinfo is not None and got["updated_at"] == got["created_at"]
    store.update("team", tid, {"area": "XX广场 <script>'; DROP TABLE team; --"})
    assert store.get("team", tid)["area"] == "XX广场 <script>'; DROP TABLE team; --"
    assert store.count("team") == 1


def test_every_record_carries_its_unit(store, team_values):
    gid = store.rows("working_group")[0]["id"]
    vid = store.insert("enterprise_visit", {"date": "2026-09-01", "group_id": gid, "enterprise": "XX机械厂"},
                       unit="XX区总工会")
    assert store.get("enterprise_visit", vid)["unit"] == "XX区总工会"
    tid = store.insert("team", team_values)
    assert store.get("team", tid)["unit"] == "XX市供电公司工会"
    hid = store.insert("household", {"name": "李梅"})
    assert store.get("household", hid)["unit"] == store.settings.get("our_unit")


def test_bad_record_is_refused_and_nothing_is_written(store, team_values):
    with pytest.raises(ValidationError) as err:
        store.insert("team", {**team_values, "leader_phone": "12345", "name": ""})
    assert set(err.value.errors) == {"leader_phone", "name"}
    assert store.count("team") == 0


def test_unknown_field_is_refused(store, team_values):
    with pytest.raises(ValidationError) as err:
        store.insert("team", {**team_values, "colour": "red"})
    assert "colour" in err.value.errors


def test_transaction_rolls_back_every_write(store, team_values):
    with pytest.raises(ValidationError):
        with store.transaction():
            store.insert("team", team_values)
            store.insert("team", {**team_values, "leader_phone": "bad"})
    assert store.count("team") == 0


def test_notices_come_after_commit_only(store, team_values):
    seen = []
    store.subscribe(seen.append)
    with store.transaction():
        store.insert("team", team_values)
        assert seen == []
    assert seen == ["team"]
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert("team", team_values)
            raise RuntimeError("abandon")
    assert seen == ["team"] and store.count("team") == 1


def test_delete_takes_children_with_it(store, team_values):
    tid = store.insert("team", team_values)
    for name in ("甲", "乙", "丙"):
        store.insert("member", {"team_id": tid, "name": name})
    aid = store.insert("activity", {"title": "清扫街道", "starts_at": "2026-09-01T09:00",
                                    "ends_at": "2026-09-01T11:00", "category": "保护环境", "team_id": tid})
    store.delete("team", tid)
    assert store.count("member") == 0
    assert store.get("activity", aid)["team_id"] is None


def test_reference_to_a_missing_record_is_refused(store):
    with pytest.raises(ValidationError) as err:
        store.insert("member", {"team_id": str(uuid.uuid4()), "name": "无队"})
    assert "team_id" in err.value.errors


def test_update_of_a_deleted_record_says_so(store, team_values):
    tid = store.insert("team", team_values)
    store.delete("team", tid)
    with pytest.raises(StoreError, match="已不存在"):
        store.update("team", tid, {"area": "x"})


def test_pragmas(store):
    conn = store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_new_database_is_migrated_and_reopens(db_path):
    with Store.open(db_path) as st:
        assert st.schema_version == mig.SCHEMA_VERSION
        names = [m.name for m in mig.migrations.applied(st.db)]
    with Store.open(db_path) as st:
        assert [m.name for m in mig.migrations.applied(st.db)] == names
        assert st.integrity_check() == []


def test_partly_migrated_database_is_brought_up_to_date(db_path):
    from sqlite_utils import Database
    db = Database(db_path)
    mig.migrations.apply(db, stop_before=mig.known_names()[-1])
    db.close()
    with Store.open(db_path) as st:
        assert st.schema_version == mig.SCHEMA_VERSION
        assert st.settings.get("year") is not None


def test_newer_database_is_refused_untouched(db_path):
    with Store.open(db_path) as st:
        st.db["_sqlite_migrations"].insert({"migration_set": "leifeng", "name": "m999_future",
                                            "applied_at": "2030-01-01"})
        st.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(db_path)
    with pytest.raises(StoreError, match="更新版本"):
        Store.open(db_path)
    assert digest(db_path) == before


def test_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库\n" * 50, encoding="utf-8")
    before = digest(path)
    with pytest.raises(StoreError, match="不是"):
        Store.open(path)
    assert digest(path) == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="其他程序"):
        Store.open(path)
    assert digest(path) == before


def test_locked_database_is_refused(db_path, monkeypatch):
    Store.open(db_path).close()
    monkeypatch.setattr("leifeng_desktop.core.errors.BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="锁定"):
            Store.open(db_path)
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_read_only_folder_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    import os
    real_access = os.access
    # root ignores permission bits, so ask os.access as an ordinary user would be answered
    monkeypatch.setattr(os, "access", lambda p, mode: False if mode & os.W_OK and str(p).startswith(str(folder))
                        else real_access(p, mode))
    with pytest.raises(StoreError, match="只读"):
        Store.open(folder / "x.db")
    assert list(folder.iterdir()) == []


def test_folder_path_is_refused(tmp_path):
    with pytest.raises(StoreError, match="文件夹"):
        Store.open(tmp_path)


def test_default_path_is_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "linux")
    assert default_db_path() == tmp_path / "LeifengDesktop" / "leifeng.db"
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert default_db_path() == tmp_path / "Roaming" / "LeifengDesktop" / "leifeng.db"


def test_is_empty_ignores_seeded_defaults(store, team_values):
    assert store.is_empty()
    store.insert("team", team_values)
    assert not store.is_empty()


def test_a_renamed_choice_does_not_block_saving_an_old_record(store, team_values):
    team_id = store.insert("team", team_values)
    kinds = store.settings.choices()["team_kind"]
    store.settings.set_choices("team_kind", ["新类型"] + kinds[1:])   # the team's kind was renamed
    store.update("team", team_id, {**team_values, "leader": "李四"})   # saved unchanged otherwise: accepted
    assert store.get("team", team_id)["kind"] == team_values["kind"]
    with pytest.raises(ValidationError):
        store.insert("team", {**team_values, "name": "新队"})   # a new record gets only the current options


def test_a_reference_to_a_missing_record_is_refused_on_update_too(store, team_values):
    team_id = store.insert("team", team_values)
    member_id = store.insert("member", {"team_id": team_id, "name": "甲"})
    with pytest.raises(ValidationError) as err:
        store.update("member", member_id, {"team_id": str(uuid.uuid4())})
    assert "team_id" in err.value.errors and store.get("member", member_id)["team_id"] == team_id


def test_a_broken_constraint_that_is_not_the_clerks_keeps_its_kind(store, team_values):
    team_id = store.insert("team", team_values)
    with pytest.raises(sqlite3.IntegrityError):   # a program error (an id used twice), not a message for a clerk
        store.insert("team", team_values, record_id=team_id)
    assert store.count("team") == 1
