"""Where this PC keeps a data key (core.device_keys), and what finding it costs at start (issue 18): a key in its
file is read without asking keyring; where no credential store can answer, keyring is not imported at all."""
from __future__ import annotations

import logging
import sys
from types import SimpleNamespace

import pytest

from leifeng_desktop.core import crypto, device_keys

DB_ID = "0123abcd-0000-4000-8000-00000000beef"


@pytest.fixture
def no_bus(monkeypatch, tmp_path):
    """A Linux session with no D-Bus and no keyring configuration: no credential store can answer."""
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND", "LEIFENG_KEYRING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "run").mkdir()
    return tmp_path


def test_no_store_without_a_session_bus(no_bus):
    assert device_keys._no_store_here()


@pytest.mark.parametrize("where", ["bus variable", "runtime bus", "backend variable", "keyringrc", "windows", "mac"])
def test_keyring_is_asked_where_a_store_may_answer(no_bus, monkeypatch, where):
    if where == "bus variable":
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
    elif where == "runtime bus":
        (no_bus / "run" / "bus").touch()
    elif where == "backend variable":
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    elif where == "keyringrc":
        (no_bus / "config" / "python_keyring").mkdir(parents=True)
        (no_bus / "config" / "python_keyring" / "keyringrc.cfg").write_text("[backend]\n")
    else:
        monkeypatch.setattr(sys, "platform", "win32" if where == "windows" else "darwin")
    assert not device_keys._no_store_here()


def test_keyring_not_imported_where_no_store_answers(no_bus, monkeypatch, caplog):
    """`import keyring` would fail here (None in sys.modules): no warning means it was never tried."""
    monkeypatch.setitem(sys.modules, "keyring", None)
    with caplog.at_level(logging.WARNING, logger=device_keys.__name__):
        assert device_keys._keyring() is None
        assert device_keys.keeper() == "file"
    assert not caplog.records
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nowhere")   # now it is tried, and fails
    with caplog.at_level(logging.WARNING, logger=device_keys.__name__):
        assert device_keys._keyring() is None
    assert any("no usable credential store" in r.getMessage() for r in caplog.records)


def _ring(store: dict[str, str]):
    return SimpleNamespace(get_password=lambda service, db_id: store.get(db_id),
                           set_password=lambda service, db_id, text: store.__setitem__(db_id, text),
                           delete_password=lambda service, db_id: store.pop(db_id))


def test_a_key_in_its_file_is_read_without_keyring(monkeypatch):
    key = crypto.new_key()
    monkeypatch.setattr(device_keys, "_keyring", lambda: None)
    device_keys.save(DB_ID, key)
    assert device_keys.key_file(DB_ID).is_file()

    def asked():
        raise AssertionError("keyring asked although the key file answers")
    monkeypatch.setattr(device_keys, "_keyring", asked)
    try:
        assert device_keys.load(DB_ID) == key
    finally:
        device_keys.key_file(DB_ID).unlink()


def test_the_credential_store_is_preferred_and_read_when_no_file_holds_the_key(monkeypatch):
    key, kept = crypto.new_key(), {}
    monkeypatch.setattr(device_keys, "_keyring", lambda: _ring(kept))
    device_keys.save(DB_ID, key)
    assert DB_ID in kept and not device_keys.key_file(DB_ID).exists()   # saved in the store, no file written
    assert device_keys.load(DB_ID) == key
    device_keys.delete(DB_ID)
    assert kept == {} and device_keys.load(DB_ID) is None


def test_an_unreadable_key_file_falls_back_to_the_store(monkeypatch, caplog):
    key = crypto.new_key()
    path = device_keys.key_file(DB_ID)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("not base64 at all!", "ascii")
    monkeypatch.setattr(device_keys, "_keyring", lambda: _ring({DB_ID: crypto.b64(key)}))
    try:
        with caplog.at_level(logging.WARNING, logger=device_keys.__name__):
            assert device_keys.load(DB_ID) == key
        assert any("unreadable" in r.getMessage() for r in caplog.records)
    finally:
        path.unlink()
