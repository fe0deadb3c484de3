"""Rows as the store reads and writes them: decode (the one place a stored row becomes Python values, sensitive
values decrypted), the constraint errors a clerk can act on, and the change notices the store sends."""
from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import schema as s
from .crypto import is_encrypted
from .record_plan import plan
from .sealed import any_unlocked, open_row, open_value
from .validation import ValidationError, as_list

if TYPE_CHECKING:
    from .vault import Keys


def decode(rt: s.RecordType, row: Mapping[str, Any], *, keys: Iterable[Keys] | None = None) -> dict[str, Any]:
    """A stored row as Python values: MULTI lists back from JSON, sensitive values decrypted (with `keys`, or any
    key unlocked in this process: callers holding only a row, core.listing) or crypto.LOCKED, shadow columns gone."""
    out = open_row(rt, row, keys)
    for f in rt.fields:
        if f.type == s.MULTI and f.key in out:
            out[f.key] = as_list(out[f.key])
    return out


def decoder(rt: s.RecordType, names: Sequence[str], *, keys: Iterable[Keys] | None = None,
            opened: bool = True) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """decode for the rows of one query (`names`: its columns, in order), worked out once for them: a row tuple
    becomes what decode(rt, dict(zip(names, row)), keys=keys) gives. With opened=False sensitive values stay as
    stored (ciphertext) for the caller to open when shown (sealed.open_value): a list opens only what it paints."""
    p = plan(rt)
    shadows = {n for n in names if n.endswith(s.SHADOW_SUFFIXES)}
    keep = [n for n in names if n not in shadows]
    multi = [n for n in keep if n in p.multi]
    secret = [p.field(n) for n in keep if n in p.sensitive] if opened else []
    ring = list(keys) if keys is not None else None
    if not (shadows or multi or secret):
        return lambda values: dict(zip(names, values))
    if shadows:
        index = [i for i, n in enumerate(names) if n not in shadows]
        names = keep

    def row_of(values: Sequence[Any]) -> dict[str, Any]:
        out = dict(zip(names, [values[i] for i in index] if shadows else values))
        for key in multi:
            out[key] = as_list(out[key])
        for f in secret:
            value = out[f.key]
            if is_encrypted(value):
                out[f.key] = open_value(rt, f, value, ring if ring is not None else any_unlocked())
        return out
    return row_of


@contextlib.contextmanager
def constraints(rt: s.RecordType) -> Iterator[None]:
    """A missing referenced record is the clerk's (chosen, then deleted elsewhere): a ValidationError on the
    reference fields. Any other broken constraint is a program error and keeps its kind."""
    try:
        yield
    except sqlite3.IntegrityError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
            raise
        refs = [f for f in rt.fields if f.type == s.REF]
        raise ValidationError({f.key: f"所选{f.label}不存在（可能已被删除）" for f in refs}) from None


class Notices:
    """Listeners told the record type that changed; inside a transaction only after the outermost commit."""
    db: Any
    _listeners: list[Callable[[str], None]]
    _pending: set[str]

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
