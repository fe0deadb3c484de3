"""Merging a sub-union's data bundle (.lfx) into this file (issue 17): preview, apply, import_bundle, arrivals.

    preview(store, path, passphrase=)           → MergePlan: counts per record type and the conflicts; writes nothing
    apply(store, plan, passphrase=, decisions=)  → MergeResult: all or nothing, after a 合并前 backup
    import_bundle(store, path, …)               → preview + apply in one call (the CLI, per file)
    arrivals(store)                              → per sender unit, its last bundle (the dashboard, the 数据包 tab)

Every check (the container's in core.bundle_file, then kind, year, sender, each row's validation and references,
attachment files) runs before the backup and before anything is written: a refused bundle leaves the database and
the attachment folder as they were. Apply writes in one transaction, per record type and chunk with one executemany
(rows validated by Store.prepare and sealed with this file's key), moves deleted records into this 回收站
(trash.move: they can be restored), keeps a baseline per record (the next bundle's conflicts), records the bundle
(bundle_import), a 数据包 submission for the sender and one 操作日志 entry. Attachment files are copied into the
attachments folder inside apply and removed again when it rolls back. The rules per record: core.bundle_plan.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import attachments, backup, errors, oplog, private_files, sealed, trash, vault
from . import schema as s
from .bundle_checks import check_kind, file_label
from .bundle_export import TYPE_ORDER
from .bundle_file import DATA, BundleReader, BundleRefused, Manifest
from .bundle_plan import (
    BY_NAME,
    CHANGED,
    CONFLICT,
    KEEP,
    NEW,
    THEIRS,
    Arrival,
    ConflictsUndecided,
    Decisions,
    Gone,
    Item,
    MergeCancelled,
    MergePlan,
    MergeResult,
    TypeCounts,
    check_need,
    compared,
    decided,
    everything,
    kept,
    summary_counts,
)
from .bundle_walk import Stored, Walk, check_minutes
from .store import Store, new_id, now_iso
from .validation import ValidationError

__all__ = ["Arrival", "ConflictsUndecided", "Decisions", "MergeCancelled", "MergePlan", "MergeResult",
           "TypeCounts", "apply", "arrivals", "import_bundle", "preview", "submission_day"]
log = logging.getLogger(__name__)
Progress = Callable[[int, int], None] | None
Cancelled = Callable[[], bool] | None
MATERIAL = "数据包"
_BASELINE = "INSERT OR REPLACE INTO bundle_baseline (type_key, record_id, sender_db, updated_at) VALUES (?, ?, ?, ?)"


# -- checks before anything -----------------------------------------------------------------------------------------
def _check(store: Store, m: Manifest, path: Path) -> None:
    """The merge's own refusals (the container's are core.bundle_file's), each one sentence naming the file."""
    check_kind(m, DATA, path)
    name = file_label(path)
    if store.locked:
        raise BundleRefused(f"“{store.path.name}”已加密，请先解锁（输入密码）后再导入数据包“{name}”")
    year = store.settings.get("year")
    if str(m.year) != str(year):
        raise BundleRefused(f"“{name}”是 {m.year} 年度的数据包，本数据库是 {year} 年度")
    if m.sender_db == vault.database_id(store) and m.sender_unit == store.our_unit():
        raise BundleRefused(f"“{name}”是本数据库自己导出的数据包，不能导入本数据库")
    if not isinstance(m.sender_unit, str) or not m.sender_unit.strip():
        raise BundleRefused(f"“{name}”的清单未写明报送单位，已拒绝")


def _already(store: Store, bundle_id: str) -> str | None:
    row = store.db.execute("SELECT imported_at FROM bundle_import WHERE bundle_id = ?", [bundle_id]).fetchone()
    return row[0] if row else None


class _Ticker:
    """progress(done, total) per chunk; a cancel between chunks raises MergeCancelled."""

    def __init__(self, m: Manifest, name: str, progress: Progress, cancelled: Cancelled, what: str):
        self.total = max(1, m.total_records + m.deleted)
        self.done, self.progress, self.cancelled, self.name, self.what = 0, progress, cancelled, name, what

    def __call__(self, n: int = 0) -> None:
        if self.cancelled is not None and self.cancelled():
            raise MergeCancelled(f"已取消{self.what}“{self.name}”，数据库未作任何修改")
        self.done = min(self.total, self.done + n)
        if self.progress is not None:
            self.progress(self.done, self.total)


