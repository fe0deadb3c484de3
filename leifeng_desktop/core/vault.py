"""The data key of a database and its life (issue 19): made once per database, kept wrapped in the `vault` table (by
the office's password, by a recovery key shown once) and on this PC (the credential store, or a device key file
where none works), so a clerk is not asked at every start and a copied .db alone never reveals a value.

Public API (the CLI and the window's password dialogs): state, set_password, unlock, unlock_with_recovery,
change_password, remember, forget; the exceptions VaultError (a UserError: one Chinese sentence) and its kinds
WrongPassword, TooManyTries (.seconds), WrongRecoveryKey, NoPassword, PasswordAlreadySet, WeakPassword, Locked.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import crypto, device_keys
from .errors import UserError

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)
TABLE = "vault"
MIN_PASSWORD = 6
FREE_TRIES = 5                  # wrong passwords in a row before the wait
FIRST_WAIT_S, MAX_WAIT_S = 60, 3600
_PW_PLACE, _RECOVERY_PLACE = "vault/password", "vault/recovery"
clock: Callable[[], float] = time.time   # tests move time on by replacing this, never by sleeping
_read_only_tries: dict[str, tuple[int, float]] = {}   # a read-only file cannot keep its count: kept here instead


class VaultError(UserError):
    """A password, recovery key or lock problem a clerk can act on."""


class WrongPassword(VaultError):
    pass


class TooManyTries(VaultError):
    def __init__(self, message: str, seconds: int):
        super().__init__(message)
        self.seconds = seconds


class WrongRecoveryKey(VaultError):
    pass


class NoPassword(VaultError):
    pass


class PasswordAlreadySet(VaultError):
    pass


class WeakPassword(VaultError):
    pass


class Locked(VaultError):
    """The action needs the sensitive values and this database is not unlocked."""


@dataclass(frozen=True)
class State:
    encrypted: bool          # the file has a data key (schema step m008 reached and set up)
    has_password: bool       # the office's password set
    locked: bool             # no key could be had: sensitive values read as 已加密
    remembered: bool         # this PC keeps the key (credential store or device key file)
    wait_seconds: int        # > 0 after too many wrong passwords: unlock refused until then
    keeper: str              # where this PC keeps keys: "keyring" (the OS credential store) or "file"


class Keys:
    """An unlocked data key and the keys derived from it."""

    def __init__(self, data_key: bytes):
        self.data_key = data_key
        self.lookup = crypto.sub_key(data_key, "lookup")
        self.check = crypto.lookup_hash(crypto.sub_key(data_key, "check"), "vault", "key")[:32]


# -- the vault table ----------------------------------------------------------------------------------------------
def has_vault(store: Store) -> bool:
    return bool(store.db[TABLE].exists())


def get(store: Store, name: str) -> str | None:
    if not has_vault(store):
        return None
    row = store.db.execute(f"SELECT value FROM {TABLE} WHERE name = ?", [name]).fetchone()
    return None if row is None else str(row[0])


def _put(store: Store, name: str, value: str | None) -> None:
    if value is None:
        store.db.execute(f"DELETE FROM {TABLE} WHERE name = ?", [name])
    else:
        store.db.execute(f"INSERT INTO {TABLE} (name, value) VALUES (?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET value = excluded.value", [name, value])


def database_id(store: Store) -> str | None:
    """The database's own id (kept in the vault table, so its backups and copies share it)."""
    return get(store, "db_id")


def is_encrypted(store: Store) -> bool:
    return get(store, "key_check") is not None


# -- creating and opening -----------------------------------------------------------------------------------------
def create_key(store: Store) -> Keys:
    """Inside the caller's transaction: a new data key for a file that has none, kept on this PC (so the file opens
    here without a password); the caller then encrypts what the file holds."""
    keys = Keys(crypto.new_key())
    db_id = database_id(store) or str(uuid.uuid4())
    _put(store, "db_id", db_id)
    _put(store, "key_check", keys.check)
    device_keys.save(db_id, keys.data_key)
    return keys


