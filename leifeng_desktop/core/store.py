"""The SQLite file: open, check, migrate; create, read, update, delete; transactions; change notices.

A small keyword-only API in the manner of sqlite-utils. Every write is validated against the schema and runs in one
transaction. Listeners are told the record type that changed (the UI turns that into a signal).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import sys
import uuid
from pathlib import Path
from typing import Callable, Iterator

from sqlite_utils import Database

from . import migrations as mig
from . import schema as s
from .validation import ValidationError, as_list, keeping, normalize, validate

APP_DIR_NAME = "LeifengDesktop"
LOCK_TIMEOUT_S = 2.0


class StoreError(Exception):
    """A database that cannot be opened or written; the message is one clear Chinese line."""


def default_db_path() -> Path:
    """Qt's AppDataLocation equivalent, without Qt: %APPDATA%, ~/Library/Application Support or XDG data home."""
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME / "leifeng.db"


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def new_id() -> str:
    return str(uuid.uuid4())


def _check_path(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"“{path}”是一个文件夹，不是数据库文件")
    folder = path.parent
    if not path.exists():
        if not folder.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建文件夹“{folder}”：{exc.strerror or exc}") from None
        if not os.access(folder, os.W_OK):
            raise StoreError(f"文件夹“{folder}”是只读的，无法在其中创建数据库")
    elif not os.access(path, os.R_OK):
        raise StoreError(f"没有读取“{path}”的权限")
    elif not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        raise StoreError(f"“{path}”或其所在文件夹是只读的，无法写入；请复制到可写的位置再打开")
    if path.exists() and path.stat().st_size:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"“{path.name}”不是本程序的数据库文件（不是 SQLite 格式）")


class Store:
    """One open database. Use Store.open(path); close() when done (or use it as a context manager)."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.db = Database(conn)
        self._listeners: list[Callable[[str], None]] = []
        self._pending: set[str] = set()
        from .settings import Settings
        self.settings = Settings(self)

    # -- opening -------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike, *, migrate: bool = True) -> "Store":
        """Open (creating if needed) and migrate. Raises StoreError, leaving a refused file exactly as it was."""
        path = Path(path).expanduser().absolute()
        _check_path(path)
        existed = path.exists()
        try:
            conn = sqlite3.connect(str(path), timeout=LOCK_TIMEOUT_S, check_same_thread=False)
            conn.isolation_level = None  # explicit transactions only (Store.transaction)
        except sqlite3.Error as exc:
            raise StoreError(f"无法打开数据库“{path}”：{exc}") from None
        try:
            store = cls(path, conn)
            store._check_version()          # read-only: a refused file is not touched
            store._take_write_lock()
            store._configure()
            if migrate:
                store._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            if not existed and path.exists() and path.stat().st_size == 0:
                path.unlink()
            raise StoreError(_explain(exc, path)) from None
        except StoreError:
            conn.close()
            raise
        return store

    def _check_version(self) -> None:
        applied = [m.name for m in mig.migrations.applied(self.db)]
        unknown = [n for n in applied if n not in mig.known_names()]
        if unknown:
            raise StoreError(f"“{self.path.name}”由更新版本的程序创建（数据结构版本 {len(applied)}，本程序支持到 "
                             f"{mig.SCHEMA_VERSION}），为保护数据未作任何修改；请升级程序后再打开")
        if not applied and self.db.table_names() and "settings" not in self.db.table_names():
            raise StoreError(f"“{self.path.name}”是其他程序的 SQLite 数据库，不是本程序的数据文件")

    def _take_write_lock(self) -> None:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(f"数据库“{self.path.name}”正被其他程序占用（已锁定），请关闭其他程序后重试") from None
            raise

    def _configure(self) -> None:
        self.db.conn.execute("PRAGMA foreign_keys = ON")
        if self.db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.enable_wal()
        self.db.conn.execute("PRAGMA synchronous = FULL")

    def _migrate(self) -> None:
        mig.migrations.apply(self.db)
        if self.settings.get("year") is None:
            from .settings import seed_defaults
            with self.transaction():
                seed_defaults(self)

    @property
    def schema_version(self) -> int:
        return len(mig.migrations.applied(self.db))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions and notices --------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator["Store"]:
        """One transaction; nested blocks are savepoints. Notices go out after the outermost commit only."""
        outer = not self.db.conn.in_transaction
        try:
            with self.db.atomic():
                yield self
        except BaseException:
            if outer:
                self._pending.clear()
            raise
        if outer and self._pending:
            changed, self._pending = self._pending, set()
            for key in sorted(changed):
                self._emit(key)

    def subscribe(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[str], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def notify(self, key: str) -> None:
        if self.db.conn.in_transaction:
            self._pending.add(key)
        else:
            self._emit(key)

    def _emit(self, key: str) -> None:
        for listener in list(self._listeners):
            listener(key)

    # -- records -------------------------------------------------------------------------------------------
    def our_unit(self) -> str:
        return self.settings.get("our_unit") or ""

    def prepare(self, rt: s.RecordType, values: dict, *, partial: bool = False, stored: dict | None = None) -> dict:
        """Normalized column values, or ValidationError with a Chinese message per field. `stored` is the record
        being updated: the choice values it already has stay acceptable."""
        unknown = set(values) - set(rt.keys)
        if unknown:
            raise ValidationError({k: "没有这个字段" for k in sorted(unknown)})
        clean = {k: normalize(rt.field(k), v) for k, v in values.items()}
        errors = validate(rt, clean, keeping(rt, self.settings.choices(), stored), partial=partial)
        if errors:
            raise ValidationError(errors)
        for k, v in clean.items():
            f = rt.field(k)
            if f.type == s.MULTI:
                clean[k] = json.dumps(v, ensure_ascii=False) if v else None
            elif v == "" or v == []:
                clean[k] = None
        return clean

    def insert(self, type_key: str, values: dict, *, unit: str | None = None, record_id: str | None = None) -> str:
        """Validate and insert one record; returns its UUID. Defaults of the schema fill absent fields."""
        rt = s.record_type(type_key)
        values = {**{f.key: f.default for f in rt.fields if f.default is not None}, **values}
        row = self.prepare(rt, values)
        stamp = now_iso()
        row.setdefault("unit", unit or self.our_unit())
        row.update(id=record_id or new_id(), created_at=stamp, updated_at=stamp)
        with self.transaction():
            try:
                self.db[type_key].insert(row)
            except sqlite3.IntegrityError as exc:
                raise _integrity(rt, exc) from None
            self.notify(type_key)
        return row["id"]

    def update(self, type_key: str, record_id: str, values: dict) -> None:
        rt = s.record_type(type_key)
        row = self.prepare(rt, values, partial=True, stored=self.get(type_key, record_id))
        row["updated_at"] = now_iso()
        with self.transaction():
            cur = self.db.execute(
                f'UPDATE "{type_key}" SET ' + ", ".join(f'"{k}" = ?' for k in row) + " WHERE id = ?",
                [*row.values(), record_id])
            if cur.rowcount != 1:
                raise StoreError(f"要修改的{rt.label}记录已不存在（可能已被删除）")
            self.notify(type_key)

    def delete(self, type_key: str, record_id: str) -> None:
        """Delete one record; child records (roster, demands, family …) go with it through ON DELETE CASCADE."""
        rt = s.record_type(type_key)
        with self.transaction():
            try:
                self.db.execute(f'DELETE FROM "{type_key}" WHERE id = ?', [record_id])
            except sqlite3.IntegrityError:
                raise StoreError(f"该{rt.label}仍被其他记录引用，不能删除") from None
            self.notify(type_key)
            for child in s.children_of(type_key):
                self.notify(child.key)

    def get(self, type_key: str, record_id: str) -> dict | None:
        rows = list(self.db.query(f'SELECT * FROM "{type_key}" WHERE id = ?', [record_id]))
        return decode(s.record_type(type_key), rows[0]) if rows else None

    def rows(self, type_key: str, *, where: str | None = None, params=(), order_by: str | None = None,
             limit: int | None = None, offset: int | None = None) -> list[dict]:
        rt = s.record_type(type_key)
        sql = f'SELECT * FROM "{type_key}"' + (f" WHERE {where}" if where else "")
        sql += f" ORDER BY {order_by or rt.order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset or 0)}"
        return [decode(rt, r) for r in self.db.query(sql, list(params))]

    def count(self, type_key: str, *, where: str | None = None, params=()) -> int:
        sql = f'SELECT COUNT(*) FROM "{type_key}"' + (f" WHERE {where}" if where else "")
        return self.db.execute(sql, list(params)).fetchone()[0]

    def counts(self) -> dict[str, int]:
        return {key: self.count(key) for key in s.RECORD_TYPES}

    def is_empty(self) -> bool:
        """No records a clerk entered (the defaults seeded on a new file do not count)."""
        seeded = {"unit", "working_group"}
        return all(n == 0 for k, n in self.counts().items() if k not in seeded)

    def integrity_check(self) -> list[str]:
        problems = [r[0] for r in self.db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
        problems += [f"{r[0]} 行 {r[1]} 引用了不存在的 {r[2]}" for r in self.db.execute("PRAGMA foreign_key_check")]
        return problems


def decode(rt: s.RecordType, row: dict) -> dict:
    """A stored row as Python values (MULTI lists back from JSON)."""
    out = dict(row)
    for f in rt.fields:
        if f.type == s.MULTI and f.key in out:
            out[f.key] = as_list(out[f.key])
    return out


def _integrity(rt: s.RecordType, exc: sqlite3.IntegrityError) -> Exception:
    if "FOREIGN KEY" in str(exc):
        refs = [f for f in rt.fields if f.type == s.REF]
        return ValidationError({f.key: f"所选{f.label}不存在（可能已被删除）" for f in refs})
    return StoreError(f"保存{rt.label}失败：{exc}")


def _explain(exc: sqlite3.DatabaseError, path: Path) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return f"“{path.name}”不是有效的数据库文件（可能已损坏或不是 SQLite 格式）"
    if "locked" in text or "busy" in text:
        return f"数据库“{path.name}”正被其他程序占用（已锁定），请关闭其他程序后重试"
    if "readonly" in text or "read-only" in text:
        return f"“{path}”是只读的，无法写入"
    return f"无法打开数据库“{path.name}”：{text}"
