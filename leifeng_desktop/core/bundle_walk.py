"""The one walk over a data bundle that preview and apply share (core.bundle_merge): each incoming row validated,
its references checked, matched with this file's record (by id; units and working groups by name) and classified by
the rules of core.bundle_plan; then the incoming deletions. Nothing is written here."""
from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from . import oplog_changes as ch
from . import schema as s
from . import sealed
from .bundle_checks import is_time, is_uuid, printable
from .bundle_file import BundleRefused
from .bundle_plan import (
    BY_NAME,
    CHANGED,
    CHUNK,
    CONFLICT,
    DELETED,
    IN_CHUNK,
    LOCAL_DELETED,
    NEW,
    REMOTE_DELETED,
    SENDER_KINDS,
    UNCHANGED,
    Conflict,
    Decisions,
    FieldChoice,
    Gone,
    Item,
    Need,
    Row,
    TypeCounts,
    check_need,
    choosable,
    compared,
    kept,
    label_of,
    later,
    own_keys,
    same,
    tally,
)
from .formatting import display
from .validation import ValidationError

if TYPE_CHECKING:
    from .bundle_file import BundleReader
    from .store import Store


def select_in(store: Store, sql: str, ids: list[str], *params: Any) -> list[Row]:
    """`sql` with one `{marks}` for the ids, run per IN_CHUNK ids; params go before the ids."""
    out: list[Row] = []
    for i in range(0, len(ids), IN_CHUNK):
        part = ids[i:i + IN_CHUNK]
        out += [dict(r) for r in store.db.query(sql.format(marks=", ".join("?" * len(part))), [*params, *part])]
    return out


