"""The 回收站. `Store.delete` calls move(): the record and every row that goes with it (roster and the roster's
hours, participants, demands, family, a household's visits and aid, an activity's attachment rows …) become one
entry of the `trash` table — every column of every row as JSON — and leave their tables in the same transaction,
so lists, figures and exports never count them. restore() puts every row back whole, with the same ids, columns
and revisions; purge() ends entries for good, with the attachment files only they still named. Entries older than
the setting trash_days (回收站保留天数, default 90) are purged when the database opens (purge_expired).

A row deleted with its owner is part of the owner's entry, never one of its own; a row an editor removes from its
owner's list (a member leaving the roster, an attachment taken off an activity) is a delete of its own.

Every row deleted also leaves a `tombstone` (type, id, when, unit) that a restore takes away and a purge keeps:
the deletions a data bundle carries (issue 17).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Mapping
from typing import Any

from . import oplog
from . import schema as s
from . import trash_rows as rows_
from .errors import StoreError, UserError
from .store import Store, new_id, now_iso
from .trash_rows import Row, Rows

log = logging.getLogger(__name__)

TABLE = "trash"
TOMBSTONE = "tombstone"   # schema step m011: (type_key, record_id, deleted_at, unit); a purge keeps these rows
DEFAULT_DAYS = 90
FORMAT = 1   # the payload's layout: {"format", "rows": [{"type", "row"}], "links": […], "touched": […]}
_COLUMNS = "id, type_key, record_id, title, deleted_at, operator, row_count, counts"


class RestoreRefused(UserError):
    """An entry that cannot go back as it is (a record it needs is gone, or one of its ids is in use again)."""


# -- deleting ------------------------------------------------------------------------------------------------------
def move(store: Store, type_key: str, record_id: str, *, operator: str | None = None) -> str:
    """Inside Store.delete's transaction: move the record and everything that goes with it into a new entry;
    returns the entry's id. StoreError when the record is gone or still held by a RESTRICT link."""
    rt = s.record_type(type_key)
    rows, links = rows_.collect(store, type_key, record_id)
    if not rows:
        raise StoreError(f"要删除的{rt.label.removesuffix('记录')}记录已不存在（可能已被删除）")
    title = rows_.title(store, type_key, rows[0][1])
    near = rows_.neighbours(rows, links)
    before = rows_.revisions(store, near)
    rows_.remove(store, rows, rows_.naming(type_key, title))
    after = rows_.revisions(store, near)
    touched = [{"type": t, "id": i, "revision": rev, "after": after[(t, i)]}
               for (t, i), rev in before.items() if (t, i) in after and after[(t, i)] != rev]
    counts = Counter(t for t, _row in rows)
    payload = {"format": FORMAT, "rows": [{"type": t, "row": row} for t, row in rows], "links": links,
               "touched": touched}
    entry_id, when = new_id(), now_iso()
    who = operator if operator is not None else store.settings.get("operator")
    store.db.execute(f"INSERT INTO {TABLE} ({_COLUMNS}, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     [entry_id, type_key, record_id, title, when, who or None, len(rows),
                      json.dumps(counts, ensure_ascii=False), json.dumps(payload, ensure_ascii=False)])
    _tombstones(store, rows, when)
    for key in sorted({*counts, *(link["type"] for link in links), TABLE}):
        store.notify(key)
    return entry_id


def _has_tombstones(store: Store) -> bool:
    """Files older than schema step m011 (tests that stop the migrations early) have no tombstone table."""
    return bool(store.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 [TOMBSTONE]).fetchone())


def _tombstones(store: Store, rows: Rows, when: str) -> None:
    """One tombstone per row deleted: the deletion travels in a bundle (core.bundle_export) even after the entry
    is purged. A record deleted again after a restore gets its new time."""
    if _has_tombstones(store):
        store.db.conn.executemany(
            f"INSERT OR REPLACE INTO {TOMBSTONE} (type_key, record_id, deleted_at, unit) VALUES (?, ?, ?, ?)",
            [(t, row["id"], when, row.get("unit")) for t, row in rows])


# -- reading -------------------------------------------------------------------------------------------------------
def _entry(row: Mapping[str, Any]) -> Row:
    out = dict(row)
    out["label"] = s.record_type(out["type_key"]).label if out["type_key"] in s.RECORD_TYPES else out["type_key"]
    out["counts"] = json.loads(out.get("counts") or "{}")
    out["children"] = max(int(out["row_count"] or 1) - 1, 0)
    return out


def entries(store: Store) -> list[Row]:
    """Every entry, newest first: id, type_key, label, record_id, title, deleted_at, operator, row_count,
    children (rows that went with the record), counts ({type: rows})."""
    return [_entry(r) for r in store.db.query(f"SELECT {_COLUMNS} FROM {TABLE} ORDER BY deleted_at DESC, rowid DESC")]