def from_device(store: Store) -> Keys | None:
    """The key this PC keeps for the file, if it keeps one that fits."""
    db_id, check = database_id(store), get(store, "key_check")
    if not db_id or not check:
        return None
    data_key = device_keys.load(db_id)
    if data_key is None:
        return None
    keys = Keys(data_key)
    if keys.check != check:
        log.warning("the key kept on this PC for %s does not fit %s", db_id, store.path)
        return None
    return keys


def open_keys(store: Store, password: str | None) -> None:
    """At open (Store.open): unlock with `password` when given and the file has one (its errors raised), else with
    the key this PC keeps; neither leaves the store locked."""
    store.encrypted = is_encrypted(store)
    if not store.encrypted:
        return
    if password is not None and get(store, "password_wrap") is not None:
        unlock(store, password)
        return
    keys = from_device(store)
    if keys is not None:
        _set_keys(store, keys)


def state(store: Store) -> State:
    db_id = database_id(store)
    return State(encrypted=is_encrypted(store), has_password=get(store, "password_wrap") is not None,
                 locked=store.locked, remembered=bool(db_id and device_keys.load(db_id) is not None),
                 wait_seconds=_wait_left(store), keeper=device_keys.keeper())


# -- the password -------------------------------------------------------------------------------------------------
def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"密码至少需要 {MIN_PASSWORD} 个字符，请换一个更长的密码")
    if password.strip() != password:
        raise WeakPassword("密码的开头和结尾不能是空格，请重新输入")


def set_password(store: Store, password: str) -> str:
    """Set the office's password on a file that has none; returns the recovery key, to show once (print and keep).
    Locked when the file is not unlocked, PasswordAlreadySet when it has one (change_password), WeakPassword."""
    keys = _needs_keys(store)
    if get(store, "password_wrap") is not None:
        raise PasswordAlreadySet(f"“{store.path.name}”已经设置了密码；如需更换，请使用“修改密码”")
    check_new_password(password)
    recovery = crypto.new_recovery_key()
    with store.transaction():
        _wrap_password(store, keys, password)
        salt = crypto.new_salt()
        _put(store, "recovery_salt", crypto.b64(salt))
        _put(store, "recovery_wrap", crypto.seal(crypto.recovery_wrapping_key(recovery, salt), keys.data_key,
                                                 _RECOVERY_PLACE))
    return recovery


def unlock(store: Store, password: str) -> None:
    """Unlock with the office's password. WrongPassword (the tries left said), TooManyTries after FREE_TRIES wrong
    ones in a row (the wait kept in the file, so closing the program does not end it), NoPassword."""
    keys = _by_password(store, password)
    _set_keys(store, keys)


def change_password(store: Store, old: str, new: str) -> None:
    """Replace the password (the old one checked as unlock does); the recovery key stays valid."""
    keys = _by_password(store, old)
    check_new_password(new)
    with store.transaction():
        _wrap_password(store, keys, new)
    _set_keys(store, keys)


def unlock_with_recovery(store: Store, recovery_key: str, new_password: str) -> None:
    """The password forgotten: the recovery key unlocks and a new password replaces the old one."""
    salt, wrap = get(store, "recovery_salt"), get(store, "recovery_wrap")
    if salt is None or wrap is None:
        raise NoPassword(f"“{store.path.name}”没有设置密码，也就没有恢复密钥")
    if not crypto.normal_recovery_key(recovery_key):
        raise WrongRecoveryKey("恢复密钥应为 8 组、每组 5 个字母或数字，请对照打印的恢复密钥重新输入")
    check_new_password(new_password)
    try:
        data_key = crypto.open_sealed(crypto.recovery_wrapping_key(recovery_key, crypto.unb64(salt)), wrap,
                                      _RECOVERY_PLACE)
    except crypto.DecryptError:
        raise WrongRecoveryKey(f"恢复密钥不正确，无法打开“{store.path.name}”的加密数据") from None
    keys = Keys(data_key)
    with store.transaction():
        _wrap_password(store, keys, new_password)
        _record_tries(store, 0, 0.0)
    _set_keys(store, keys)


def remember(store: Store) -> None:
    """Keep the unlocked key on this PC (credential store, else the device key file): no password at next start."""
    keys = _needs_keys(store)
    device_keys.save(database_id(store) or "", keys.data_key)


