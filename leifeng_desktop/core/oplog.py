"""操作日志: every write appended to the `oplog` table inside the write's own transaction — who (the 操作员 of the
settings), what, which record, when, and the fields changed (core.oplog_changes: Chinese labels, old → new,
sensitive values masked; never a full ID, phone, bank card, income or health value).

    Store.insert/update/delete call inserted/updated/deleted: one entry each, one INSERT.
    saving(store, type_key, record_id)   a record saved with its child rows (a team and its roster …): one entry
                                         naming the record, its changed fields and a line per child row changed
    bulk(store, action, title=…)         demo data, an import: one summary entry with counts (and, with rows=True,
                                         each record's own entry), written with one executemany
    record(store, action, type_key, record_id, title=, changes=)   one entry as given (回收站 restore and purge)
    settings_changed(store, before, after)                       a change of 设置
    entries(store, …filters) / count(store, …) / filter_choices(store)   reading, newest first

Qt-free; the window and the CLI read the log only through the functions here.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from . import oplog_changes as ch
from . import schema as s
from .oplog_changes import Change, Row

if TYPE_CHECKING:
    from .store import Store

# (action, type_key, record_id, title, changes): one row of the table before it is written
EntryRow = tuple[str, str, str | None, str, list[Change]]

# action key → what the clerk reads
ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除", "restore": "恢复", "purge": "彻底删除",
           "import": "导入", "demo": "载入演示数据", "settings": "修改设置", "create": "新建数据文件"}
OTHER_TYPES = {"settings": "设置", "trash": "回收站"}
NO_OPERATOR = "（未填写）"
change = ch.change
_INSERT = ("INSERT INTO oplog (at, operator, action, type_key, record_id, title, changes) "
           "VALUES (?, ?, ?, ?, ?, ?, ?)")
_COLLECTOR = "_oplog_collector"   # kept on the Store object while a save or a bulk write collects


@dataclass
class _Note:
    """One write before it becomes (part of) an entry: values are formatted only when the entry is written."""
    action: str
    rt: s.RecordType
    record_id: str
    old: Row | None
    new: Row | None

    @property
    def row(self) -> dict[str, Any]:
        return {**(self.old or {}), **(self.new or {})}


@dataclass
class _Collector:
    notes: list[_Note] = field(default_factory=list)


# -- writing ----------------------------------------------------------------------------------------------------
def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def operator(store: Store) -> str:
    """The 操作员 of the settings as this transaction sees them (one look-up by key per entry written: a cache
    would outlive a rolled-back change of the setting)."""
    row = store.db.execute("SELECT value FROM settings WHERE key = 'operator'").fetchone()
    return str((json.loads(row[0]) if row else "") or "")


def _write(store: Store, entries: list[EntryRow]) -> None:
    """(action, type_key, record_id, title, changes) tuples, all in one executemany."""
    if not entries:
        return
    at, who = _now(), operator(store)
    store.db.conn.executemany(_INSERT, [
        (at, who, action, type_key or "", record_id, ch.clip(ch.scrub(title or ""), ch.MAX_ROW),
         json.dumps(list(changes), ensure_ascii=False))
        for action, type_key, record_id, title, changes in entries])


def record(store: Store, action: str, type_key: str, record_id: str | None, *, title: str,
           changes: Iterable[Row] = ()) -> None:
    """Append one entry as given (inside the caller's transaction when there is one). `changes` are
    oplog_changes.change() dicts whose values the caller has masked already."""
    with store.transaction():
        _write(store, [(action, type_key, record_id, title, [dict(c) for c in changes])])


def trash_restored(store: Store, entry: Row, also: str = "") -> None:
    """core.trash.restore: the record back from the 回收站 (`also`: what came back with it)."""
    record(store, "restore", entry["type_key"], entry["record_id"], title=entry.get("title") or "",
           changes=[change("回收站", "", f"已恢复（连同{also}）" if also else "已恢复")])


def trash_purged(store: Store, entries: Iterable[Row | None], *, older_than_days: int | None = None) -> None:
    """core.trash.purge: each entry ended for good, by hand or for being older than the days kept."""
    why = f"删除已超过 {older_than_days} 天，自动清除" if older_than_days is not None else "彻底删除"
    with store.transaction():
        _write(store, [("purge", e["type_key"], e["record_id"], e.get("title") or "", [change("回收站", "", why)])
                       for e in entries if e])


def _titles(store: Store, notes: Iterable[_Note]) -> dict[str, str]:
    wanted: dict[str, set[str]] = {}
    for note in notes:
        for type_key, ids in ch.ref_ids(note.rt, [note.row]).items():
            wanted.setdefault(type_key, set()).update(ids)
    return ch.titles(store.db, wanted) if wanted else {}


def _entry(note: _Note, titles: Mapping[str, str], action: str | None = None) -> EntryRow | None:
    """A write as an entry of its own; None for an update that changed nothing."""
    rt = note.rt
    if note.action == "insert":
        changes = ch.created(rt, note.new or {}, titles)
    elif note.action == "delete":
        changes = ch.removed(rt, note.old or {}, titles)
    else:
        changes = ch.changed(rt, note.old or {}, note.new or {}, titles)
        if not changes:
            return None
    return (action or note.action, rt.key, note.record_id, ch.title_of(rt, note.row, titles), changes)


def _add(store: Store, note: _Note) -> None:
    collector = store.__dict__.get(_COLLECTOR)
    if collector is not None:
        collector.notes.append(note)
        return
    entry = _entry(note, _titles(store, [note]))
    if entry is not None:
        _write(store, [entry])


def inserted(store: Store, rt: s.RecordType, row: Row) -> None:
    """Store.insert: the stored row (every column)."""
    _add(store, _Note("insert", rt, row["id"], None, row))


def updated(store: Store, rt: s.RecordType, old: Row, new: Row) -> None:
    """Store.update: the row before and the columns written."""
    _add(store, _Note("update", rt, old["id"], old, new))


def deleted(store: Store, rt: s.RecordType, old: Row) -> None:
    """Store.delete: the row as it was."""
    _add(store, _Note("delete", rt, old["id"], old, None))


@contextlib.contextmanager
def _collecting(store: Store) -> Iterator[_Collector | None]:
    """Writes inside go to a collector instead of the table; None when an outer one already collects them."""
    if store.__dict__.get(_COLLECTOR) is not None:
        yield None
        return
    collector = _Collector()
    setattr(store, _COLLECTOR, collector)
    try:
        yield collector
    finally:
        store.__dict__.pop(_COLLECTOR, None)


@contextlib.contextmanager
def saving(store: Store, type_key: str, record_id: str | None = None) -> Iterator[None]:
    """A record saved with its child rows (inside the save's transaction): one entry for the record, its changed
    fields and a line per child row added, changed or removed. Nothing is written when the block raises."""
    with _collecting(store) as collector:
        yield
    if collector is not None:
        _write(store, [e for e in [_owner_entry(store, type_key, record_id, collector.notes)] if e])


def _owner_entry(store: Store, type_key: str, record_id: str | None, notes: list[_Note]) -> EntryRow | None:
    titles = _titles(store, notes)
    owner = next((n for n in notes if n.rt.key == type_key and record_id in (None, n.record_id)), None)
    if owner is None and record_id is None:
        return None
    changes: list[Change] = []
    if owner is not None:
        entry = _entry(owner, titles)
        changes = list(entry[4]) if entry else []
    for note in notes:
        if note is not owner:
            changes += ch.child_lines(note.action, note.rt, note.old, note.new, titles)
    if not changes and (owner is None or owner.action == "update"):
        return None
    if owner is not None:
        return owner.action, type_key, owner.record_id, ch.title_of(owner.rt, owner.row, titles), changes
    assert record_id is not None   # an owner the save did not write is named by its id
    found = ch.titles(store.db, {type_key: {record_id}})
    return "update", type_key, record_id, found.get(record_id, ""), changes


@contextlib.contextmanager
def bulk(store: Store, action: str, *, title: str, type_key: str = "", record_id: str | None = None,
         rows: bool = False, changes: Iterable[Row] = ()) -> Iterator[None]:
    """Many writes as one summary entry (`changes` first, then 新增 n 条 per record type); with rows=True each
    record also gets its own entry under `action`. Nothing is written when the block raises or wrote nothing."""
    with _collecting(store) as collector:
        yield
    if collector is None or not collector.notes:
        return
    entries = []
    if rows:
        titles = _titles(store, collector.notes)
        entries = [e for e in (_entry(n, titles, action) for n in collector.notes) if e]
    summary = [dict(c) for c in changes] + _counts(collector.notes)
    _write(store, entries + [(action, type_key, record_id, title, summary)])   # the summary last: newest first


def _counts(notes: list[_Note]) -> list[Change]:
    """新增 12 条，修改 1 条 per record type; a record added and then changed in the same run counts as added."""
    first: dict[tuple[str, str], str] = {}
    for note in notes:
        first.setdefault((note.rt.key, note.record_id), note.action)
    counted: dict[str, dict[str, int]] = {}
    for (type_key, _id), action in first.items():
        per = counted.setdefault(type_key, {})
        per[action] = per.get(action, 0) + 1
    order = list(s.RECORD_TYPES)
    return [ch.change(s.record_type(k).label, "", "，".join(f"{ACTIONS[a]} {n} 条" for a, n in per.items()))
            for k, per in sorted(counted.items(), key=lambda kv: order.index(kv[0]))]


def settings_changed(store: Store, before: Row, after: Row, *, title: str = "",
                     labels: Mapping[str, str] | None = None) -> None:
    """Settings written (key → value as stored) against their values before; no entry when nothing changed.
    `labels` name keys that are not campaign fields or choice lists (the parts of the 总结材料 …)."""
    changes = ch.setting_changes(before, after, labels)
    if changes:
        campaign = any(not k.startswith("choices.") for k in after)
        _write(store, [("settings", "settings", None, title or ("活动设置" if campaign else "选项表"), changes)])


# -- reading ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    operator: str
    action: str
    type_key: str
    record_id: str | None
    title: str
    changes: tuple[Change, ...]

    @property
    def when(self) -> str:
        return self.at[:19].replace("T", " ")

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def type_label(self) -> str:
        return type_label(self.type_key)

    @property
    def operator_label(self) -> str:
        return self.operator or NO_OPERATOR

    @property
    def changes_text(self) -> str:
        """修改内容 in one text: 队长电话：138****5678 → 139****1234；队员：新增 张三."""
        parts = []
        for c in self.changes:
            old, new = c.get("old") or "", c.get("new") or ""
            value = f"{old} → {new}" if old and new else f"{old} → （空）" if old and self.action == "update" \
                else old or new
            parts.append(f"{c.get('field', '')}：{value}")
        return "；".join(parts)


def type_label(type_key: str) -> str:
    if type_key in s.RECORD_TYPES:
        return s.RECORD_TYPES[type_key].label
    return OTHER_TYPES.get(type_key, type_key)


class Filters(TypedDict, total=False):
    """What entries() and count() narrow by; None or absent means everything."""
    date_from: str | None     # ISO days, both inclusive, local time as `at` is written
    date_to: str | None
    type_key: str | None
    action: str | None
    operator: str | None      # "" for entries made while no 操作员 was set
    record_id: str | None
    text: str | None          # found in the record's name, the changes or the operator


def _where(*, date_from: str | None = None, date_to: str | None = None, type_key: str | None = None,
           action: str | None = None, operator: str | None = None, record_id: str | None = None,
           text: str | None = None) -> tuple[str, list[str]]:
    """The filters as SQL over the oplog table: days inclusive (local dates, as `at` is written), equalities,
    and a text found in the record's name or the changes."""
    clauses, params = [], []
    if date_from:
        clauses.append("at >= ?")
        params.append(str(date_from)[:10])
    if date_to:
        day = dt.date.fromisoformat(str(date_to)[:10]) + dt.timedelta(days=1)
        clauses.append("at < ?")
        params.append(day.isoformat())
    for column, value in (("type_key", type_key), ("action", action), ("operator", operator),
                          ("record_id", record_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if text and text.strip():
        like = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(title LIKE ? ESCAPE '\\' OR changes LIKE ? ESCAPE '\\' OR operator LIKE ? ESCAPE '\\')")
        params += [like, like, like]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def entries(store: Store, *, limit: int | None = None, offset: int = 0, oldest_first: bool = False,
            **filters: Unpack[Filters]) -> Iterator[Entry]:
    """The entries the filters let through (date_from, date_to, type_key, action, operator, record_id, text),
    newest first, streamed from the cursor."""
    where, params = _where(**filters)
    sql = f"SELECT id, at, operator, action, type_key, record_id, title, changes FROM oplog{where} " \
          f"ORDER BY id {'ASC' if oldest_first else 'DESC'}"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    for row in store.db.execute(sql, params):
        yield Entry(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], tuple(json.loads(row[7] or "[]")))


def count(store: Store, **filters: Unpack[Filters]) -> int:
    where, params = _where(**filters)
    return int(store.db.execute(f"SELECT COUNT(*) FROM oplog{where}", params).fetchone()[0])


def filter_choices(store: Store) -> dict[str, list[tuple[str, str]]]:
    """(label, value) of what the log holds, for the page's combos: record types in the schema's order, actions
    in ACTIONS' order, operators by name."""
    def distinct(column: str) -> list[str]:
        return [r[0] for r in store.db.execute(f"SELECT DISTINCT {column} FROM oplog")]
    order = [*s.RECORD_TYPES, *OTHER_TYPES]
    types = sorted(distinct("type_key"), key=lambda k: (order.index(k) if k in order else len(order), k))
    actions = sorted(distinct("action"), key=lambda a: (list(ACTIONS).index(a) if a in ACTIONS else len(ACTIONS), a))
    return {"types": [(type_label(k), k) for k in types if k],
            "actions": [(ACTIONS.get(a, a), a) for a in actions],
            "operators": [(o or NO_OPERATOR, o) for o in sorted(distinct("operator"))]}
