"""Restoring a backup over a database (core.backup.restore_backup): checked first, the current file copied aside,
then replaced while no other connection can touch it. Qt-free.

No other connection: SQLite lets a connection leave WAL mode only when it is the file's sole user, so the switch
to journal_mode=DELETE under locking_mode=EXCLUSIVE both proves the window or another program is not holding the
file (else the restore is refused, the file untouched) and keeps everyone out until the restore is done. The
backup's pages are then written into the database through that connection with the online backup API, in one
transaction (a crash leaves the old file, rolled back from its journal). A file too damaged for SQLite to write
into is replaced by a renamed copy instead, after its bytes (and journal) were copied aside.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import sqlite3
from pathlib import Path

from . import backup as b
from . import backup_files as bf
from . import errors
from . import migrations as mig
from .backup_files import INFO_TABLE, BackupError
from .store_open import SQLITE_HEADER

log = logging.getLogger(__name__)
LOCK_WAIT_S = 1.0   # another connection that has the file open keeps it; waiting longer only delays the refusal
SIDE_FILES = ("-wal", "-journal")


def restore(db_path: Path, backup: Path) -> b.BackupInfo:
    if backup == db_path or (db_path.exists() and backup.exists() and os.path.samefile(backup, db_path)):
        raise BackupError(f"“{backup.name}”就是当前数据库本身，请选择一个备份文件")
    info = check_restorable(backup)
    names = list(info.files) or sorted(bf.stored_files(bf.attachment_dir(backup)))
    pools = [bf.attachment_dir(backup), backup.parent / f"{Path(info.source or db_path.name).stem}.附件",
             b.pool_dir(db_path)]
    if not db_path.is_file() or not db_path.stat().st_size:
        safety, damaged, conn = None, True, None
    else:
        conn, damaged = _exclusive(db_path)
    try:
        if conn is not None:
            safety = _safety_copy(conn, db_path, damaged)
        missing = _bring_back(names, pools, db_path)
        if not damaged and conn is not None:   # no connection only to a missing or empty file: damaged
            damaged = not _write_into(conn, backup, db_path)
    finally:
        if conn is not None:
            conn.close()
    if damaged:
        _replace_file(backup, db_path)
    log.info("restored %s over %s (%d attachment files missing)", backup.name, db_path.name, len(missing))
    b.rotate_quietly(db_path, dt.datetime.now().astimezone())
    return dataclasses.replace(info, ok=True, safety_copy=safety.path if safety else None,
                               missing_files=len(missing))


def check_restorable(backup: Path) -> b.BackupInfo:
    """The backup's info, or a BackupError saying why it cannot be restored (nothing is changed then)."""
    if not backup.is_file():
        raise BackupError(f"找不到备份文件“{backup}”")
    try:
        with open(backup, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise bf.os_failure(exc, backup, "读取") from exc
    if header != SQLITE_HEADER:
        raise BackupError(f"“{backup.name}”不是数据库备份文件（不是 SQLite 格式），未作任何修改")
    try:
        conn = bf.read_only(backup)
    except sqlite3.Error as exc:
        raise BackupError(f"无法读取备份“{backup.name}”：{exc}") from exc
    try:
        found = bf.problems(conn)
        if found:
            raise BackupError(f"备份“{backup.name}”未通过完整性检查（{len(found)} 处问题），不能用于恢复；"
                              f"请选择其他备份")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                              [mig.MIGRATION_SET])] if "_sqlite_migrations" in tables else []
    finally:
        conn.close()
    if "settings" not in tables:
        raise BackupError(f"“{backup.name}”不是本程序的数据库备份，未作任何修改")
    if set(applied) - set(mig.known_names()):
        raise BackupError(f"备份“{backup.name}”由更新版本的程序创建，本程序不能恢复它；请升级程序后再恢复")
    return b.read_backup(backup)


