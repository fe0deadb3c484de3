"""The SQLite file: open, check, migrate; create, read, update, delete; transactions; change notices.

A small keyword-only API in the manner of sqlite-utils. Every write is validated against the schema and runs in one
transaction. Listeners are told the record type that changed (the UI turns that into a signal).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import errors, oplog, sealed, sealing_upgrade, vault
from . import migrations as mig
from . import schema as s
from . import store_open as opening
from .data_folder import APP_DIR_NAME as APP_DIR_NAME  # re-exported: the data folder was the store's
from .data_folder import default_db_path as default_db_path
from .errors import BUSY_TIMEOUT_S, DatabaseDamaged, RecordConflict, StoreBusy, StoreError  # noqa: F401 (re-exported)
from .store_rows import Notices, constraints, decode
from .validation import ValidationError
from .validation import prepare as prepare_values

log = logging.getLogger(__name__)
ORPHAN_MIN_AGE_S = 600   # a younger attachment file may belong to a save still running in another process


def now_iso() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def new_id() -> str:
    return str(uuid.uuid4())


class Store(Notices):
    """One open database. Use Store.open(path); close() when done (or use it as a context manager)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        self.db = Database(conn, execute_plugins=False)   # sqlite-utils plugins' entry-point scan: 35 ms a start
        self._listeners: list[Callable[[str], None]] = []
        self._pending: set[str] = set()
        self.keys: vault.Keys | None = None    # the data key, when unlocked (core.vault)
        self.encrypted = False                 # the file keeps its sensitive values encrypted
        self.notice: str | None = None         # one sentence for the clerk after open (the values just encrypted)
        self.before_write: Callable[[], None] | None = None   # may raise; the window's check at start (ui/recovery)
        from .settings import Settings
        self.settings = Settings(self)

    # -- opening -------------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True, read_only: bool = False,
             migrate: bool = True, password: str | None = None) -> Store:
        """Open and migrate. `create=False` refuses a missing or 0-byte file; `read_only` opens with mode=ro and
        writes nothing. Raises StoreError, leaving a refused file exactly as it was. The sensitive values unlock
        with `password`, else with the key this PC keeps (core.vault); without either the store is `locked`
        (a wrong password raises vault.WrongPassword / TooManyTries)."""
        path = Path(path).expanduser().absolute()
        opening.check_path(path, create=create, read_only=read_only)
        existed = path.exists()
        conn = opening.connect(path, read_only=read_only)
        opening.connected(path, +1)
        try:
            store = cls(path, conn, read_only=read_only)
            store._check_version()          # reads only: a refused file is not touched
            if not read_only:
                store._take_write_lock()
                store._configure()
                if migrate:
                    store._migrate()
                    store._purge_trash()
                    store._sweep_orphans()
            vault.open_keys(store, password)
        except sqlite3.Error as exc:
            opening.connected(path, -1)
            conn.close()
            if not existed and path.exists() and path.stat().st_size == 0:
                path.unlink()
            raise opening.open_error(exc, path) from exc
        except BaseException:
            opening.connected(path, -1)
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
            opening.begin_immediate(self.db.conn, self.path)
        except StoreBusy:
            raise StoreBusy(f"数据库“{self.path.name}”正被其他程序占用（已锁定），请关闭其他程序后重试") from None
        self.db.conn.execute("ROLLBACK")

    def _configure(self) -> None:
        self.db.conn.execute("PRAGMA foreign_keys = ON")
        if self.db.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.enable_wal()
        self.db.conn.execute("PRAGMA synchronous = FULL")
        self.db.conn.execute("PRAGMA secure_delete = ON")   # a value replaced by its ciphertext leaves no trace

    def _migrate(self) -> None:
        from .settings import seed_defaults
        pending = mig.migrations.pending(self.db)
        if not pending and self.settings.get("year") is not None:
            return   # the usual case: nothing to write, no write lock needed
        copy = None
        if pending and mig.migrations.applied(self.db):   # an existing file is about to change: a copy first
            from .backup import backup_before_upgrade
            copy = backup_before_upgrade(self.path).path
        # BEGIN IMMEDIATE: two programs opening a new file do not both migrate it; foreign keys off for the steps
        with mig.foreign_keys_off(self.db), self.transaction():
            mig.apply(self.db)
            if self.settings.get("year") is None:
                seed_defaults(self)
            encrypted = sealing_upgrade.seal(self)
        if encrypted:
            self.notice = sealing_upgrade.after_sealing(self, copy)

    def _purge_trash(self) -> None:
        """Entries older than 设置's 回收站保留天数 go at open (core.trash)."""
        from .trash import purge_expired
        try:
            purge_expired(self)
        except (sqlite3.DatabaseError, errors.UserError, ValueError):   # damaged or busy: the file still opens
            log.warning("回收站 not purged in %s", self.path, exc_info=True)

    def _sweep_orphans(self) -> None:
        from .attachments import purge_orphans
        try:
            purge_orphans(self, min_age_s=ORPHAN_MIN_AGE_S)
        except (sqlite3.DatabaseError, OSError):   # a damaged file still opens for `check`
            log.warning("orphan attachments not swept in %s", self.path, exc_info=True)

    @property
    def locked(self) -> bool:
        """The file keeps its sensitive values encrypted and no key was had: they read as 已加密, cannot be written,
        and full-number exports are refused."""
        return self.encrypted and self.keys is None

    def decode(self, rt: s.RecordType, row: Mapping[str, Any]) -> dict[str, Any]:
        """A stored row as Python values, its sensitive values decrypted with this store's key."""
        return decode(rt, row, keys=[self.keys] if self.keys else [])

    @property
    def schema_version(self) -> int:
        return len(mig.migrations.applied(self.db))

    def close(self) -> None:
        if not getattr(self, "_closed", False):
            self._closed = True
            opening.connected(self.path, -1)
            sealed.unregister(self)
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- checking ------------------------------------------------------------------------------------------
    def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite's PRAGMA data_version); cheap enough to poll."""
        version: int = self.db.conn.execute("PRAGMA data_version").fetchone()[0]
        return version

    def quick_check(self) -> list[str]:
        """SQLite's quick_check: the problems found, [] for a sound file. Never raises on a damaged file."""
        return opening.pragma_problems(self.db.conn, "quick_check")

    def ensure_sound(self) -> None:
        """Raise DatabaseDamaged when quick_check finds a problem: run before anything writes or exports."""
        problems = self.quick_check()
        if problems:
            raise DatabaseDamaged(errors.damaged_message(self.path, f"发现 {len(problems)} 处问题"))

    def integrity_check(self) -> list[str]:
        """Every problem integrity_check and foreign_key_check find; [] for a sound file. Never raises."""
        return opening.pragma_problems(self.db.conn, "integrity_check") + opening.foreign_key_problems(self.db.conn)

    # -- transactions and notices --------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction (BEGIN IMMEDIATE: the write lock is waited for BUSY_TIMEOUT_S up front, else
        StoreBusy); nested blocks are savepoints. Notices go out after the outermost commit only."""
        if self.read_only:
            raise StoreError(errors.read_only_message(self.path))
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        if self.before_write is not None:   # before the write lock: a check that answers first, or refuses
            self.before_write()
        opening.begin_immediate(conn, self.path)
        try:
            yield self
            self._execute_classified("COMMIT")
        except BaseException as exc:
            self._pending.clear()
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                found = errors.classify(exc, self.path)
                if found is not exc:
                    raise found from exc
            raise
        changed, self._pending = self._pending, set()
        for key in sorted(changed):
            self._emit(key)

    def _rollback(self) -> None:
        try:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
        except sqlite3.Error:   # SQLite rolls back itself when it cannot; the error that led here is raised
            log.warning("ROLLBACK failed on %s", self.path, exc_info=True)

    def _execute_classified(self, sql: str) -> None:
        try:
            self.db.conn.execute(sql)
        except sqlite3.Error as exc:
            found = errors.classify(exc, self.path)
            if found is exc:
                raise
            raise found from exc

    # -- records -------------------------------------------------------------------------------------------
    def our_unit(self) -> str:
        return self.settings.get("our_unit") or ""

    def prepare(self, rt: s.RecordType, values: Mapping[str, Any], *, partial: bool = False,
                stored: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Normalized column values, or ValidationError with a Chinese message per field. `stored` is the record
        being updated: the choice values it already has stay acceptable."""
        return prepare_values(rt, values, self.settings.lists(), partial=partial, stored=stored)

    def insert(self, type_key: str, values: Mapping[str, Any], *, unit: str | None = None,
               record_id: str | None = None) -> str:
        """Validate and insert one record; returns its UUID. Defaults of the schema fill absent fields."""
        rt = s.record_type(type_key)
        values = {**{f.key: f.default for f in rt.fields if f.default is not None}, **values}
        row = self.prepare(rt, sealed.writable(self, rt, values, update=False))
        stamp = now_iso()
        row.setdefault("unit", unit or self.our_unit())
        row.update(id=record_id or new_id(), created_at=stamp, updated_at=stamp)
        with self.transaction():
            self._check_rules(rt, row, None)
            with constraints(rt):
                self.db.table(type_key).insert(self._sealed(rt, row))
            oplog.inserted(self, rt, row)
            self.notify(type_key)
        new: str = row["id"]
        return new

    def update(self, type_key: str, record_id: str, values: Mapping[str, Any], *,
               expected_revision: int | None = None,
               children: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> None:
        """Validate and update some fields of one record. With `expected_revision` (the revision the editor
        loaded) a record changed elsewhere since raises RecordConflict and nothing is written; `children` (the
        owner's child lists as the editor has them, e.g. {"member": [...]}) only sharpens its differences."""
        rt = s.record_type(type_key)
        values = sealed.writable(self, rt, values, update=True)
        with self.transaction():
            raw = self._raw(type_key, record_id, plain=True)
            if raw is None:
                raise StoreError(f"要修改的{rt.label.removesuffix('记录')}记录已不存在（可能已被删除）")
            if expected_revision is not None and raw["revision"] != expected_revision:
                from .revisions import conflict
                raise conflict(self, type_key, decode(rt, raw), values, children)
            row = self.prepare(rt, values, partial=True, stored=decode(rt, raw))
            self._check_rules(rt, {**raw, **row}, record_id)
            row["updated_at"] = now_iso()
            stored = self._sealed(rt, row)
            with constraints(rt):
                self.db.execute(f'UPDATE "{type_key}" SET ' + ", ".join(f'"{k}" = ?' for k in stored)
                                + " WHERE id = ?", [*stored.values(), record_id])
            oplog.updated(self, rt, raw, row)
            self.notify(type_key)

    def check_revision(self, type_key: str, record_id: str, expected_revision: int | None, mine: Mapping[str, Any],
                       children: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> None:
        """Inside a save's transaction: RecordConflict when the record changed since `expected_revision` (None: no
        check), StoreError when it is gone. For saves that write an owner and its child rows together."""
        if expected_revision is None:
            return
        raw = self._raw(type_key, record_id, plain=True)
        if raw is None:
            noun = s.record_type(type_key).label.removesuffix("记录")
            raise StoreError(f"要修改的{noun}记录已不存在（可能已被删除）")
        if raw["revision"] != expected_revision:
            from .revisions import conflict
            raise conflict(self, type_key, decode(s.record_type(type_key), raw), mine, children)

    def differences(self, type_key: str, record_id: str, mine: Mapping[str, Any], *,
                    base: Mapping[str, Any] | None = None,
                    children: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> list[errors.Difference]:
        """Where `mine` differs from the stored record (see core.revisions.differences)."""
        from .revisions import differences
        return differences(self, type_key, record_id, mine, base=base, children=children)

    def _check_rules(self, rt: s.RecordType, row: dict[str, Any], record_id: str | None) -> None:
        from . import record_rules
        problems = record_rules.check(self, rt.key, row, record_id)
        if problems:
            raise ValidationError(problems)

    def _raw(self, type_key: str, record_id: str, *, plain: bool = False) -> dict[str, Any] | None:
        """The stored row; `plain`: its sensitive values decrypted (MULTI still JSON), for rules and the 操作日志."""
        rows = list(self.db.query(f'SELECT * FROM "{type_key}" WHERE id = ?', [record_id]))
        if not rows:
            return None
        return sealed.open_row(s.record_type(type_key), rows[0], [self.keys] if self.keys else []) if plain else rows[0]

    def _sealed(self, rt: s.RecordType, row: dict[str, Any]) -> dict[str, Any]:
        """The row as written: sensitive values encrypted (core.sealed)."""
        return sealed.seal_row(self.keys, rt, row) if self.keys is not None else row

    def delete(self, type_key: str, record_id: str, *, operator: str | None = None) -> str:
        """Move one record into the 回收站 with every row that goes with it (roster and their hours, participants,
        demands, family, a household's visits and aid …), in one transaction; returns the 回收站 entry's id
        (core.trash.restore gives it all back). StoreError when the record is gone or still referenced."""
        from . import trash
        rt = s.record_type(type_key)
        with self.transaction():
            raw = self._raw(type_key, record_id, plain=True)
            entry_id = trash.move(self, type_key, record_id, operator=operator)   # notifies every type it took
            if raw is not None:
                oplog.deleted(self, rt, raw)
        return entry_id

    def get(self, type_key: str, record_id: str) -> dict[str, Any] | None:
        """One record with its meta columns (id, unit, created_at, updated_at, revision), or None."""
        raw = self._raw(type_key, record_id)
        return self.decode(s.record_type(type_key), raw) if raw else None

    def rows(self, type_key: str, *, where: str | None = None, params: Iterable[Any] = (), order_by: str | None = None,
             limit: int | None = None, offset: int | None = None) -> list[dict[str, Any]]:
        rt = s.record_type(type_key)
        sql = f'SELECT * FROM "{type_key}"' + (f" WHERE {where}" if where else "")
        sql += f" ORDER BY {order_by or rt.order_by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset or 0)}"
        return [self.decode(rt, r) for r in self.db.query(sql, list(params))]

    def count(self, type_key: str, *, where: str | None = None, params: Iterable[Any] = ()) -> int:
        sql = f'SELECT COUNT(*) FROM "{type_key}"' + (f" WHERE {where}" if where else "")
        found: int = self.db.execute(sql, list(params)).fetchone()[0]
        return found

    def counts(self) -> dict[str, int]:
        return {key: self.count(key) for key in s.RECORD_TYPES}

    def is_empty(self) -> bool:
        """No records a clerk entered (the defaults seeded on a new file do not count)."""
        seeded = {"unit", "working_group"}
        return all(n == 0 for k, n in self.counts().items() if k not in seeded)

