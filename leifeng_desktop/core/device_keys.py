"""Where this PC keeps a database's data key (core.vault): the operating system's credential store through `keyring`
(Windows DPAPI, the Secret Service), or — where none works (keyring's fail backend: CI, headless Linux) — a device
key file `<data folder>/keys/<database id>.key`, owner-only. Named by the database's own id, so its backups and
copies open on this PC and nowhere else.

LEIFENG_KEYRING=off in the environment uses the file even where a credential store works (tests on a desktop);
LEIFENG_KEYS_DIR names the folder of the key files instead (the tests: one "PC" for the whole run, whatever data
folder each test has).

Start-up cost (issue 18): importing keyring and finding its backend takes 0.15–0.5 s (on Linux it runs the
compiler to look for macOS's libraries), so a key already in its file is read without asking keyring, and where no
credential store can answer (`_no_store_here`) keyring is not imported at all.
"""
from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from types import ModuleType

from . import crypto

log = logging.getLogger(__name__)
SERVICE = "LeifengDesktop"
_SAFE_ID = re.compile(r"^[0-9a-fA-F-]{8,64}$")


def _keyring() -> ModuleType | None:
    """The keyring module when a real credential store answers, else None."""
    if os.environ.get("LEIFENG_KEYRING", "").lower() in ("off", "0", "no", "file") or _no_store_here():
        return None
    try:
        import keyring
        from keyring.backends import fail
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return None
        return keyring
    except Exception:   # a broken backend (no D-Bus …) is no credential store; the file serves
        log.warning("no usable credential store", exc_info=True)
        return None


def _no_store_here() -> bool:
    """True where keyring could only answer "no credential store": Linux (or another Unix but macOS) with no D-Bus
    session bus, which each of keyring's own Linux backends needs (Secret Service, KWallet, libsecret), and no
    backend chosen for keyring by PYTHON_KEYRING_BACKEND or its keyringrc.cfg (those are asked as before)."""
    if sys.platform in ("win32", "darwin") or os.environ.get("DBUS_SESSION_BUS_ADDRESS") \
            or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return False
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):   # a bus GDBus finds without the variable
        return False
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return not os.path.exists(os.path.join(config, "python_keyring", "keyringrc.cfg"))


def keeper() -> str:
    return "keyring" if _keyring() is not None else "file"


def key_file(db_id: str) -> Path:
    from .store import default_db_path
    if not _SAFE_ID.match(db_id):
        raise ValueError(f"bad database id {db_id!r}")
    folder = os.environ.get("LEIFENG_KEYS_DIR")
    return (Path(folder) if folder else default_db_path().parent / "keys") / f"{db_id}.key"


def save(db_id: str, data_key: bytes) -> None:
    """Keep the key on this PC; an OSError from the file is the caller's (the file then needs the password)."""
    ring = _keyring()
    if ring is not None:
        try:
            ring.set_password(SERVICE, db_id, crypto.b64(data_key))
            return
        except Exception:   # the store refused (locked, no permission): the file serves instead
            log.warning("credential store refused the key of %s", db_id, exc_info=True)
    _write_private(key_file(db_id), crypto.b64(data_key).encode("ascii"))


def load(db_id: str) -> bytes | None:
    """The key kept for `db_id`: its file first (one read, no keyring: a key is the same wherever it is kept; save
    writes the file only where the store refused or is off), else the credential store; None when neither has it."""
    path = key_file(db_id)
    try:
        return crypto.unb64(path.read_text("ascii").strip())
    except FileNotFoundError:
        pass
    except (OSError, ValueError):
        log.warning("device key file %s unreadable", path, exc_info=True)
    ring = _keyring()
    if ring is not None:
        try:
            text = ring.get_password(SERVICE, db_id)
            if text:
                return crypto.unb64(text)
        except Exception:
            log.warning("credential store did not answer for %s", db_id, exc_info=True)
    return None


def delete(db_id: str) -> None:
    ring = _keyring()
    if ring is not None:
        try:
            ring.delete_password(SERVICE, db_id)
        except Exception:   # not there: nothing to forget
            log.info("no key of %s in the credential store", db_id)
    key_file(db_id).unlink(missing_ok=True)


def _write_private(path: Path, data: bytes) -> None:
    """Owner-only (0700 folder, 0600 file) whatever the umask; written whole, then renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
