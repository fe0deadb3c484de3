"""The files under a backup: the copy's own description (the `backup_info` table), private files written whole,
and the content-addressed attachment files shared by every backup of a database.

A backup is an SQLite file that describes itself: `backup_info` (key → value) holds the reason, when it was made,
the record counts, the database it was made of and the attachment files it needs. A copy taken to a USB stick keeps
all that; `restore` drops the table again. Attachment files keep their content-hash names (`ab/ab12…ef.jpg`), so a
file already in the pool is never copied twice. Qt-free.
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import sqlite3
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import private_files
from . import schema as s
from .errors import StoreError

INFO_TABLE = "backup_info"
PRIVATE_FILE, PRIVATE_DIR = private_files.PRIVATE_FILE, private_files.PRIVATE_DIR   # backups: the owner only
TEMP_PREFIX = ".tmp-"
STALE_S = 3600   # a temporary file or an unlisted pool file this old is a crash's or a removed backup's
CHUNK = 1024 * 1024
_STORED = re.compile(r"^[0-9a-f]{64}(\.[0-9a-z]{1,10})?$")   # as core.attachments names its files


class BackupError(StoreError):
    """A backup that could not be made, read or restored; one Chinese sentence naming the file (a StoreError:
    every caller that shows a refused open or write shows it too)."""


def os_failure(exc: OSError, target: Path, doing: str = "写入") -> BackupError:
    """An OS failure as one Chinese line naming `target` (the core does not import exports' wording)."""
    if exc.errno == errno.ENOSPC:
        return BackupError(f"磁盘空间不足，未能{doing}“{target}”；请清理磁盘后重试")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BackupError(f"没有权限{doing}“{target}”（文件或文件夹只读，或被其他程序占用）")
    return BackupError(f"未能{doing}“{target}”：{exc.strerror or exc.__class__.__name__}")


# -- connections ---------------------------------------------------------------------------------------------------
def read_only(path: Path) -> sqlite3.Connection:
    """A backup file opened to read: immutable, so no lock, journal or -shm file is ever made beside it."""
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True, isolation_level=None)


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Records of each type in the file (types its schema version does not have are left out)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {key: conn.execute(f'SELECT COUNT(*) FROM "{key}"').fetchone()[0]
            for key in s.RECORD_TYPES if key in tables}


def problems(conn: sqlite3.Connection, pragma: str = "integrity_check") -> list[str]:
    try:
        return [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall() if r[0] != "ok"]
    except sqlite3.DatabaseError as exc:
        return [f"SQLite 报告错误：{exc}"]


# -- the copy's description ---------------------------------------------------------------------------------------
def write_info(conn: sqlite3.Connection, **values: object) -> None:
    with conn:   # one transaction
        conn.execute("BEGIN")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {INFO_TABLE} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
        conn.execute(f"DELETE FROM {INFO_TABLE}")
        conn.executemany(f"INSERT INTO {INFO_TABLE} (key, value) VALUES (?, ?)",
                         [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()])


def read_info(path: Path) -> dict[str, Any] | None:
    """The description a backup holds, or None when it has none or cannot be read."""
    try:
        conn = read_only(path)
        try:
            return {k: json.loads(v) for k, v in conn.execute(f"SELECT key, value FROM {INFO_TABLE}")}
        finally:
            conn.close()
    except (sqlite3.Error, ValueError):
        return None


def quick_ok(path: Path) -> bool:
    try:
        conn = read_only(path)
    except sqlite3.Error:
        return False
    try:
        return not problems(conn, "quick_check")
    finally:
        conn.close()


# -- private files written whole ---------------------------------------------------------------------------------
def make_private_dir(folder: Path) -> None:
    try:
        private_files.make_dir(folder)   # parents too: mkdir(parents=True) gives them the umask's mode
    except OSError as exc:
        raise os_failure(exc, folder, "创建文件夹") from exc


def new_temp(folder: Path, suffix: str = ".tmp") -> Path:
    """An empty file only the owner can read, under a name nobody else uses."""
    path = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex}{suffix}"
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    return path


def sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_dir(folder: Path) -> None:
    if sys.platform.startswith("win"):
        return   # Windows has no directory handle to sync; its renames are journalled by NTFS
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def place_new(temp: Path, target: Path) -> Path:
    """Move `temp` to `target`, or to target-2, -3 … when a backup of the same second is there (never over one)."""
    for n in range(1, 100):
        candidate = target if n == 1 else target.with_name(f"{target.stem}-{n}{target.suffix}")
        try:
            if sys.platform.startswith("win"):
                os.rename(temp, candidate)   # refuses an existing target on Windows
            else:
                os.link(temp, candidate)     # refuses an existing target; rename would replace it
                temp.unlink()
            return candidate
        except FileExistsError:
            continue
    raise BackupError(f"“{target.parent}”中同名的备份过多，未能保存")


def copy_private(source: Path, target: Path) -> None:
    """`source` to `target` whole (temporary name beside it, then renamed), readable by the owner only."""
    temp = new_temp(target.parent)
    try:
        with open(source, "rb") as src, open(temp, "wb") as out:
            shutil.copyfileobj(src, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def remove(path: Path) -> bool:
    try:
        path.unlink()
        return True
    except OSError:   # gone already, or held open by another program on Windows: the next rotation tries again
        return False


def stale(path: Path, now: float | None = None) -> bool:
    try:
        return path.stat().st_mtime < (now or time.time()) - STALE_S
    except OSError:
        return False


# -- attachment files -------------------------------------------------------------------------------------------
def attachment_dir(db_path: Path) -> Path:
    """`<stem>.附件` beside a database file (core.attachments.attachments_dir for an open store)."""
    return db_path.with_name(f"{db_path.stem}.附件")


def stored_files(folder: Path) -> dict[str, Path]:
    """Content files in an attachments folder by name (temporary files and anything put there by hand left out)."""
    if not folder.is_dir():
        return {}
    return {p.name: p for p in folder.glob("??/*")
            if _STORED.match(p.name) and p.name[:2] == p.parent.name and p.is_file()}


def copy_new_files(source: Path, pool: Path) -> list[str]:
    """Copy the content files of `source` that `pool` lacks; returns every name now held for them. A file already
    there is touched, so a rotation running elsewhere keeps it for the backup about to name it."""
    held = []
    for name, path in sorted(stored_files(source).items()):
        target = pool / name[:2] / name
        try:
            if target.is_file() and target.stat().st_size == path.stat().st_size:
                os.utime(target)
            else:
                make_private_dir(target.parent)
                copy_private(path, target)
        except FileNotFoundError:
            if not path.exists():
                continue   # removed from the database's folder since it was listed
            raise
        held.append(name)
    return held


def bring_back(names: list[str], pools: list[Path], folder: Path) -> list[str]:
    """Copy into the database's attachments folder the named files it lacks, from the first pool that has them;
    returns the names found nowhere."""
    missing = []
    for name in names:
        target = folder / name[:2] / name
        if target.is_file():
            continue
        source = next((p / name[:2] / name for p in pools if (p / name[:2] / name).is_file()), None)
        if source is None:
            missing.append(name)
            continue
        make_private_dir(target.parent)
        copy_private(source, target)
    return missing


def sweep_pool(pool: Path, needed: set[str], now: float | None = None) -> int:
    """Remove pool files no remaining backup names (only old ones: a backup may be copying right now)."""
    removed = 0
    for name, path in stored_files(pool).items():
        if name not in needed and stale(path, now) and remove(path):
            removed += 1
    for path in pool.glob(f"??/{TEMP_PREFIX}*"):
        if stale(path, now):
            remove(path)
    for sub in pool.glob("??"):
        try:
            sub.rmdir()
        except OSError:
            pass
    return removed


def local_time(value: str | None, fallback: dt.datetime) -> dt.datetime:
    try:
        made = dt.datetime.fromisoformat(value) if value else fallback
    except ValueError:
        return fallback
    return made if made.tzinfo else made.astimezone()