def chunked(rows: Iterator[Row], size: int = CHUNK) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _another_id(type_key: str, row: Mapping[str, Any]) -> str:
    """The id of a unit or group whose own id is another's here (a group renamed after the city's settings gave it
    its id): the same for every walk over the bundle, so the visits mapped onto it in the preview still find it."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"leifeng-bundle/{type_key}/{row['id']}/{row['name']}"))


class Stored:
    """The stored rows of one walk, kept for the next walk over the same bundle (import_bundle's preview, then its
    apply: each row validated once), up to LIMIT rows; a bigger bundle is read and validated again."""
    LIMIT = 25_000

    def __init__(self) -> None:
        self.chunks: dict[str, list[list[Row]]] = {}
        self.count, self.full, self.over = 0, False, False

    def keep(self, type_key: str, rows: list[Row]) -> None:
        if self.over:
            return
        self.count += len(rows)
        if self.count > self.LIMIT:
            self.over, self.chunks = True, {}
            return
        self.chunks.setdefault(type_key, []).append(rows)

    def done(self) -> None:
        """The walk read every row: the next one takes them from here."""
        self.full = not self.over


# -- the walk -------------------------------------------------------------------------------------------------------
class Walk:
    """One pass over a bundle's records and deletions against this file (nothing written). `items(type_key)`
    yields the classified records chunk by chunk, `gone()` the deletions; counts and conflicts add up meanwhile."""

    def __init__(self, store: Store, reader: BundleReader, name: str, rows: Stored | None = None,
                 decisions: Decisions | None = None):
        self.store, self.reader, self.name = store, reader, name
        self.decisions = decisions    # apply's (a record whose parent stays deleted refused before its write)
        self.rows = rows    # the rows as stored: kept by a first walk (rows.keep), given again to the next
        self.keys = [store.keys] if store.keys is not None else []
        self.group_map: dict[str, str] = {}           # incoming working_group id → local id
        self.ids: dict[str, set[str]] = {}             # incoming ids per type (references, deletions)
        self.counts = {k: TypeCounts() for k in s.RECORD_TYPES}
        self.conflicts: list[Conflict] = []
        self.unit_names: set[str] = set()               # the bundle's units
        self.deleted_here: dict[str, dict[str, tuple[str, bool]]] = {}   # type → id → (naming, back if kept)
        self.needs: list[Need] = []

    # -- refusals ----------------------------------------------------------------------------------------------
    def refuse(self, text: str) -> BundleRefused:
        return BundleRefused(f"“{self.name}”中{text}，已拒绝整个数据包")

    def naming(self, rt: s.RecordType, row: Mapping[str, Any]) -> str:
        value = row.get(rt.title)
        f = rt.field(rt.title)
        if value in (None, "") or f.type == s.REF or f.sensitive:
            return f"{rt.label}（编号 {printable(row.get('id') or '', 9)}）"
        return f"{rt.label}“{printable(ch.scrub(str(value)))}”"

    # -- one incoming row as it would be stored ----------------------------------------------------------------
    def stored(self, rt: s.RecordType, r: Mapping[str, Any]) -> Row:
        """The row in its stored form (plain values), validated; group ids mapped. BundleRefused names it."""
        extra = r.keys() - compared(rt)
        if extra:
            odd = printable("、".join(sorted(map(str, extra))), 80)
            raise self.refuse(f"{self.naming(rt, r)}含有本程序不认识的字段（{odd}）")
        for key, good in (("id", is_uuid), ("created_at", is_time), ("updated_at", is_time)):
            if not good(r.get(key)):
                raise self.refuse(f"{self.naming(rt, r)}的{label_of(rt, key)}无效")
        values = {k: r[k] for k in own_keys(rt) if k in r}
        if "group_id" in values and values["group_id"] in self.group_map:
            values["group_id"] = self.group_map[values["group_id"]]
        try:
            clean = self.store.prepare(rt, values, stored=values)
        except ValidationError as exc:
            key, message = next(iter(exc.errors.items()))
            what = label_of(rt, key) if key in rt.keys else "内容"
            raise self.refuse(f"{self.naming(rt, r)}的{what}：{printable(message, 200)}") from None
        row: Row = dict.fromkeys(compared(rt))
        row.update(id=r["id"], unit=r.get("unit"), created_at=r["created_at"], updated_at=r["updated_at"])
        row.update(clean)
        if not isinstance(row["unit"], (str, type(None))):
            raise self.refuse(f"{self.naming(rt, r)}的填报单位无效")
        return row

    def check_references(self, rt: s.RecordType, rows: list[Row]) -> None:
        """Every reference points at a record in the bundle or here, else the bundle is refused by name."""
        for f in rt.fields:
            if f.type != s.REF:
                continue
            theirs = self.ids.get(f.target, set())
            wanted = sorted({r[f.key] for r in rows if r.get(f.key) and r[f.key] not in theirs})
            if not wanted:
                continue
            here = {x["id"] for x in select_in(self.store, f'SELECT id FROM "{f.target}" WHERE id IN ({{marks}})',
                                               wanted)}
            for r in rows:
                if r.get(f.key) and r[f.key] not in theirs and r[f.key] not in here:
                    hint = "；请对方导出全部记录（不限起始日期）后再导入" if self.reader.manifest.since else ""
                    raise self.refuse(f"{self.naming(rt, r)}的{f.label}不存在（既不在数据包中，也不在本数据库中）"
                                      f"{hint}")

    def check_files(self, rows: list[Row]) -> None:
        """An attachment row names a photo or a document (no program a click would run) and needs its file: here
        already or in the bundle."""
        from . import attachments
        parts = self.reader.manifest.parts
        for r in rows:
            if not attachments.allowed(r["name"]):
                raise self.refuse(f"附件“{printable(r['name'])}”不是可导入的附件类型"
                                  f"（只能是{attachments.ALLOWED_KINDS}）；请对方删除该附件后重新导出")
            try:
                here = attachments.file_path(self.store, r).is_file()
            except attachments.AttachmentError:
                raise self.refuse(f"附件“{printable(r.get('name'))}”的内容摘要无效") from None
            if not here and f"attachments/{r['sha256']}" not in parts:
                raise self.refuse(f"附件“{printable(r.get('name'))}”的文件不在数据包中")

    # -- records -----------------------------------------------------------------------------------------------
    def items(self, type_key: str) -> Iterator[list[Item]]:
        rt = s.record_type(type_key)
        seen = self.ids.setdefault(type_key, set())
        for rows in self.chunks(rt):
            if type_key in BY_NAME:
                yield self._by_name(rt, rows)
                continue
            seen.update(r["id"] for r in rows)
            self.check_references(rt, rows)
            if type_key == "attachment":
                self.check_files(rows)
            yield self._by_id(rt, rows)

    def chunks(self, rt: s.RecordType) -> Iterator[list[Row]]:
        """The incoming rows in their stored form, validated, chunk by chunk: from the bundle, or as a walk over
        the same bundle kept them."""
        rows = self.rows
        if rows is not None and rows.full:
            yield from rows.chunks.get(rt.key, [])
            return
        for batch in chunked(self.reader.records(rt.key)):
            stored = [self.stored(rt, r) for r in batch]
            if rows is not None:
                rows.keep(rt.key, stored)
            yield stored

    def sender_unit(self) -> list[Item]:
        """The sending unit as a unit that must report, when neither this file nor the bundle has it."""
        m = self.reader.manifest
        if m.sender_unit in self.unit_names or self.store.count("unit", where="name = ?", params=[m.sender_unit]):
            return []
        from .store import new_id, now_iso
        kind = SENDER_KINDS.get(m.sender_kind)
        stamp = now_iso()
        row = {**dict.fromkeys(compared(s.record_type("unit"))), "id": new_id(), "unit": m.sender_unit,
               "created_at": stamp, "updated_at": stamp, "name": m.sender_unit, "kind": kind, "expected": 1}
        self.counts["unit"].new += 1
        return [Item("unit", row, None, NEW, fresh=True)]

    def _by_name(self, rt: s.RecordType, rows: list[Row]) -> list[Item]:
        """Units and working groups: a known name is left as this file has it, an unknown one added."""
        names = sorted({r["name"] for r in rows})
        local = {x["name"]: x for x in select_in(self.store, f'SELECT id, name FROM "{rt.key}" WHERE name IN '
                                                             "({marks})", names)}
        taken = {x["id"] for x in select_in(self.store, f'SELECT id FROM "{rt.key}" WHERE id IN ({{marks}})',
                                            [r["id"] for r in rows])}
        out, counts = [], self.counts[rt.key]
        for r in rows:
            if r["name"] in local:
                mapped = local[r["name"]]["id"]
                out.append(Item(rt.key, r, local[r["name"]], UNCHANGED))
                counts.unchanged += 1
            else:
                mapped = _another_id(rt.key, r) if r["id"] in taken else r["id"]
                row = {**r, "id": mapped, **({"expected": 1} if rt.key == "unit" else {})}
                local[r["name"]] = row
                out.append(Item(rt.key, row, None, NEW, fresh=True))
                counts.new += 1
            if rt.key == "working_group":
                self.group_map[r["id"]] = mapped
            else:
                self.unit_names.add(r["name"])
            self.ids.setdefault(rt.key, set()).add(mapped)
        return out

    def _by_id(self, rt: s.RecordType, rows: list[Row]) -> list[Item]:
        ids = [r["id"] for r in rows]
        local = {x["id"]: sealed.open_row(rt, x, self.keys)
                 for x in select_in(self.store, f'SELECT * FROM "{rt.key}" WHERE id IN ({{marks}})', ids)}
        base = self.baselines(rt.key, ids)
        tomb = {x["record_id"]: x["deleted_at"] for x in select_in(
            self.store, "SELECT record_id, deleted_at FROM tombstone WHERE type_key = ? AND record_id IN ({marks})",
            ids, rt.key)}
        out = []
        for r in rows:
            item = self.classify(rt, r, local.get(r["id"]), base.get(r["id"]), tomb.get(r["id"]))
            tally(self.counts[rt.key], item.verdict)
            if item.conflict is not None:
                self.conflicts.append(item.conflict)
            if item.local is None and r["id"] in tomb and item.verdict in (UNCHANGED, CONFLICT):
                self.deleted_here.setdefault(rt.key, {})[r["id"]] = (self.naming(rt, r), item.verdict == CONFLICT)
            self.check_parents(rt, item)
            out.append(item)
        return out

    def check_parents(self, rt: s.RecordType, item: Item) -> None:
        """A record written (or written if so decided) whose parent is in the bundle but stays in this 回收站: a
        record written in any case is refused here; one that depends on a choice, when apply's choice writes it."""
        if item.verdict not in (NEW, CHANGED, CONFLICT):
            return
        c = item.conflict
        for f in rt.fields:
            value = item.row.get(f.key)
            held = self.deleted_here.get(f.target, {}).get(value) if f.type == s.REF and value else None
            if held is None:
                continue
            parent_name, pending = held
            if c is None and not pending:
                raise self.refuse(f"{self.naming(rt, item.row)}所关联的{parent_name}在本数据库的回收站中；"
                                  "请先在回收站中恢复它后再导入")
            need = Need(None if c is None else (c.type_key, c.record_id), "" if c is None or c.kind == "deleted"
                        else f.key, self.naming(rt, item.row), (f.target, item.row[f.key]), parent_name, pending)
            if self.decisions is not None:
                check_need(need, self.decisions, self.name)
            self.needs.append(need)

    def baselines(self, type_key: str, ids: list[str]) -> dict[str, str]:
        return {x["record_id"]: x["updated_at"] for x in select_in(
            self.store, "SELECT record_id, updated_at FROM bundle_baseline WHERE type_key = ? AND record_id IN "
                        "({marks})", ids, type_key)}

    def classify(self, rt: s.RecordType, r: Row, here: Row | None, b: str | None, t: str | None) -> Item:
        if here is None:
            if t is not None and b is not None and r["updated_at"] == b:
                return Item(rt.key, r, None, UNCHANGED)          # deleted here since; unchanged there
            if t is not None and (b is not None or later(t, r["updated_at"])):
                return Item(rt.key, r, None, CONFLICT, self.deletion_conflict(rt, r, t, LOCAL_DELETED), fresh=True)
            return Item(rt.key, r, None, NEW, fresh=True)
        if all(same(here.get(k), r[k]) for k in compared(rt)):
            return Item(rt.key, r, here, UNCHANGED)
        if b is not None:
            mine, theirs = here["updated_at"] != b, r["updated_at"] != b
            if mine and theirs and any(not same(here.get(k), r.get(k)) for k in choosable(rt)):
                return Item(rt.key, r, here, CONFLICT, self.change_conflict(rt, r, here))
            if mine and theirs:
                return Item(rt.key, r, here, UNCHANGED)   # both changed, to the same values: nothing to decide
            return Item(rt.key, r, here, CHANGED if theirs else UNCHANGED)
        if any(not same(here.get(k), r.get(k)) for k in choosable(rt)):   # never received: this file's own
            return Item(rt.key, r, here, CONFLICT, self.change_conflict(rt, r, here), own=True)
        return Item(rt.key, r, here, UNCHANGED, own=True)

    def change_conflict(self, rt: s.RecordType, r: Row, here: Row) -> Conflict:
        keys = [k for k in choosable(rt) if not same(here.get(k), r.get(k))]
        titles = ch.titles(self.store.db, ch.ref_ids(rt, [here, r]))
        fields = [FieldChoice(k, label_of(rt, k), shown(rt.field(k), here.get(k), titles),
                              shown(rt.field(k), r.get(k), titles)) for k in keys]
        return Conflict(rt.key, r["id"], self.title(rt, here, titles), "changed", fields, here["updated_at"],
                        r["updated_at"])

    def deletion_conflict(self, rt: s.RecordType, row: Row, deleted_at: str, reason: str) -> Conflict:
        titles = ch.titles(self.store.db, ch.ref_ids(rt, [row]))
        mine, theirs = (row["updated_at"], deleted_at) if reason == REMOTE_DELETED else (deleted_at, row["updated_at"])
        return Conflict(rt.key, row["id"], self.title(rt, row, titles), "deleted", [], mine, theirs, reason)

    @staticmethod
    def title(rt: s.RecordType, row: Row, titles: Mapping[str, str]) -> str:
        return ch.title_of(rt, row, titles) or rt.label

    # -- deletions ---------------------------------------------------------------------------------------------
    def gone(self) -> list[Gone]:
        """The incoming deletions of records this file has, parents first (one 回收站 entry takes the children)."""
        from .trash_rows import rank
        wanted: dict[str, dict[str, str]] = {}
        for d in self.reader.deleted():
            key, record_id = d.get("type_key"), d.get("record_id")
            if key not in s.RECORD_TYPES or key in BY_NAME or not isinstance(record_id, str):
                continue   # a unit or working group is this file's own list
            if not is_time(d.get("deleted_at")):    # compared with this file's times: a forged one would win
                raise self.refuse(f"{s.record_type(key).label}（编号 {printable(record_id, 9)}）的删除时间无效")
            if record_id in self.ids.get(key, ()):
                continue   # alive in the bundle
            wanted.setdefault(key, {})[record_id] = d["deleted_at"]
        out: list[Gone] = []
        for key in sorted(wanted, key=rank):
            rt, ids = s.record_type(key), sorted(wanted[key])
            local = {x["id"]: sealed.open_row(rt, x, self.keys)
                     for x in select_in(self.store, f'SELECT * FROM "{key}" WHERE id IN ({{marks}})', ids)}
            base = self.baselines(key, ids)
            for record_id in ids:
                here, at = local.get(record_id), wanted[key][record_id]
                b = base.get(record_id)
                if here is None or b is None or b == kept(at):
                    continue   # not here, never received from a bundle (this file's own), or kept before
                if not later(here["updated_at"], at) or here["updated_at"] == b:
                    out.append(Gone(key, record_id, at, DELETED))
                    self.counts[key].deleted += 1
                    continue
                conflict = self.deletion_conflict(rt, here, at, REMOTE_DELETED)
                self.conflicts.append(conflict)
                self.counts[key].conflicts += 1
                out.append(Gone(key, record_id, at, CONFLICT, conflict))
        return out


