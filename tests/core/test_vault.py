"""core.vault: the data key's life — kept on this PC, wrapped by the office's password and a recovery key; wrong
passwords counted (kept in the file), five in a row make it wait."""
import sqlite3

import pytest

from leifeng_desktop.core import crypto, device_keys, vault
from leifeng_desktop.core.store import Store


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    """scrypt at a test's cost (the real parameters are checked once, below)."""
    real = crypto.password_key
    monkeypatch.setattr(crypto, "password_key", lambda pw, salt, n=0, r=8, p=1: real(pw, salt, n=2**10, r=r, p=p))


@pytest.fixture
def household(store, fake_id):
    return store.insert("household", {"name": "李四", "id_number": fake_id(), "income": 86000,
                                      "bank_account": "6222020200001234567", "health": "慢性病"})


def forgotten(db_path, password=None):
    """The file opened as on a PC that does not keep its key."""
    with Store.open(db_path) as st:
        vault.forget(st)
    return Store.open(db_path, password=password)


def test_a_new_file_is_encrypted_and_opens_here_without_a_password(store, household, db_path, fake_id):
    assert vault.state(store) == vault.State(encrypted=True, has_password=False, locked=False, remembered=True,
                                             wait_seconds=0, keeper="file")
    store.close()
    with Store.open(db_path) as st:
        assert not st.locked and st.get("household", household)["id_number"] == fake_id()
        key_file = device_keys.key_file(vault.database_id(st) or "")
    assert key_file.exists() and key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o777 == 0o700


def test_the_real_scrypt_parameters_are_written(store):
    vault.set_password(store, "办公室的密码")
    assert vault.get(store, "kdf") == "scrypt:32768:8:1"


def test_without_the_key_the_file_opens_locked(store, household, db_path):
    vault.set_password(store, "办公室的密码")
    store.close()
    with forgotten(db_path) as st:
        assert st.locked and vault.state(st).locked
        row = st.get("household", household)
        assert row["name"] == "李四"
        assert all(crypto.is_locked(row[k]) for k in ("id_number", "income", "bank_account", "health"))
        with pytest.raises(vault.Locked, match="尚未解锁"):
            st.update("household", household, {"income": 1})
        st.update("household", household, {"name": "李四新", "income": crypto.LOCKED, "health": None})
        with pytest.raises(vault.Locked):
            vault.set_password(st, "另一个新密码")
    with Store.open(db_path, password="办公室的密码") as st:
        row = st.get("household", household)
        assert row["name"] == "李四新" and row["income"] == 86000 and row["health"] == "慢性病"


def test_forget_is_refused_without_a_password(store):
    with pytest.raises(vault.NoPassword):
        vault.forget(store)
    assert vault.state(store).remembered


def test_a_wrong_password_is_refused_and_five_make_it_wait(store, household, db_path, monkeypatch):
    vault.set_password(store, "办公室的密码")
    store.close()
    now = [1_000_000.0]
    monkeypatch.setattr(vault, "clock", lambda: now[0])
    with pytest.raises(vault.WrongPassword, match="还可再试 4 次"):
        forgotten(db_path, password="不对的密码啊")
    with forgotten(db_path) as st:
        for left in (3, 2, 1):
            with pytest.raises(vault.WrongPassword, match=f"还可再试 {left} 次"):
                vault.unlock(st, "不对的密码啊")
        with pytest.raises(vault.TooManyTries) as waited:
            vault.unlock(st, "不对的密码啊")
        assert waited.value.seconds == vault.FIRST_WAIT_S and "分钟后再试" in str(waited.value)
    with forgotten(db_path) as st:   # closing the program does not end the wait: it is kept in the file
        with pytest.raises(vault.TooManyTries):
            vault.unlock(st, "办公室的密码")
        assert vault.state(st).wait_seconds == vault.FIRST_WAIT_S
        now[0] += vault.FIRST_WAIT_S
        vault.unlock(st, "办公室的密码")
        assert not st.locked and vault.state(st).wait_seconds == 0
        assert vault.get(st, "failed_tries") is None


def test_a_changed_password_opens_and_the_old_one_does_not(store, household, db_path):
    vault.set_password(store, "旧的密码123")
    with pytest.raises(vault.WrongPassword):
        vault.change_password(store, "不是旧密码", "新的密码456")
    vault.change_password(store, "旧的密码123", "新的密码456")
    store.close()
    with pytest.raises(vault.WrongPassword):
        forgotten(db_path, password="旧的密码123")
    with forgotten(db_path, password="新的密码456") as st:
        assert not st.locked and st.get("household", household)["income"] == 86000


def test_the_recovery_key_sets_a_new_password(store, household, db_path):
    recovery = vault.set_password(store, "忘记了的密码")
    store.close()
    with forgotten(db_path) as st:
        with pytest.raises(vault.WrongRecoveryKey):
            vault.unlock_with_recovery(st, crypto.new_recovery_key(), "新的密码456")
        with pytest.raises(vault.WrongRecoveryKey, match="8 组"):
            vault.unlock_with_recovery(st, "ABC", "新的密码456")
        vault.unlock_with_recovery(st, recovery.lower().replace("-", " "), "新的密码456")
        assert not st.locked and st.get("household", household)["bank_account"] == "6222020200001234567"
    with forgotten(db_path, password="新的密码456") as st:
        assert not st.locked
        vault.unlock_with_recovery(st, recovery, "第三个新密码")   # the recovery key stays valid


def test_password_rules(store):
    with pytest.raises(vault.WeakPassword, match="至少"):
        vault.set_password(store, "12345")
    with pytest.raises(vault.WeakPassword):
        vault.set_password(store, " 前后空格 ")
    vault.set_password(store, "足够长的密码")
    with pytest.raises(vault.PasswordAlreadySet):
        vault.set_password(store, "另一个新密码")


def test_remember_keeps_the_key_on_this_pc_again(store, household, db_path):
    vault.set_password(store, "办公室的密码")
    store.close()
    with forgotten(db_path, password="办公室的密码") as st:
        assert not vault.state(st).remembered
        vault.remember(st)
    with Store.open(db_path) as st:
        assert not st.locked


def test_a_copied_file_alone_reveals_nothing(store, household, db_path, tmp_path, fake_id):
    store.close()
    raw = db_path.read_bytes() + (db_path.with_name(db_path.name + "-wal").read_bytes()
                                  if db_path.with_name(db_path.name + "-wal").exists() else b"")
    assert fake_id().encode() not in raw and b"6222020200001234567" not in raw
    copy = tmp_path / "copy.db"
    conn = sqlite3.connect(db_path)
    conn.execute(f"VACUUM INTO '{copy}'")
    conn.close()
    with Store.open(copy, read_only=True) as st:
        device_keys.delete(vault.database_id(st) or "")   # another PC: no key kept
    with Store.open(copy) as st:
        assert st.locked and crypto.is_locked(st.get("household", household)["id_number"])
