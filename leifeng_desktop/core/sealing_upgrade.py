"""Encrypting in place (issue 19): a new file gets its data key, a plain one from an older release has every
sensitive value encrypted in the migration's transaction, after the 升级前 copy. Once the encrypted file is
verified (integrity_check, every value decrypts) that plain copy is removed and the clerk is told."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from . import sealed, vault

if TYPE_CHECKING:
    from .store import Store

log = logging.getLogger(__name__)


def seal(store: Store) -> int:
    """Inside the migration's transaction: a data key for a file without one, then every plain sensitive value
    encrypted (a new file has none). Returns how many were encrypted."""
    if not vault.has_vault(store):
        return 0
    keys = vault.from_device(store) if vault.is_encrypted(store) else vault.create_key(store)
    if keys is None:   # encrypted elsewhere, its key not on this PC: nothing plain to encrypt
        return 0
    store.keys = keys
    sealed.register(store, keys)
    return sealed.seal_all(store, keys)


def after_sealing(store: Store, copy: Path | None) -> str:
    """The values were just encrypted: old pages out of the WAL, the plain 升级前 copy removed once the file is
    verified. Returns the sentence for the clerk."""
    name = store.path.name
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    keys = store.keys
    problems = store.integrity_check() + (sealed.unreadable(store, keys) if keys else ["no key"])
    if problems:
        log.error("encrypted %s does not verify: %s; the plain copy %s is kept", store.path, problems[:5], copy)
        return (f"“{name}”中的敏感信息已加密，但加密后的检查发现问题，未加密的升级前备份已保留；"
                "请在“备份与恢复”中核对")
    if copy is None:
        return f"“{name}”中的身份证号、电话、银行卡号等敏感信息已加密保存"
    for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm"), Path(f"{copy}-journal")):
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("plain copy %s not removed", path, exc_info=True)
            return (f"“{name}”中的敏感信息已加密保存，但未加密的升级前备份“{copy.name}”未能删除，"
                    "请手动删除该文件")
    return (f"“{name}”中的身份证号、电话、银行卡号等敏感信息已加密保存；"
            f"未加密的升级前备份“{copy.name}”已删除")
