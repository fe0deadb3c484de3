"""The rows one delete takes away, and putting them back: the inside of the 回收站 (core.trash).

A record goes with every row that references it by an ON DELETE CASCADE link, and theirs in turn (a team with its
roster and the roster's hours, a household with its family, visits and aid, an activity with its participants and
attachment rows). Loose links (SET NULL: an activity's team, a report's activity) are remembered so a restore can
link them again. Rows outside the delete whose revision the delete moved (an activity losing participants, a
report losing its activity) are remembered with their revision before and after, so that a restore over an
unchanged database gives back every column as it was.
"""
from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from . import schema as s
from .errors import StoreError
from .formatting import display
from .store import Store

Row = dict[str, Any]           # one stored row, every column
Rows = list[tuple[str, Row]]   # (record type, row) of one delete, the record first
CHUNK = 500          # ids per IN (…): well under SQLite's variable limit
TITLE_CHARS = 40     # a demand's content names it: long text is cut
# a delete refused by a reference: ON DELETE RESTRICT fails with the TRIGGER code, a plain foreign key with its own
_REFERENCED = (sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_TRIGGER)


@functools.cache
def rank(type_key: str) -> int:
    """0 for a record type that references none, else one more than the deepest type it references: inserting
    rows by rank puts every referenced row before the rows that need it."""
    rt = s.record_type(type_key)
    refs = [f.target for f in rt.fields if f.type == s.REF and f.target != type_key]
    return 1 + max((rank(r) for r in refs), default=-1)


@functools.cache
def referrers(type_key: str) -> tuple[tuple[str, str, str], ...]:
    """(record type, field, on_delete) of every reference pointing at `type_key`."""
    return tuple((rt.key, f.key, f.on_delete) for rt in s.RECORD_TYPES.values() for f in rt.fields
                 if f.type == s.REF and f.ref == type_key)


def select_where_in(store: Store, type_key: str, column: str, values: Iterable[Any], what: str = "*") -> list[Row]:
    values = list(values)
    out: list[Row] = []
    for i in range(0, len(values), CHUNK):
        part = values[i:i + CHUNK]
        sql = f'SELECT {what} FROM "{type_key}" WHERE "{column}" IN ({", ".join("?" * len(part))})'
        out += [dict(r) for r in store.db.query(sql, part)]
    return out


# -- what a delete takes ------------------------------------------------------------------------------------------
def collect(store: Store, type_key: str, record_id: str) -> tuple[Rows, list[Row]]:
    """([(type, row)] of every row the delete removes, the record first; [loose link]) — links are
    {type, id, field, value} of rows outside the delete that point at one inside it."""
    root = select_where_in(store, type_key, "id", [record_id])
    if not root:
        return [], []
    rows: Rows = [(type_key, root[0])]
    seen, links = {(type_key, record_id)}, []
    frontier = [(type_key, [record_id])]
    while frontier:
        parent, ids = frontier.pop(0)
        for child, column, on_delete in referrers(parent):
            if on_delete == "CASCADE":
                found = [r for r in select_where_in(store, child, column, ids) if (child, r["id"]) not in seen]
                seen.update((child, r["id"]) for r in found)
                rows += [(child, r) for r in found]
                if found:
                    frontier.append((child, [r["id"] for r in found]))
            elif on_delete == "SET NULL":
                links += [{"type": child, "id": r["id"], "field": column, "value": r[column]}
                          for r in select_where_in(store, child, column, ids, f'id, "{column}"')]
    return rows, [link for link in links if (link["type"], link["id"]) not in seen]


def neighbours(rows: Rows, links: list[Row]) -> dict[str, set[str]]:
    """Rows outside the delete whose revision it may move: those the removed rows reference, those linked."""
    inside = {(t, row["id"]) for t, row in rows}
    out: dict[str, set[str]] = {}
    for t, row in rows:
        for f in s.record_type(t).fields:
            if f.type == s.REF and row.get(f.key) and (f.target, row[f.key]) not in inside:
                out.setdefault(f.target, set()).add(row[f.key])
    for link in links:
        out.setdefault(link["type"], set()).add(link["id"])
    return out


def revisions(store: Store, ids: Mapping[str, Iterable[str]]) -> dict[tuple[str, str], int]:
    return {(t, r["id"]): r["revision"] for t, some in ids.items()
            for r in select_where_in(store, t, "id", some, "id, revision")}


