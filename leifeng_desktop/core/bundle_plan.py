"""What merging a data bundle would do (issue 17), record by record: the plan's dataclasses, the rules, the
decisions. The walk over a bundle that applies the rules is core.bundle_walk; the writing, core.bundle_merge.

Identity is the record's id, except units and working groups, known by name: an incoming group that has a local one
of its name maps onto it and the incoming rows' `group_id` are rewritten to the local id. Every incoming row is
validated (Store.prepare; a choice value the sending file had is kept, as for a stored record) and its references
must point at a record in the bundle or here; a row that fails either refuses the whole bundle, naming the record.

Per record (incoming r, local l, baseline b = the updated_at r had when last merged, tombstone t):
    l equal to r in every column → unchanged;
    b: both changed since → conflict, only r → changed, only l → unchanged (kept);
    no b (never received from a bundle: this file's own record) → a conflict, never changed silently;
    no l, deleted here (t): b == r.updated_at → unchanged (stays deleted); b, or t newer than r → conflict
    “本地已删除”; else (and no t) → new.
A record written whose parent stays in this 回收站 is refused (a Need when it depends on a decision).
A deletion of l: no b → ignored (this file's own); l.updated_at ≤ deleted_at or l unchanged since b → deleted, a
deletion kept before (b == kept(deleted_at)) → nothing, else conflict “对方已删除，本地有修改”.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema as s
from .bundle_checks import BundleRefused, file_label
from .errors import UserError

if TYPE_CHECKING:
    from .bundle_file import Manifest

Row = dict[str, Any]
CHUNK = 2000            # incoming rows looked up, validated and written together
IN_CHUNK = 500          # ids per IN (…)
BY_NAME = ("unit", "working_group")
META = ("id", "unit", "created_at", "updated_at")
NEW, CHANGED, UNCHANGED, CONFLICT, DELETED = "new", "changed", "unchanged", "conflict", "deleted"
MINE, THEIRS, DELETE, KEEP = "mine", "theirs", "delete", "keep"
# 本单位类型 (settings) → the 单位类型 of a unit record
SENDER_KINDS = {"市总工会": "市总工会", "区县总工会": "区县工会", "产业工会": "产业工会", "基层工会": "基层工会"}
REMOTE_DELETED, LOCAL_DELETED = "对方已删除，本地有修改", "本地已删除，数据包中有此记录"
Decisions = Mapping[tuple[str, str], Mapping[str, str]]   # (type_key, record_id) → {field_key: mine|theirs}
                                                          # a deletion conflict: {"": delete|keep}


class ConflictsUndecided(UserError):
    """apply() met a conflict the clerk has not decided; nothing was written."""


@dataclass
class FieldChoice:
    key: str
    label: str
    mine: str       # the values as a clerk reads them (in the window: sensitive ones in full)
    theirs: str


@dataclass
class Conflict:
    type_key: str
    record_id: str
    title: str
    kind: str                      # "changed" | "deleted"
    fields: list[FieldChoice]
    mine_updated_at: str | None
    theirs_updated_at: str | None
    reason: str = ""               # a deletion conflict: which side deleted (REMOTE_DELETED / LOCAL_DELETED)


@dataclass(frozen=True)
class Need:
    """A record of the bundle that needs a parent deleted here: `child` its conflict ((type_key, id); None: it is
    written in any case) and `field_key` the choice that writes it ("" for a deletion conflict); `pending`: the
    parent is itself a 本地已删除 conflict (back when kept), else it stays in this 回收站."""
    child: tuple[str, str] | None
    field_key: str
    child_name: str
    parent: tuple[str, str]
    parent_name: str
    pending: bool


@dataclass
class TypeCounts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    conflicts: int = 0
    deleted: int = 0


@dataclass
class MergePlan:
    path: Path
    manifest: Manifest
    counts: dict[str, TypeCounts]
    conflicts: list[Conflict]
    already_imported: str | None     # imported_at of the same bundle_id here, else None
    needs: list[Need] = field(default_factory=list)    # checked against the decisions before the backup


class MergeCancelled(UserError):
    """The clerk cancelled; raised inside the transaction, so nothing is written."""


@dataclass
class MergeResult:
    path: Path
    manifest: Manifest
    counts: dict[str, TypeCounts]
    backup: Path | None
    already_imported: str | None
    dry_run: bool = False
    conflicts: int = 0

    def line(self) -> str:
        """One Chinese report line: “X.lfx：新增 120 条，更新 3 条，删除 1 条，未变 5 条”."""
        name = file_label(self.path)
        if self.already_imported:
            return f"“{name}”已导入过（{_when(self.already_imported)}），没有变化"
        total = summary_counts(self.counts)
        parts = [f"新增 {total.new} 条", f"更新 {total.changed} 条", f"删除 {total.deleted} 条",
                 f"未变 {total.unchanged} 条"]
        if total.conflicts:
            parts.append(f"冲突 {total.conflicts} 处" + ("" if self.dry_run else "（已按选择处理）"))
        head = f"“{name}”（{self.manifest.sender_unit}）"
        return head + ("试导入，未写入：" if self.dry_run else "：") + "，".join(parts)


@dataclass
class Arrival:
    unit: str
    imported_at: str
    records: int
    file_name: str
    bundle_created_at: str


def _when(stamp: str) -> str:
    try:
        return dt.datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(stamp)


@dataclass
class Item:
    """One incoming record against this file: its stored form (plain values), the local row, the verdict."""
    type_key: str
    row: Row
    local: Row | None
    verdict: str
    conflict: Conflict | None = None
    fresh: bool = False              # no local row: written as an insert (a tombstone of its id goes)
    own: bool = False                # a local row never received from a bundle: no baseline is kept for it


@dataclass
class Gone:
    """One incoming deletion of a local record."""
    type_key: str
    record_id: str
    deleted_at: str
    verdict: str
    conflict: Conflict | None = None


# -- small helpers --------------------------------------------------------------------------------------------------
def later(a: str | None, b: str | None) -> bool:
    """a is after b (ISO times with or without zone; unreadable ones compared as text)."""
    if not a or not b:
        return bool(a) and not b
    try:
        x, y = dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)
        if (x.tzinfo is None) != (y.tzinfo is None):
            x, y = x.replace(tzinfo=None), y.replace(tzinfo=None)
        return x > y
    except ValueError:
        return a > b


def _empty(value: object) -> bool:
    return value is None or value == ""


def same(a: object, b: object) -> bool:
    return a == b or (_empty(a) and _empty(b))


@functools.cache
def compared(rt: s.RecordType) -> tuple[str, ...]:
    """The columns a bundle row carries (no revision, no shadow columns)."""
    return META + tuple(k for k in rt.keys if k not in META)


@functools.cache
def own_keys(rt: s.RecordType) -> tuple[str, ...]:
    """The record type's fields (RecordType.keys, made once: it is asked per row)."""
    return rt.keys