def _exclusive(db_path: Path) -> tuple[sqlite3.Connection, bool]:
    """A connection that alone holds the database, and whether the file is too damaged to say."""
    try:
        conn = sqlite3.connect(str(db_path), timeout=LOCK_WAIT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise BackupError(f"无法打开数据库“{db_path.name}”，未恢复：{exc}") from exc
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("PRAGMA journal_mode = DELETE")   # refused while another connection has the file open
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")                         # the lock stays (locking_mode EXCLUSIVE)
        return conn, False
    except sqlite3.Error as exc:
        code = errors.primary_code(exc)
        if code in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            return conn, True
        conn.close()
        if code in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise BackupError(f"数据库“{db_path.name}”正被程序窗口或其他程序打开，请先关闭后再恢复；"
                              f"数据库未作任何修改") from exc
        found = errors.classify(exc, db_path)
        raise (found if found is not exc else BackupError(f"无法恢复数据库“{db_path.name}”：{exc}")) from exc


def _safety_copy(conn: sqlite3.Connection, db_path: Path, damaged: bool) -> b.BackupInfo:
    """The current file as a 恢复前 backup; a file too damaged for a checked copy is copied byte for byte."""
    if not damaged:
        try:
            return b.write_copy(conn, db_path, b.RESTORE, None)
        except BackupError as exc:
            log.warning("restore: checked copy of %s failed (%s); copying its bytes", db_path.name, exc)
    made = dt.datetime.now().astimezone()
    folder = b.backup_dir(db_path)
    bf.make_private_dir(folder)
    target = folder / f"{db_path.stem}_{made:%Y%m%d-%H%M%S}_{b.REASON_KEYS[b.RESTORE]}.db"
    try:
        temp = bf.new_temp(folder, ".db")
        bf.copy_private(db_path, temp)
        target = bf.place_new(temp, target)
        for suffix in SIDE_FILES:
            if Path(f"{db_path}{suffix}").is_file():
                bf.copy_private(Path(f"{db_path}{suffix}"), Path(f"{target}{suffix}"))
        bf.copy_new_files(bf.attachment_dir(db_path), b.pool_dir(db_path))
    except OSError as exc:
        raise (exc if isinstance(exc, BackupError) else bf.os_failure(exc, target)) from exc
    return b.read_backup(target)


def _bring_back(names: list[str], pools: list[Path], db_path: Path) -> list[str]:
    try:
        missing = bf.bring_back(names, pools, bf.attachment_dir(db_path))
    except OSError as exc:
        raise (exc if isinstance(exc, BackupError) else bf.os_failure(exc, bf.attachment_dir(db_path))) from exc
    if missing:
        log.warning("restore: %d attachment files are in no backup folder", len(missing))
    return missing


def _write_into(conn: sqlite3.Connection, backup: Path, db_path: Path) -> bool:
    """The backup's pages into the database in one transaction; False when the file is too damaged for it."""
    source = bf.read_only(backup)
    try:
        source.backup(conn)
        conn.execute(f"DROP TABLE IF EXISTS {INFO_TABLE}")
    except sqlite3.Error as exc:
        if errors.primary_code(exc) in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            return False
        found = errors.classify(exc, db_path)
        raise (found if found is not exc else BackupError(f"未能恢复数据库“{db_path.name}”：{exc}")) from exc
    finally:
        source.close()
    return True


def _replace_file(backup: Path, db_path: Path) -> None:
    """A missing or unusable database file replaced by a fresh copy of the backup, renamed into place."""
    bf.make_private_dir(db_path.parent)
    temp = None
    try:
        temp = bf.new_temp(db_path.parent, ".db")
        source, copy = bf.read_only(backup), sqlite3.connect(str(temp), isolation_level=None)
        try:
            source.backup(copy)
            copy.execute(f"DROP TABLE IF EXISTS {INFO_TABLE}")
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            source.close()
            copy.close()
        if db_path.exists():
            os.chmod(temp, db_path.stat().st_mode & 0o777)
        bf.sync_file(temp)
        for suffix in ("-wal", "-shm", "-journal"):   # the damaged file's; copied aside with it
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        os.replace(temp, db_path)
        bf.sync_dir(db_path.parent)
    except OSError as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise (exc if isinstance(exc, BackupError) else bf.os_failure(exc, db_path)) from exc
    except BaseException:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise
