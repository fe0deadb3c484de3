"""A data bundle of this file (issue 17): every record of every type — or those with `updated_at >= since` — as
stored (sensitive values decrypted: the bundle's own encryption protects them), the deletions (tombstones), and with
`with_attachments` the attachment records and their files (without it neither: a record naming a file the city
does not have would be a broken attachment). Rows are read with a cursor in rowid order inside one read
transaction (a consistent snapshot while the window writes), a chunk at a time: memory stays flat.

A locked file (its password not entered) cannot export: its sensitive values could not be decrypted.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import Any

from . import attachments as att
from . import schema as s
from . import sealed
from .bundle_file import DATA, SUFFIX, BundleCancelled, BundleWriter, Manifest
from .errors import UserError
from .store import Store

TYPE_ORDER: tuple[str, ...] = (
    "unit", "working_group", "team", "member", "activity", "participant", "attachment", "publicity",
    "enterprise_visit", "demand", "household", "family_member", "household_visit", "aid", "honor", "submission")
FETCH = 1000          # rows per fetch from the cursor, and between progress reports and cancel checks
DELETED_COLUMNS = ("type_key", "record_id", "deleted_at", "unit")
WHOLE = ("unit", "working_group")   # sent whole even with `since`: the receiver maps references through their names


def columns(type_key: str) -> list[str]:
    """The columns a bundle row holds: the record type's, without `revision` and the keyed-hash shadow columns
    (the importing file computes its own)."""
    return [f.key for f in s.record_type(type_key).columns
            if f.key != "revision" and not f.key.endswith(s.SHADOW_SUFFIXES)]


def _q(name: str) -> str:
    return f'"{name}"'


def _where(since: str | None, column: str) -> tuple[str, list[Any]]:
    return (f" WHERE {_q(column)} >= ?", [since]) if since else ("", [])


def bundle_rows(store: Store, type_key: str, *, since: str | None = None) -> Generator[dict[str, Any], None, None]:
    """The rows of one record type in the bundle's row format (values as stored, MULTI as its JSON text, money in
    fen, hours in minutes, sensitive values decrypted with the store's key), in rowid order, read from a cursor."""
    rt = s.record_type(type_key)
    names = columns(type_key)
    where, params = _where(since, "updated_at")
    cursor = store.db.conn.execute(f'SELECT {", ".join(map(_q, names))} FROM "{type_key}"{where} ORDER BY rowid',
                                   params)
    keys = [store.keys] if store.keys is not None else []
    decrypt = bool(rt.sensitive_keys)
    try:
        while batch := cursor.fetchmany(FETCH):
            for values in batch:
                row = dict(zip(names, values))
                yield sealed.open_row(rt, row, keys) if decrypt else row
    finally:
        cursor.close()


def _has_tombstones(store: Store) -> bool:
    """A file of a schema before step m011 opened read-only has none."""
    return bool(store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tombstone'")
                .fetchone())


def deleted_rows(store: Store, *, since: str | None = None) -> Generator[dict[str, Any], None, None]:
    """The tombstones (every deletion, or those since `since`) as {type_key, record_id, deleted_at, unit}."""
    if not _has_tombstones(store):
        return
    where, params = _where(since, "deleted_at")
    cursor = store.db.conn.execute(f"SELECT {', '.join(DELETED_COLUMNS)} FROM tombstone{where} ORDER BY rowid",
                                   params)
    try:
        while batch := cursor.fetchmany(FETCH):
            for values in batch:
                yield dict(zip(DELETED_COLUMNS, values))
    finally:
        cursor.close()


def default_name(store: Store, today: dt.date | None = None) -> str:
    """数据包_青山区总工会_2026-12-03.lfx"""
    from ..exports.files import file_name
    unit = store.settings.campaign().get("our_unit") or "本单位"
    return file_name("数据包", unit, (today or dt.date.today()).isoformat(), suffix=SUFFIX)


@contextlib.contextmanager
def _snapshot(store: Store) -> Iterator[None]:
    """One read transaction for the whole export: every type read from the same state of the file."""
    conn = store.db.conn
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")


class _Ticker:
    """Progress and cancel between chunks: progress(done, total), cancelled() polled every FETCH rows."""

    def __init__(self, total: int, progress: Callable[[int, int], None] | None,
                 cancelled: Callable[[], bool] | None):
        self.done, self.total = 0, total
        self._progress, self._cancelled = progress, cancelled

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise BundleCancelled()
        if self._progress is not None:
            self._progress(min(self.done, self.total), self.total)

    def counting(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for row in rows:
            yield row
            self.done += 1
            if self.done % FETCH == 0:
                self.check()


def _total(store: Store, types: list[str], since: str | None) -> int:
    total = 0
    for type_key in types:
        where, params = _where(None if type_key in WHOLE else since, "updated_at")
        total += store.db.execute(f'SELECT COUNT(*) FROM "{type_key}"{where}', params).fetchone()[0]
    if not _has_tombstones(store):
        return total
    where, params = _where(since, "deleted_at")
    return total + int(store.db.execute(f"SELECT COUNT(*) FROM tombstone{where}", params).fetchone()[0])


def _with_files(store: Store, writer: BundleWriter, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Attachment rows, each with its file put into the bundle first (a file gone from the folder is refused,
    naming the attachment)."""
    for row in rows:
        try:
            source = att.file_path(store, row)
        except att.AttachmentError:
            source = None
        if source is None or not source.is_file():
            raise UserError(f"附件“{row.get('name')}”的文件已不在附件文件夹中，无法随数据包导出；"
                            "请不带附件导出，或在活动中重新添加该附件")
        writer.add_attachment(row["sha256"], source)
        yield row


def export_bundle(store: Store, path: str | os.PathLike[str], *, since: str | None = None,
                  with_attachments: bool = False, passphrase: str | None,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Manifest:
    """Write the data bundle to `path` (owner-only, renamed into place when complete) and return its manifest.
    UserError (one sentence) for a locked file, an attachment file gone, an OS failure naming `path`;
    BundleCancelled when `cancelled()` turns true — then no file is left."""
    path = Path(path)
    if store.locked:
        raise UserError(f"“{store.path.name}”已加密，请先解锁（输入密码）后再导出数据包")
    types = [t for t in TYPE_ORDER if with_attachments or t != "attachment"]
    with _snapshot(store):
        ticker = _Ticker(_total(store, types, since), progress, cancelled)
        ticker.check()
        with BundleWriter(path, store=store, kind=DATA, passphrase=passphrase, since=since,
                          with_attachments=with_attachments) as writer:
            for type_key in types:
                rows_since = None if type_key in WHOLE else since
                with contextlib.closing(bundle_rows(store, type_key, since=rows_since)) as read:
                    rows: Iterable[dict[str, Any]] = read
                    if type_key == "attachment":
                        rows = _with_files(store, writer, read)
                    writer.add_records(type_key, ticker.counting(rows))
                ticker.check()
            with contextlib.closing(deleted_rows(store, since=since)) as gone:
                writer.add_deleted(ticker.counting(gone))
            ticker.check()
    assert writer.manifest is not None
    return writer.manifest
