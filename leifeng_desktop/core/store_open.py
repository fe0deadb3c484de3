"""Opening a database file safely, and checking one: what the store does before it trusts a file.

Nothing here writes: a refused file is left byte for byte as it was, and `create=False` never makes one. A file
opened to write is made owner-only (core.private_files) before SQLite sees it.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from . import errors, private_files
from .errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"

# POSIX drops every lock a process holds on a file when the process closes ANY descriptor of it — SQLite's locks
# included; another program then takes this process's WAL for unused and deletes it, and writes are lost. So a plain
# open() of the database (the header check) happens only while this process has no connection to the file.
_connections: Counter[tuple[int, int]] = Counter()
_connections_lock = threading.Lock()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def connected(path: Path, delta: int) -> None:
    """Count this process's connections to the file (+1 when one opens, -1 when it closes)."""
    key = _identity(path)
    if key is None:
        return
    with _connections_lock:
        _connections[key] += delta
        if _connections[key] <= 0:
            del _connections[key]


def has_connection(path: Path) -> bool:
    key = _identity(path)
    with _connections_lock:
        return key is not None and _connections[key] > 0


def check_path(path: Path, *, create: bool, read_only: bool) -> None:
    """Refuse a folder, a missing or empty file when not creating, an unwritable place, a file that is not SQLite."""
    if path.is_dir():
        raise StoreError(f"“{path}”是一个文件夹，不是数据库文件")
    if not create or read_only:
        if not path.exists():
            raise StoreError(f"数据库文件“{path}”不存在")
        if path.stat().st_size == 0:
            raise StoreError(f"数据库文件“{path}”是空文件（0 字节），不是有效的数据库；未作任何修改")
    folder = path.parent
    if not path.exists():
        if not folder.exists():
            try:
                private_files.make_dir(folder)
            except OSError as exc:
                raise StoreError(f"无法创建文件夹“{folder}”：{exc.strerror or exc}") from None
        if not os.access(folder, os.W_OK):
            raise StoreError(f"文件夹“{folder}”是只读的，无法在其中创建数据库")
    elif not os.access(path, os.R_OK):
        raise StoreError(f"没有读取“{path}”的权限")
    elif not read_only and (not os.access(path, os.W_OK) or not os.access(folder, os.W_OK)):
        raise StoreError(f"“{path}”或其所在文件夹是只读的，无法写入；请复制到可写的位置再打开")
    if path.exists() and path.stat().st_size and not has_connection(path):   # open here: SQLite already read it
        with open(path, "rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                raise StoreError(f"“{path.name}”不是本程序的数据库文件（不是 SQLite 格式）")


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """An autocommit connection (only Store.transaction opens transactions) that waits BUSY_TIMEOUT_S for locks.
    To write, the file is made owner-only first (a new one created 0600: SQLite gives -wal/-shm its mode)."""
    if not read_only:
        try:
            if not private_files.create_file(path):
                private_files.restrict_database(path)
        except OSError as exc:
            raise StoreError(f"无法创建数据库“{path}”：{exc.strerror or exc}") from None
    try:
        if read_only:
            conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=errors.BUSY_TIMEOUT_S,
                                   check_same_thread=False)
        else:
            conn = sqlite3.connect(str(path), timeout=errors.BUSY_TIMEOUT_S, check_same_thread=False)
        conn.isolation_level = None
        conn.execute(f"PRAGMA busy_timeout = {int(errors.BUSY_TIMEOUT_S * 1000)}")
    except sqlite3.Error as exc:
        found = errors.classify(exc, path)
        raise (found if found is not exc else StoreError(f"无法打开数据库“{path}”：{exc}")) from exc
    return conn


def begin_immediate(conn: sqlite3.Connection, path: Path) -> None:
    """BEGIN IMMEDIATE, trying every millisecond for BUSY_TIMEOUT_S. SQLite's own busy handler sleeps up to 100 ms
    between tries, so a program saving record after record takes the lock back in each gap and a waiter starves;
    trying this often finds the gaps. Raises StoreBusy (or another classified error) when the time is up."""
    deadline = time.monotonic() + errors.BUSY_TIMEOUT_S
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                found = errors.classify(exc, path)
                if not isinstance(found, errors.StoreBusy) or time.monotonic() >= deadline:
                    raise (exc if found is exc else found) from exc
            time.sleep(0.001)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(errors.BUSY_TIMEOUT_S * 1000)}")


def open_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """A StoreError for an SQLite error met while opening (a program error keeps its text and cause)."""
    found = errors.classify(exc, path)
    if isinstance(found, StoreError):
        return found
    return StoreError(f"无法打开数据库“{path.name}”：{exc}")


def pragma_problems(conn: sqlite3.Connection, pragma: str) -> list[str]:
    """The rows of a checking pragma that are not "ok"; an SQLite error becomes a problem, never an exception."""
    try:
        return [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall() if r[0] != "ok"]
    except sqlite3.DatabaseError as exc:
        return [f"SQLite 报告错误：{exc}"]


def foreign_key_problems(conn: sqlite3.Connection) -> list[str]:
    try:
        return [f"{r[0]} 行 {r[1]} 引用了不存在的 {r[2]}" for r in conn.execute("PRAGMA foreign_key_check")]
    except sqlite3.DatabaseError as exc:
        return [f"检查引用时 SQLite 报告错误：{exc}"]


def check_file(path: str | os.PathLike[str]) -> list[str]:
    """integrity_check on a file that Store.open refuses as damaged (its schema unreadable …): read-only, never
    creates or changes the file, never raises; [] when SQLite finds nothing wrong."""
    path = Path(path)
    if not path.is_file():
        return [f"数据库文件“{path}”不存在"]
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True,
                               timeout=errors.BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        return [f"无法打开：{exc}"]
    try:
        return pragma_problems(conn, "integrity_check") + foreign_key_problems(conn)
    finally:
        conn.close()