def entry(store: Store, entry_id: str) -> Row | None:
    found = list(store.db.query(f"SELECT {_COLUMNS} FROM {TABLE} WHERE id = ?", [entry_id]))
    return _entry(found[0]) if found else None


def describe(entry: Mapping[str, Any]) -> str:
    """What an entry holds besides its record: 队员 3 条、参加人员 5 条 ('' for none)."""
    counts = dict(entry["counts"])
    counts[entry["type_key"]] = counts.get(entry["type_key"], 1) - 1
    return "、".join(f"{s.record_type(t).label} {n} 条" for t, n in counts.items() if n > 0 and t in s.RECORD_TYPES)


def when_text(entry: Mapping[str, Any]) -> str:
    """The deletion time in the computer's time zone, to the minute: 2026-09-01 14:05."""
    try:
        return dt.datetime.fromisoformat(entry["deleted_at"]).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(entry.get("deleted_at") or "")


def purge_day(entry: Mapping[str, Any], days: int) -> str:
    """The day after which the entry goes at the next open: 2026-11-30 ('' for an unreadable time)."""
    try:
        return (dt.datetime.fromisoformat(entry["deleted_at"]) + dt.timedelta(days=days)).strftime("%Y-%m-%d")
    except (TypeError, ValueError):
        return ""


def attachment_names(store: Store) -> set[str]:
    """The stored file names (core.attachments.stored_name) of the attachment rows held in the 回收站: their files
    are no orphans until the entry is purged."""
    from .attachments import AttachmentError, stored_name
    if TABLE not in store.db.table_names():
        return set()
    out = set()
    for row in store.db.query(
            f"SELECT json_extract(j.value, '$.row.sha256') AS sha256, json_extract(j.value, '$.row.name') AS name "
            f"FROM {TABLE}, json_each({TABLE}.payload, '$.rows') AS j "   # only entries holding attachments are read
            f"WHERE json_extract({TABLE}.counts, '$.attachment') > 0 AND json_extract(j.value, '$.type') = ?",
            ["attachment"]):
        try:
            out.add(stored_name(row["sha256"], row["name"]))
        except AttachmentError:
            pass
    return out


# -- restoring -----------------------------------------------------------------------------------------------------
def restore(store: Store, entry_id: str) -> Row:
    """Put every row of the entry back (same ids and columns; revisions as they were, and so are those of records
    the delete touched if they have not changed since); loose links still empty are set again. Refused with a
    Chinese RestoreRefused, nothing written, when a record it needs is gone or one of its ids is in use again.
    Returns the entry as it was."""
    with store.transaction():
        found = list(store.db.query(f"SELECT {_COLUMNS}, payload FROM {TABLE} WHERE id = ?", [entry_id]))
        if not found:
            raise RestoreRefused("回收站中已没有这条记录（可能已被恢复或彻底删除）")
        done = _entry({k: v for k, v in dict(found[0]).items() if k != "payload"})
        payload = json.loads(found[0]["payload"])
        rows: Rows = [(item["type"], dict(item["row"])) for item in payload["rows"]]
        what = rows_.naming(done["type_key"], done["title"])
        _check_free(store, rows, what)
        _check_references(store, rows, what)
        touched = payload.get("touched", [])
        now = rows_.revisions(store, _ids(touched))
        rows_.insert(store, rows)
        _check_rules(store, rows, what)
        rows_.relink(store, payload.get("links", []))
        wanted = {(t, row["id"]): row["revision"] for t, row in rows if row.get("revision") is not None}
        wanted.update({(x["type"], x["id"]): x["revision"] for x in touched
                       if now.get((x["type"], x["id"])) == x["after"]})   # unchanged since the delete
        rows_.set_revisions(store, wanted)
        store.db.execute(f"DELETE FROM {TABLE} WHERE id = ?", [entry_id])
        if _has_tombstones(store):   # back in the file: no longer a deletion to send
            store.db.conn.executemany(f"DELETE FROM {TOMBSTONE} WHERE type_key = ? AND record_id = ?",
                                      [(t, row["id"]) for t, row in rows])
        oplog.trash_restored(store, done, describe(done))
        for key in sorted({*(t for t, _row in rows), *(x["type"] for x in payload.get("links", [])), TABLE}):
            store.notify(key)
    return done