def choosable(rt: s.RecordType) -> tuple[str, ...]:
    """The columns a conflict is decided on, field by field (ids and times are not)."""
    return ("unit", *(k for k in rt.keys if k != "unit"))


def label_of(rt: s.RecordType, key: str) -> str:
    return rt.field(key).label


def kept(deleted_at: str) -> str:
    """The baseline of a record whose deletion in the bundle the clerk declined: that deletion is not asked again."""
    return f"kept:{deleted_at}"


def decided(conflict: Conflict, decisions: Decisions | None) -> dict[str, str]:
    """The clerk's choice for every field of the conflict (ConflictsUndecided when one is missing)."""
    chosen = dict((decisions or {}).get((conflict.type_key, conflict.record_id), {}))
    if conflict.kind == "deleted":
        if chosen.get("") not in (DELETE, KEEP):
            raise ConflictsUndecided(f"{s.record_type(conflict.type_key).label}“{conflict.title}”的冲突尚未处理"
                                     "（删除或保留），未导入任何数据")
        return chosen
    missing = [f.label for f in conflict.fields if chosen.get(f.key) not in (MINE, THEIRS)]
    if missing:
        raise ConflictsUndecided(f"{s.record_type(conflict.type_key).label}“{conflict.title}”的"
                                 f"{'、'.join(missing)}尚未选择保留本地还是采用数据包，未导入任何数据")
    return chosen


def check_need(need: Need, decisions: Decisions | None, name: str) -> None:
    """BundleRefused when, as decided, the record is written and its parent stays in this 回收站 (a row whose
    parent is missing cannot be stored): one sentence naming both and the way out."""
    chosen = decisions or {}
    if need.child is not None and chosen.get(need.child, {}).get(need.field_key) not in (KEEP, THEIRS):
        return     # the clerk keeps this file's side: the record is not written
    if need.pending and chosen.get(need.parent, {}).get("") == KEEP:
        return     # the parent comes back too
    head = f"“{name}”中{need.child_name}所关联的{need.parent_name}在本数据库的回收站中"
    if need.pending:
        way = f"请对{need.parent_name}选择采用数据包，或先在回收站中恢复它"
    else:
        way = f"请先在回收站中恢复{need.parent_name}" + ("" if need.child is None else
                                                         f"，或对{need.child_name}保留本地（不采用数据包）")
    raise BundleRefused(f"{head}：{way}，未导入任何数据")


def everything(conflicts: list[Conflict], side: str) -> dict[tuple[str, str], dict[str, str]]:
    """Decisions taking one side for every conflict: mine (this file's values, its deletions) or theirs."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for c in conflicts:
        if c.kind == "deleted":
            theirs_deleted = c.reason == REMOTE_DELETED
            out[(c.type_key, c.record_id)] = {"": DELETE if theirs_deleted == (side == THEIRS) else KEEP}
        else:
            out[(c.type_key, c.record_id)] = {f.key: side for f in c.fields}
    return out


def tally(counts: TypeCounts, verdict: str) -> None:
    name = "conflicts" if verdict == CONFLICT else verdict
    setattr(counts, name, getattr(counts, name) + 1)


def summary_counts(counts: Mapping[str, TypeCounts]) -> TypeCounts:
    total = TypeCounts()
    for c in counts.values():
        for k in ("new", "changed", "unchanged", "conflicts", "deleted"):
            setattr(total, k, getattr(total, k) + getattr(c, k))
    return total