def remove(store: Store, rows: Rows, what: str) -> None:
    """Delete the rows, children first; a row still referenced by a RESTRICT link (a working group by visits)
    refuses the whole delete, naming `what` and the records that hold it."""
    by_type: dict[str, list[str]] = {}
    for t, row in rows:
        by_type.setdefault(t, []).append(row["id"])
    for t in sorted(by_type, key=rank, reverse=True):
        try:
            store.db.conn.executemany(f'DELETE FROM "{t}" WHERE id = ?', [[i] for i in by_type[t]])
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorcode not in _REFERENCED:
                raise
            holders = [s.record_type(child).label for child, column, on_delete in referrers(t)
                       if on_delete == "RESTRICT" and select_where_in(store, child, column, by_type[t], "id")]
            raise StoreError(f"{what}仍被{'、'.join(dict.fromkeys(holders)) or '其他记录'}引用，不能删除") from None


# -- names ---------------------------------------------------------------------------------------------------------
def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1] + "…"


def _value_text(store: Store, rt: s.RecordType, key: str, row: Mapping[str, Any]) -> str:
    f = rt.field(key)
    value = row.get(key)
    if f.type == s.REF and value:
        target = s.record_type(f.target)
        found = select_where_in(store, target.key, "id", [value], f'"{target.title}" AS title')
        return _value_text(store, target, target.title, {target.title: found[0]["title"]}) if found else ""
    return _short(display(f, value))


def title(store: Store, type_key: str, row: Row) -> str:
    """How the 回收站 names a record: its title, and its owner's for a row that belongs to one (李娜（XX服务队）).
    Read before the rows go, while the owner is still there."""
    rt = s.record_type(type_key)
    text = _value_text(store, rt, rt.title, row)
    owner = rt.parent or next((f.key for f in rt.fields if f.type == s.REF and f.on_delete == "CASCADE"
                               and f.key != rt.title), None)
    owner_text = _value_text(store, rt, owner, row) if owner else ""
    if owner_text:
        return f"{text}（{owner_text}）" if text else owner_text
    return text


def naming(type_key: str, text: str) -> str:
    """志愿服务队“XX志愿服务队”, or 这条队员 when the record has no name."""
    label = s.record_type(type_key).label if type_key in s.RECORD_TYPES else "记录"
    return f"{label}“{text}”" if text else f"这条{label.removesuffix('记录')}记录"


# -- putting rows back ---------------------------------------------------------------------------------------------
def existing(store: Store, rows: Rows) -> Rows:
    """The rows whose id is in use again (restored already, or made again by an import)."""
    by_type: dict[str, dict[str, Row]] = {}
    for t, row in rows:
        by_type.setdefault(t, {})[row["id"]] = row
    return [(t, some[r["id"]]) for t, some in by_type.items() for r in select_where_in(store, t, "id", some, "id")]


def missing_references(store: Store, rows: Rows) -> list[tuple[str, Row, s.Field]]:
    """(type, row, field) of each reference to a record neither among the rows nor in the database."""
    inside = {(t, row["id"]) for t, row in rows}
    wanted: dict[str, set[str]] = {}
    for t, row in rows:
        for f in s.record_type(t).fields:
            if f.type == s.REF and row.get(f.key) and (f.target, row[f.key]) not in inside:
                wanted.setdefault(f.target, set()).add(row[f.key])
    there = {(t, r["id"]) for t, ids in wanted.items() for r in select_where_in(store, t, "id", ids, "id")}
    return [(t, row, f) for t, row in rows for f in s.record_type(t).fields
            if f.type == s.REF and row.get(f.key) and (f.target, row[f.key]) not in inside | there]


def insert(store: Store, rows: Rows) -> None:
    """Every row with every column it had (those a later version dropped are left out), parents first."""
    columns: dict[str, set[str]] = {}
    for t, row in sorted(rows, key=lambda item: rank(item[0])):
        if t not in columns:
            columns[t] = {c["name"] for c in store.db.query(f'PRAGMA table_info("{t}")')}
        keys = [k for k in row if k in columns[t]]
        names = ", ".join(f'"{k}"' for k in keys)
        store.db.execute(f'INSERT INTO "{t}" ({names}) VALUES ({", ".join("?" * len(keys))})', [row[k] for k in keys])


def relink(store: Store, links: list[Row]) -> None:
    """Loose links the delete cleared, set again where still empty (a record linked elsewhere meanwhile stays)."""
    for link in links:
        table, column = link["type"], link["field"]
        store.db.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE id = ? AND "{column}" IS NULL',
                         [link["value"], link["id"]])


def set_revisions(store: Store, wanted: dict[tuple[str, str], int]) -> None:
    """Put revisions back as they were. Changing the revision itself does not fire the revision triggers, so
    the owner of a child row is not raised by it; a row already at the wanted revision is not written."""
    for (t, record_id), revision in wanted.items():
        store.db.execute(f'UPDATE "{t}" SET revision = ? WHERE id = ? AND revision IS NOT ?',
                         [revision, record_id, revision])
