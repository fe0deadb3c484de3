"""A record as its editor saves it — the record and the child rows saved with it — and writing one back through
the core's own save functions: the window's undo and redo of a save (ui/undo.py). Deleting and restoring go through
the 回收站 (core.trash), so a delete given back returns every row whole, with the same ids and columns.

A step is applied only over the state the previous step left (compared by content, so the window's own later
steps, once undone, do not count as a change elsewhere); anything else raises StaleRecord and writes nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from . import record_rules, service_record, teams, visits
from . import schema as s
from .errors import StoreError, UserError
from .formatting import display
from .store import Store

# The child rows an editor saves together with its record (an activity's reports are linked by activity_id, its
# attachments are added and removed by its editor right after the save).
SAVED_WITH: dict[str, tuple[str, ...]] = {
    "team": ("member",), "activity": ("participant", "publicity", "attachment"),
    "enterprise_visit": ("demand",), "household": ("family_member",)}
_LINK = {"publicity": "activity_id"}   # otherwise the child type's parent field
# The meta columns that are content (created_at, updated_at and revision move on with writes and restores).
_META = ("id", "unit")


class StaleRecord(UserError):
    """The record changed elsewhere (or is gone, or is already back) since the step to undo or redo; nothing written."""


@dataclass(frozen=True)
class Snapshot:
    type_key: str
    record: dict[str, Any]                              # every column as stored
    children: dict[str, tuple[dict[str, Any], ...]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        record_id: str = self.record["id"]
        return record_id

    @property
    def title(self) -> str:
        rt = s.record_type(self.type_key)
        return display(rt.field(rt.title), self.record.get(rt.title)) if rt.title in rt.keys else ""

    def content(self) -> tuple[object, ...]:
        """What a clerk entered: every field and child row, not the revision or the times of writing."""
        rows = tuple((key, tuple(sorted((_plain(key, r) for r in rows), key=repr)))
                     for key, rows in sorted(self.children.items()))
        return _plain(self.type_key, self.record), rows

    def same_as(self, other: Snapshot | None) -> bool:
        return other is not None and self.type_key == other.type_key and self.content() == other.content()


def _plain(type_key: str, row: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    keys = dict.fromkeys((*_META, *s.record_type(type_key).keys))
    return tuple((k, repr(row.get(k))) for k in keys)


def _link(child: str) -> str:
    link = _LINK.get(child) or s.record_type(child).parent
    if link is None:
        raise ValueError(f"{child} rows are not saved with an owner")
    return link


def take(store: Store, type_key: str, record_id: str | None) -> Snapshot | None:
    """The record with the child rows its editor saves with it; None when there is no such record."""
    record = store.get(type_key, record_id) if record_id else None
    if record is None:
        return None
    children = {child: tuple(store.rows(child, where=f'"{_link(child)}" = ?', params=[record_id], order_by="rowid"))
                for child in SAVED_WITH.get(type_key, ())}
    return Snapshot(type_key, record, children)


def naming(type_key: str, title: str) -> str:
    """A record as a message names it: 志愿服务队“XX志愿服务队”."""
    return f"{s.record_type(type_key).label}“{title}”" if title else f"这条{s.record_type(type_key).label}"


def check_unchanged(store: Store, expected: Snapshot) -> None:
    """StaleRecord unless the stored record is still as `expected` (the state the previous step left)."""
    current = take(store, expected.type_key, expected.id)
    if current is None:
        raise StaleRecord(f"{naming(expected.type_key, expected.title)}已不存在（可能已在别处删除），未作任何改动")
    if not current.same_as(expected):
        raise StaleRecord(f"{naming(expected.type_key, expected.title)}在此之后已在别处修改，为免覆盖别处的修改，"
                          "未作任何改动")


# -- writing a snapshot back -----------------------------------------------------------------------------------
def _values(type_key: str, row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in s.record_type(type_key).keys}


def _rows(snap: Snapshot, child: str) -> list[dict[str, Any]]:
    """Child rows as the save functions take them: id and fields (they set the owner's link themselves)."""
    return [{"id": r["id"], **_values(child, r)} for r in snap.children[child]]


_SAVERS: dict[str, Callable[[Store, Snapshot], object]] = {
    "team": lambda st, snap: teams.save_team(st, snap.id, _values("team", snap.record), _rows(snap, "member")),
    "activity": lambda st, snap: service_record.save_activity(
        st, snap.id, _values("activity", snap.record), _rows(snap, "participant"), _rows(snap, "publicity")),
    "enterprise_visit": lambda st, snap: visits.save_enterprise_visit(
        st, snap.id, _values("enterprise_visit", snap.record), _rows(snap, "demand")),
    "household": lambda st, snap: visits.save_household(
        st, snap.id, _values("household", snap.record), _rows(snap, "family_member")),
}
_SAVED_BY_SAVER = {"member", "participant", "publicity", "demand", "family_member"}


def write_back(store: Store, target: Snapshot, *, expected: Snapshot) -> Snapshot:
    """Write `target` (the record and its child rows) over the stored record, which must still be as `expected`;
    one transaction, through the record's own save function and its checks. Child rows the target lists but the
    file no longer has come back from the 回收站 (with what went with them), else are inserted with their ids.
    Returns the state written."""
    with store.transaction(), record_rules.deferred(store):
        check_unchanged(store, expected)
        entries = _TrashIndex(store)
        for child, rows in target.children.items():
            _bring_back(store, child, rows, entries)
        saver = _SAVERS.get(target.type_key)
        if saver is None:
            store.update(target.type_key, target.id, _values(target.type_key, target.record))
        else:
            saver(store, target)
        for child, rows in target.children.items():
            if child not in _SAVED_BY_SAVER:   # attachments: those the target does not list go to the 回收站
                listed = {r["id"] for r in rows}
                for row in store.rows(child, where=f'"{_link(child)}" = ?', params=[target.id]):
                    if row["id"] not in listed:
                        store.delete(child, row["id"])
        written = take(store, target.type_key, target.id)
    if written is None:
        raise StoreError(f"{naming(target.type_key, target.title)}未能写回")
    return written


def _bring_back(store: Store, child: str, rows: tuple[dict[str, Any], ...], entries: _TrashIndex) -> None:
    for row in rows:
        if store.get(child, row["id"]) is not None:
            continue
        entry = entries.find(child, row["id"])
        if entry is not None:
            _trash().restore(store, entry)
        elif child != "attachment":   # an attachment's file went with its row: nothing to put back without it
            store.insert(child, _values(child, row), unit=row.get("unit"), record_id=row["id"])


# -- deleting to the 回收站 and back ----------------------------------------------------------------------------
def _trash() -> ModuleType:
    from . import trash
    return trash


class _TrashIndex:
    """The newest 回收站 entry of each (type, record id), read once per step."""

    def __init__(self, store: Store):
        self.store = store
        self._newest: dict[tuple[str, str], str] | None = None

    def find(self, type_key: str, record_id: str) -> str | None:
        if self._newest is None:
            self._newest = {}
            try:
                entries = _trash().entries(self.store)   # newest first
            except ImportError:   # a version without the 回收站: nothing comes back from it
                entries = []
            for entry in entries:
                self._newest.setdefault((entry["type_key"], entry["record_id"]), entry["id"])
        return self._newest.get((type_key, record_id))


def trash_entry(store: Store, type_key: str, record_id: str) -> str | None:
    """The 回收站 entry holding this record as deleted last, if any."""
    return _TrashIndex(store).find(type_key, record_id)


def delete(store: Store, expected: Snapshot, *, remove: Callable[[str], object] | None = None) -> str:
    """Delete the record to the 回收站 (by `remove(record_id)`, the page's own delete, else Store.delete), the
    record still as `expected`; returns the 回收站 entry that gives it back."""
    with store.transaction():
        check_unchanged(store, expected)
        (remove or (lambda record_id: store.delete(expected.type_key, record_id)))(expected.id)
        entry = trash_entry(store, expected.type_key, expected.id)
        if entry is None:
            raise StoreError(f"{naming(expected.type_key, expected.title)}未能放入回收站，已取消删除")
    return entry


def restore(store: Store, entry_id: str, gone: Snapshot) -> Snapshot:
    """Give back a record deleted to the 回收站 (entry `entry_id`, the record as `gone` was when deleted); returns
    it as restored. StaleRecord when it is back already or the entry was purged."""
    what = naming(gone.type_key, gone.title)
    with store.transaction():
        if store.get(gone.type_key, gone.id) is not None:
            raise StaleRecord(f"{what}已在回收站或别处恢复过，未作任何改动")
        if _trash().entry(store, entry_id) is None:
            raise StaleRecord(f"{what}已不在回收站中（可能已被清除），无法恢复")
        _trash().restore(store, entry_id)
        restored = take(store, gone.type_key, gone.id)
    if restored is None:
        raise StoreError(f"{what}未能从回收站恢复")
    return restored