def check_minutes(store: Store, name: str, activity_ids: set[str]) -> None:
    """Inside apply, after the writes: no participant of an activity written or joined has more minutes than the
    activity lasts (core.record_rules' rule, checked once per activity here as a merge of decided fields could
    break it). BundleRefused names the activity; the transaction rolls back."""
    from .record_rules import activity_minutes, minutes_problem
    ids = sorted(activity_ids)
    for row in select_in(store, "SELECT a.title, a.starts_at, a.ends_at, MAX(p.minutes) AS most FROM activity a "
                                "JOIN participant p ON p.activity_id = a.id WHERE a.id IN ({marks}) GROUP BY a.id",
                         ids):
        problem = minutes_problem(row["most"], activity_minutes(row))
        if problem:
            raise BundleRefused(f"“{name}”中活动《{row['title']}》的参加人员{problem}，已拒绝整个数据包")


def shown(field: s.Field, value: Any, titles: Mapping[str, str]) -> str:
    """A value of a conflict as the clerk decides it, in the window: sensitive ones in full (two masks, or two
    （已隐去）, of a health note or a bank card could not be told apart), the rest as the 操作日志 writes them."""
    if field.sensitive and value not in (None, ""):
        return display(field, value, reveal=True)
    return ch.value_text(field, value, titles)