def _walk(walk: Walk, tick: _Ticker, on_items: Callable[[list[Item]], None] | None = None) -> list[Gone]:
    tick()
    for key in TYPE_ORDER:
        for items in walk.items(key):
            if on_items is not None:
                on_items(items)
            tick(len(items))
        if key == "unit" and on_items is not None:
            on_items(walk.sender_unit())
        elif key == "unit":
            walk.sender_unit()
    gone = walk.gone()
    tick(walk.reader.manifest.deleted)
    return gone


def _counts(walk: Walk) -> dict[str, TypeCounts]:
    return {k: c for k, c in walk.counts.items() if c != TypeCounts()}


# -- preview --------------------------------------------------------------------------------------------------------
def preview(store: Store, path: str | os.PathLike[str], *, passphrase: str | None = None, progress: Progress = None,
            cancelled: Cancelled = None) -> MergePlan:
    """What merging the bundle would do, per record type, and the conflicts to decide. Writes nothing; every
    refusal (BundleRefused, NeedsPassphrase, WrongPassphrase) is raised here already."""
    path = Path(path)
    with BundleReader(path, passphrase=passphrase) as reader:
        return _preview(store, reader, path, progress, cancelled)


def _preview(store: Store, reader: BundleReader, path: Path, progress: Progress, cancelled: Cancelled,
             rows: Stored | None = None) -> MergePlan:
    m = reader.manifest
    name = file_label(path)
    _check(store, m, path)
    already = _already(store, m.bundle_id)
    if already:
        return MergePlan(path, m, {}, [], already)
    walk = Walk(store, reader, name, rows)
    with store.settings.fixed_choices():
        _walk(walk, _Ticker(m, name, progress, cancelled, "预览数据包"))
    if rows is not None:
        rows.done()
    return MergePlan(path, m, _counts(walk), walk.conflicts, None, walk.needs)


# -- apply ----------------------------------------------------------------------------------------------------------
def apply(store: Store, plan: MergePlan, *, passphrase: str | None = None, decisions: Decisions | None = None,
          progress: Progress = None, cancelled: Cancelled = None) -> MergeResult:
    """Merge the bundle as previewed, conflicts as decided (ConflictsUndecided when one is not): all or nothing,
    after a 合并前 backup. The same bundle again changes nothing (already_imported)."""
    with BundleReader(plan.path, passphrase=passphrase) as reader:
        if reader.manifest.bundle_id != plan.manifest.bundle_id:
            raise BundleRefused(f"“{file_label(plan.path)}”在预览之后已被替换，请重新预览后再导入")
        return _apply(store, reader, plan, decisions, progress, cancelled)


def _apply(store: Store, reader: BundleReader, plan: MergePlan, decisions: Decisions | None, progress: Progress,
           cancelled: Cancelled, rows: Stored | None = None) -> MergeResult:
    path, name, m = plan.path, file_label(plan.path), reader.manifest
    if store.read_only:
        raise errors.StoreError(errors.read_only_message(store.path))
    _check(store, m, path)
    already = _already(store, m.bundle_id)
    if already:
        return MergeResult(path, m, {}, None, already)
    for conflict in plan.conflicts:
        decided(conflict, decisions)
    for need in plan.needs:
        check_need(need, decisions, name)
    made = backup.backup_before(store.path, backup.MERGE, f"“{name}”未导入任何数据").path
    writer = _Writer(store, reader, name, decisions)
    try:
        with store.transaction(), store.settings.fixed_choices():
            walk = Walk(store, reader, name, rows, decisions or {})
            gone = _walk(walk, _Ticker(m, name, progress, cancelled, "导入数据包"), writer.records)
            writer.deletions(gone)
            counts = _counts(walk)
            writer.finish(counts)
    except BaseException:
        writer.remove_copies()
        raise
    return MergeResult(path, m, counts, made, None, conflicts=len(walk.conflicts))


def import_bundle(store: Store, path: str | os.PathLike[str], *, passphrase: str | None = None,
                  on_conflict: str | None = None, dry_run: bool = False) -> MergeResult:
    """Preview and apply one bundle (the CLI's call per file), the bundle opened once and each row validated
    once. Conflicts take `on_conflict` ("mine": this file's values, "theirs": the bundle's) for every field; none
    given and conflicts found → ConflictsUndecided. `dry_run`: the preview's counts only, nothing written."""
    if on_conflict not in (None, "mine", "theirs"):
        raise ValueError(f"on_conflict must be mine, theirs or None, not {on_conflict!r}")
    path = Path(path)
    with BundleReader(path, passphrase=passphrase) as reader:
        rows = None if dry_run else Stored()
        plan = _preview(store, reader, path, None, None, rows)
        if plan.already_imported or dry_run:
            return MergeResult(plan.path, plan.manifest, plan.counts, None, plan.already_imported,
                               dry_run=dry_run, conflicts=len(plan.conflicts))
        if plan.conflicts and on_conflict is None:
            raise ConflictsUndecided(f"“{file_label(path)}”中有 {len(plan.conflicts)} 处冲突需要决定，未导入任何数据；"
                                     "请在窗口中导入并逐项选择，"
                                     "或指定 --on-conflict mine（保留本地）或 theirs（采用数据包）")
        decisions = everything(plan.conflicts, on_conflict) if on_conflict else None
        return _apply(store, reader, plan, decisions, None, None, rows)