def _ids(items: list[Row]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        out.setdefault(item["type"], []).append(item["id"])
    return out


def _check_free(store: Store, rows: Rows, what: str) -> None:
    taken = rows_.existing(store, rows)
    if not taken:
        return
    t, row = taken[0]
    if row is rows[0][1]:
        raise RestoreRefused(f"无法恢复{what}：它已在数据库中（可能已经恢复过），未作任何改动")
    raise RestoreRefused(f"无法恢复{what}：其中的{s.record_type(t).label}已在数据库中（可能已恢复或重新导入），"
                         "未作任何改动")


def _check_references(store: Store, rows: Rows, what: str) -> None:
    """A loose link to a record gone meanwhile is left empty (as SQLite's SET NULL would have left it); any other
    missing record refuses the restore, naming where it is if the 回收站 still holds it."""
    for t, row, f in rows_.missing_references(store, rows):
        if f.on_delete == "SET NULL":
            row[f.key] = None
            continue
        who = "它所属" if row is rows[0][1] else f"其中的{s.record_type(t).label}所需"
        holder = _holder(store, f.target, row[f.key])
        hint = f"，请先在回收站中恢复{holder}" if holder else "（已被彻底删除）"
        raise RestoreRefused(f"无法恢复{what}：{who}的{s.record_type(f.target).label}已不存在{hint}")


def _holder(store: Store, type_key: str, record_id: str) -> str | None:
    """The entry holding a record, as the 回收站 names it."""
    for row in store.db.query(
            f"SELECT t.type_key, t.title FROM {TABLE} t, json_each(t.payload, '$.rows') AS j "
            "WHERE json_extract(j.value, '$.type') = ? AND json_extract(j.value, '$.row.id') = ? "
            "ORDER BY t.deleted_at DESC LIMIT 1", [type_key, record_id]):
        return rows_.naming(row["type_key"], row["title"])
    return None


def _check_rules(store: Store, rows: Rows, what: str) -> None:
    from . import record_rules
    problems: dict[str, str] = {}
    for t, row in rows:
        problems.update(record_rules.check(store, t, row, row["id"]))
    if problems:
        raise RestoreRefused(f"无法恢复{what}：{'；'.join(problems.values())}")


# -- purging -------------------------------------------------------------------------------------------------------
def purge(store: Store, entry_id: str | None = None, *, older_than_days: int | None = None) -> int:
    """End entries for good: the one `entry_id`, those deleted more than `older_than_days` days ago, or (neither
    given) all of them. Attachment files only they named are removed after the commit. Returns how many went."""
    if not store.db.conn.in_transaction and _chosen(store, entry_id, older_than_days):
        from .backup import backup_before_purge  # a copy first: a purge is the one delete with no way back
        backup_before_purge(store)
    with store.transaction():
        ids = _chosen(store, entry_id, older_than_days)
        files = _attachment_rows(store, ids)
        oplog.trash_purged(store, [entry(store, i) for i in ids], older_than_days=older_than_days)
        store.db.conn.executemany(f"DELETE FROM {TABLE} WHERE id = ?", [[i] for i in ids])
        if ids:
            store.notify(TABLE)
    if files:
        from .attachments import _remove_unreferenced
        _remove_unreferenced(store, files)   # inside an outer transaction: left to the orphan sweep
    return len(ids)


def _chosen(store: Store, entry_id: str | None, older_than_days: int | None) -> list[str]:
    if entry_id is not None:
        if entry(store, entry_id) is None:
            raise StoreError("回收站中已没有这条记录（可能已被恢复或彻底删除）")
        return [entry_id]
    rows = list(store.db.query(f"SELECT id, deleted_at FROM {TABLE}"))
    if older_than_days is None:
        return [r["id"] for r in rows]
    return [r["id"] for r in rows if _older(r["deleted_at"], older_than_days)]


def _older(stamp: str, days: int) -> bool:
    try:
        when = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        log.warning("trash entry with an unreadable deletion time %r kept", stamp)
        return False
    now = dt.datetime.now(when.tzinfo) if when.tzinfo else dt.datetime.now()
    return now - when > dt.timedelta(days=days)


def _attachment_rows(store: Store, ids: list[str]) -> list[Row]:
    out: list[Row] = []
    for entry_id in ids:
        for row in store.db.query(f"SELECT json_extract(j.value, '$.row') AS row FROM {TABLE}, "
                                  f"json_each({TABLE}.payload, '$.rows') AS j WHERE {TABLE}.id = ? "
                                  "AND json_extract(j.value, '$.type') = 'attachment'", [entry_id]):
            out.append(json.loads(row["row"]))
    return out


def keep_days(store: Store) -> int:
    """回收站保留天数 from 设置 (trash_days), DEFAULT_DAYS when unset or unreadable."""
    value = store.settings.get("trash_days")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else DEFAULT_DAYS


def purge_expired(store: Store) -> int:
    """At open: purge the entries older than 回收站保留天数; no write (and no write lock) when none are."""
    days = keep_days(store)
    if not any(_older(r["deleted_at"], days) for r in store.db.query(f"SELECT deleted_at FROM {TABLE}")):
        return 0
    return purge(store, older_than_days=days)