def forget(store: Store) -> None:
    """This PC no longer keeps the key: the password is asked at every start. Refused without a password set
    (nothing could open the file then)."""
    if get(store, "password_wrap") is None:
        raise NoPassword(f"“{store.path.name}”还没有设置密码；请先设置密码，再取消在本机记住")
    device_keys.delete(database_id(store) or "")


# -- inside -------------------------------------------------------------------------------------------------------
def _needs_keys(store: Store) -> Keys:
    keys: Keys | None = store.keys
    if keys is None:
        raise Locked(f"“{store.path.name}”的加密数据尚未解锁，请先输入密码")
    return keys


def adopt_keys(store: Store, keys: Keys | None) -> None:
    """Another connection to the same file takes the key one connection already has (a worker's own connection
    of the window's file, unlocked by a typed password this PC does not keep). A key of another file is refused."""
    if keys is None or store.keys is not None or not store.encrypted:
        return
    if get(store, "key_check") != keys.check:
        raise ValueError(f"the key given is not the key of {store.path.name}")
    _set_keys(store, keys)


def _set_keys(store: Store, keys: Keys) -> None:
    from .sealed import register
    store.keys = keys
    register(store, keys)


def _wrap_password(store: Store, keys: Keys, password: str) -> None:
    salt = crypto.new_salt()
    kek = crypto.password_key(password, salt)
    _put(store, "kdf", f"scrypt:{crypto.SCRYPT_N}:{crypto.SCRYPT_R}:{crypto.SCRYPT_P}")
    _put(store, "password_salt", crypto.b64(salt))
    _put(store, "password_wrap", crypto.seal(kek, keys.data_key, _PW_PLACE))


def _kdf(store: Store) -> tuple[int, int, int]:
    _, n, r, p = (get(store, "kdf") or f"scrypt:{crypto.SCRYPT_N}:{crypto.SCRYPT_R}:{crypto.SCRYPT_P}").split(":")
    return int(n), int(r), int(p)


def _by_password(store: Store, password: str) -> Keys:
    salt, wrap = get(store, "password_salt"), get(store, "password_wrap")
    if salt is None or wrap is None:
        raise NoPassword(f"“{store.path.name}”没有设置密码")
    left = _wait_left(store)
    if left > 0:
        raise TooManyTries(_wait_message(store, left), left)
    n, r, p = _kdf(store)
    try:
        data_key = crypto.open_sealed(crypto.password_key(password, crypto.unb64(salt), n=n, r=r, p=p), wrap,
                                      _PW_PLACE)
    except crypto.DecryptError:
        raise _wrong(store) from None
    if _tries(store)[0]:
        _keep_tries(store, 0, 0.0)
    return Keys(data_key)


def _wrong(store: Store) -> VaultError:
    """Count a wrong password (kept in the file); the error to raise."""
    count = _tries(store)[0] + 1
    wait = 0 if count < FREE_TRIES else min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** (count - FREE_TRIES))
    _keep_tries(store, count, clock() + wait if wait else 0.0)
    if wait:
        return TooManyTries(_wait_message(store, wait), wait)
    return WrongPassword(f"“{store.path.name}”的密码不正确（还可再试 {FREE_TRIES - count} 次）")


def _wait_message(store: Store, seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return f"“{store.path.name}”的密码已连续输错 {FREE_TRIES} 次，请 {minutes} 分钟后再试"


def _tries(store: Store) -> tuple[int, float]:
    if store.read_only:
        return _read_only_tries.get(str(store.path), (0, 0.0))
    count, until = get(store, "failed_tries"), get(store, "wait_until")
    return int(count or 0), float(until or 0)


def _wait_left(store: Store) -> int:
    until = _tries(store)[1]
    return max(0, int(until - clock() + 0.999)) if until else 0


def _keep_tries(store: Store, count: int, until: float) -> None:
    if store.read_only:
        _read_only_tries[str(store.path)] = (count, until)
        return
    with store.transaction():
        _record_tries(store, count, until)


def _record_tries(store: Store, count: int, until: float) -> None:
    _put(store, "failed_tries", str(count) if count else None)
    _put(store, "wait_until", repr(until) if until else None)
