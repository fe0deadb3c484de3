"""No lost update: what differs between a clerk's values and a record that changed elsewhere since it was loaded.

Every record carries a `revision` (1 on insert, +1 on every update; a change to a child row — roster member,
participant, demand, family member — raises its owner's, by SQLite triggers, see migrations.sync_revisions). An
editor remembers the revision it loaded and saves with `expected_revision`; a mismatch is a RecordConflict listing
the Differences, and nothing is written.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from . import schema as s
from .errors import Difference, RecordConflict
from .migration_sql import M004_OWNERS
from .migrations import REVISION_CHILDREN
from .validation import normalize

if TYPE_CHECKING:
    from .store import Store

# How a child list is named in a conflict, and what its rows are counted in.
CHILD_LISTS = {"member": ("队员名单", "人"), "participant": ("参加人员名单", "人"), "demand": ("职工诉求", "条"),
               "family_member": ("家庭成员", "人")}


def differences(store: Store, type_key: str, record_id: str, mine: Mapping[str, Any], *,
                base: Mapping[str, Any] | None = None,
                children: Mapping[str, Iterable[Mapping[str, Any]]] | None = None) -> list[Difference]:
    """Fields of `mine` whose stored value differs (with `base`, the values the editor loaded: only those changed
    elsewhere since), then one Difference per child list in `children` whose stored rows differ from the clerk's."""
    rt = s.record_type(type_key)
    stored = store.get(type_key, record_id) or {}
    out: list[Difference] = []
    for key, value in mine.items():
        if key not in rt.keys:
            continue
        f = rt.field(key)
        ours, theirs = _plain(f, value), _plain(f, stored.get(key))
        if base is not None and key in base and _plain(f, base[key]) == theirs:
            continue   # not changed elsewhere: the clerk's own edit, no conflict
        if ours != theirs:
            out.append(Difference(key, f.label, ours, theirs))
    for child, rows in (children or {}).items():
        diff = child_difference(store, child, record_id, list(rows))
        if diff:
            out.append(diff)
    return out


def child_difference(store: Store, child: str, owner_id: str, mine: list[Mapping[str, Any]]) -> Difference | None:
    """One Difference when the owner's stored child rows are not the clerk's list (order and ids aside)."""
    rt = s.record_type(child)
    stored = store.rows(child, where=f'"{rt.parent}" = ?', params=[owner_id])
    if sorted(map(lambda r: _row_key(rt, r), stored)) == sorted(map(lambda r: _row_key(rt, r), mine)):
        return None
    label, unit = CHILD_LISTS.get(child, (f"{rt.label}列表", "条"))
    return Difference(child, label, f"您编辑的{label}（{len(mine)} {unit}）",
                      f"{label}已在别处修改（现有 {len(stored)} {unit}）")


def conflict(store: Store, type_key: str, current: dict[str, Any], mine: Mapping[str, Any],
             children: Mapping[str, Iterable[Mapping[str, Any]]] | None = None) -> RecordConflict:
    """The RecordConflict for saving `mine` over `current`. When no listed field differs, the change elsewhere was
    in what this save does not show: the owner's child lists (or other fields), said so rather than left blank."""
    rt = s.record_type(type_key)
    found = differences(store, type_key, current["id"], mine, children=children)
    if not found:
        lists = [c.key for c in s.children_of(type_key) if c.key in REVISION_CHILDREN and c.key not in (children or {})]
        found = [Difference(k, CHILD_LISTS[k][0], "", f"{CHILD_LISTS[k][0]}已在别处修改") for k in lists] or \
            [Difference("*", rt.label, "", f"该{rt.label}的其他内容已在别处修改")]
    return RecordConflict(type_key, current["id"], current, found, label=rt.label)


def _plain(f: s.Field, value: Any) -> Any:
    """A value as stored, for comparing: normalized, empty as None, lists as lists."""
    try:
        value = normalize(f, value)
    except (TypeError, ValueError):
        pass
    return None if value in ("", [], None) else value


def _row_key(rt: s.RecordType, row: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(repr(_plain(f, row.get(f.key))) for f in rt.fields if f.key != rt.parent)


@contextlib.contextmanager
def set_aside(db: Any, table: str) -> Iterator[None]:
    """Inside one transaction that adds many rows of child `table` (core.generate): its insert trigger, which raises
    the owner's revision once per row, dropped; after the rows each owner's revision raised by its new rows at once
    and the trigger put back as it was (its own text). A failure rolls all of it back with the rows."""
    name = f"{table}_revision_ai"
    found = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [name]).fetchone()
    if table not in M004_OWNERS or found is None:
        yield
        return
    column, owner = M004_OWNERS[table]
    last = db.execute(f'SELECT ifnull(max(rowid), 0) FROM "{table}"').fetchone()[0]
    db.execute(f'DROP TRIGGER "{name}"')
    yield
    new = f'FROM "{table}" c WHERE c."{column}" = "{owner}".id AND c.rowid > ?'
    db.execute(f'UPDATE "{owner}" SET revision = revision + (SELECT COUNT(*) {new}) WHERE EXISTS (SELECT 1 {new})',
               [last, last])
    db.execute(found[0])