# -- arrivals -------------------------------------------------------------------------------------------------------
def arrivals(store: Store) -> dict[str, Arrival]:
    """Per sender unit, the last data bundle merged here: when, how many records it held, its file."""
    rows = store.db.execute(
        "SELECT sender_unit, imported_at, records, file_name, created_at FROM bundle_import b WHERE kind = ? AND "
        "rowid = (SELECT x.rowid FROM bundle_import x WHERE x.kind = b.kind AND x.sender_unit = b.sender_unit "
        "ORDER BY x.imported_at DESC, x.rowid DESC LIMIT 1) ORDER BY sender_unit", [DATA]).fetchall()
    return {r[0]: Arrival(r[0], r[1], int(r[2] or 0), r[3] or "", r[4]) for r in rows}


# -- writing --------------------------------------------------------------------------------------------------------
def _upsert_sql(rt: s.RecordType) -> tuple[list[str], str]:
    names = [f.key for f in rt.columns]
    cols = ", ".join(f'"{n}"' for n in names)
    sql = f'INSERT INTO "{rt.key}" ({cols}) VALUES ({", ".join("?" * len(names))})'
    if rt.key not in BY_NAME:
        sql += " ON CONFLICT(id) DO UPDATE SET " + ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
    return names, sql


@dataclass
class _Writer:
    """The writes of one apply, inside its transaction."""
    store: Store
    reader: BundleReader
    name: str
    decisions: Decisions | None
    copied: list[Path] = field(default_factory=list)
    made_dirs: list[Path] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    activities: set[str] = field(default_factory=set)    # whose participants' minutes are checked at the end

    def records(self, items: list[Item]) -> None:
        if not items:
            return
        rt = s.record_type(items[0].type_key)
        rows: list[dict[str, Any]] = []
        fresh: list[str] = []
        for item in items:
            row = self._resolved(rt, item)
            if row is not None:
                rows.append(row)
                if item.fresh:
                    fresh.append(row["id"])
        if rows:
            names, sql = _upsert_sql(rt)
            keys = self.store.keys
            stored = (sealed.seal_row(keys, rt, r) if keys is not None else r for r in rows)
            self.store.db.conn.executemany(sql, (tuple(r.get(n) for n in names) for r in stored))
            self.touched.add(rt.key)
            if rt.key in ("activity", "participant"):
                self.activities.update(r["id" if rt.key == "activity" else "activity_id"] for r in rows)
            if rt.key == "attachment":
                self._copy_files(rows)
        if rt.key in BY_NAME:
            return
        sender = self.reader.manifest.sender_db
        self.store.db.conn.executemany(_BASELINE, [(rt.key, i.row["id"], sender, i.row["updated_at"]) for i in items
                                                   if not i.own])
        if fresh:
            self.store.db.conn.executemany("DELETE FROM tombstone WHERE type_key = ? AND record_id = ?",
                                           [(rt.key, i) for i in fresh])

    def _resolved(self, rt: s.RecordType, item: Item) -> dict[str, Any] | None:
        """The row to write for one incoming record, None for none."""
        if item.verdict in (NEW, CHANGED):
            return item.row
        if item.verdict != CONFLICT or item.conflict is None:
            return None
        chosen = decided(item.conflict, self.decisions)
        if item.conflict.kind == "deleted":   # deleted here, in the bundle: keep it (again) or leave it deleted
            return item.row if chosen[""] == KEEP else None
        merged = {k: (item.local or {}).get(k) for k in compared(rt)}
        merged.update({k: item.row[k] for k, side in chosen.items() if side == THEIRS and k in merged})
        values = {k: merged[k] for k in rt.keys}
        try:
            merged.update(self.store.prepare(rt, values, stored=values))
        except ValidationError as exc:
            raise BundleRefused(f"“{self.name}”中{rt.label}“{item.conflict.title}”按所选合并后不能保存："
                                f"{exc}，未导入任何数据") from None
        merged["updated_at"] = now_iso()
        return merged

    def _copy_files(self, rows: list[dict[str, Any]]) -> None:
        """The files of new attachment rows, from the bundle into the attachments folder (none there yet)."""
        folder = attachments.attachments_dir(self.store)
        for row in rows:
            target = attachments.file_path(self.store, row)
            if target.is_file():
                continue
            for d in (folder, target.parent):
                if not d.is_dir():
                    private_files.make_dir(d)
                    self.made_dirs.append(d)
            temp = target.with_name(f"{attachments.TEMP_PREFIX}{target.name}")
            self.copied.append(temp)
            self.reader.copy_attachment(row["sha256"], temp)
            os.replace(temp, target)
            self.copied.append(target)

    def remove_copies(self) -> None:
        """After a rollback: the files this apply copied, and the folders it made."""
        for p in self.copied:
            try:
                p.unlink(missing_ok=True)
            except OSError:
                log.warning("attachment copy %s not removed after a failed merge", p, exc_info=True)
        for d in reversed(self.made_dirs):
            try:
                d.rmdir()
            except OSError:
                log.warning("folder %s not removed after a failed merge", d, exc_info=True)

    def deletions(self, gone: list[Gone]) -> None:
        """Deleted here into this 回收站 (restorable), or a deletion conflict kept: remembered as decided."""
        sender = self.reader.manifest.sender_db
        for g in gone:
            if g.verdict == CONFLICT and g.conflict is not None and decided(g.conflict, self.decisions)[""] == KEEP:
                self.store.db.execute(_BASELINE, [g.type_key, g.record_id, sender, kept(g.deleted_at)])
                continue
            if self.store.db.execute(f'SELECT 1 FROM "{g.type_key}" WHERE id = ?', [g.record_id]).fetchone():
                trash.move(self.store, g.type_key, g.record_id)   # else it went with its owner's entry just now
            self.touched.add(g.type_key)

    def finish(self, counts: dict[str, TypeCounts]) -> None:
        """The bundle recorded, the sender's 数据包 submission, one 操作日志 entry, the notices."""
        m, store = self.reader.manifest, self.store
        check_minutes(store, self.name, self.activities)
        total = summary_counts(counts)
        note = (f"数据包“{self.name}”，新增 {total.new} 条、更新 {total.changed} 条、删除 {total.deleted} 条、"
                f"未变 {total.unchanged} 条")
        day, today = submission_day(m.year)
        if day != today:
            note += f"；{today} 导入，按数据包年度记为 {day}"
        self._submission(m.sender_unit, note, day)
        store.db.execute(
            "INSERT INTO bundle_import (id, bundle_id, kind, sender_db, sender_unit, created_at, imported_at, "
            "file_name, records, counts, operator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [new_id(), m.bundle_id, m.kind, m.sender_db, m.sender_unit, m.created_at, now_iso(), self.name,
             m.total_records, json.dumps({k: vars(c) for k, c in counts.items()}, ensure_ascii=False),
             store.settings.get("operator") or None])
        changes = [oplog.change(s.record_type(k).label, "", _count_text(c)) for k, c in counts.items()
                   if k in s.RECORD_TYPES and _count_text(c)]
        changes.append(oplog.change("报送记录", "", f"新增 1 条（{m.sender_unit} 报送数据包）"))
        oplog.record(store, "import", "", None, title=f"导入数据包“{self.name}”（{m.sender_unit}）", changes=changes)
        for key in sorted(self.touched | {"submission"}):
            store.notify(key)

    def _submission(self, unit: str, note: str, day: str) -> None:
        rt = s.record_type("submission")
        values = {"unit": unit, "material": MATERIAL, "date": day, "methods": ["电子版"], "note": note}
        row = self.store.prepare(rt, values, stored=values)
        stamp = now_iso()
        row.update(id=new_id(), created_at=stamp, updated_at=stamp)
        self.store.db.table("submission").insert(row)


def submission_day(year: object, today: dt.date | None = None) -> tuple[str, str]:
    """(the 数据包 submission's date, today): today, but at most 31 December of the bundle's year, so a merge in
    January still counts in the campaign year the bundle reports on (reporting counts submissions by year)."""
    today = today or dt.date.today()
    try:
        last = dt.date(int(str(year)), 12, 31)
    except ValueError:
        last = today
    return min(today, last).isoformat(), today.isoformat()


def _count_text(c: TypeCounts) -> str:
    parts = [(c.new, "新增"), (c.changed, "更新"), (c.deleted, "删除"), (c.conflicts, "冲突")]
    return "，".join(f"{word} {n} 条" for n, word in parts if n)
