"""Settings bundles (issue 17): the city office sends the campaign's settings down to the sub-unions.

What travels: the campaign settings every office shares (SHARED_KEYS: city, year, targets, deadlines, the reply
days), every choice list, the units that must report and the working groups (rows as bundle_export.bundle_rows
gives them). What stays: this office's own settings (LOCAL_KEYS: 本单位 and its level, 填表人, 负责人, 审核人,
联系电话, 主送机关, 回收站保留天数) and its 总结材料/实施方案 texts.

preview_settings reads and checks everything and writes nothing. apply_settings makes a 导入前 backup, then in one
transaction writes the settings through Settings.set, adds or updates units by name, and adopts the city's working
groups: a same-named local group gives way to the city's id (its visits re-pointed), so the sub-union's visits land
on the city's groups when its data bundle is merged there.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import backup, oplog, vault
from . import schema as s
from .bundle_checks import check_kind, file_label, printable
from .bundle_export import bundle_rows
from .bundle_file import SETTINGS, BundleReader, BundleRefused, Manifest, read_manifest
from .errors import StoreError, UserError, read_only_message
from .oplog_changes import setting_changes
from .settings import CAMPAIGN, CITY_LEVEL, FIXED_CHOICES, check_choice_list
from .store import Store, new_id, now_iso
from .validation import is_empty, normalize, validate

SETTINGS_PART = "settings.json"
LOCAL_KEYS = frozenset({"our_unit", "our_unit_kind", "operator", "leader", "reviewer", "contact_phone", "addressee",
                        "trash_days"})
SHARED_KEYS = tuple(k for k in CAMPAIGN.keys if k not in LOCAL_KEYS)
BUNDLED = ("unit", "working_group")
# an empty incoming value keeps what this office filled in (the city may not know a unit's contact)
KEEP_WHEN_EMPTY = {"unit": ("contact", "phone", "note"), "working_group": ("leader", "members")}
GROUP_REFS = tuple((rt.key, f.key) for rt in s.RECORD_TYPES.values() for f in rt.fields
                   if f.type == s.REF and f.ref == "working_group")


@dataclass(frozen=True)
class Content:
    """What a settings bundle holds, checked: settings key → value as Settings.set takes it; rows by name."""
    settings: dict[str, Any]
    units: list[dict[str, Any]]
    groups: list[dict[str, Any]]


@dataclass
class SettingsPlan:
    """What importing the bundle changes (preview) or changed (apply). `changes`: (label, old, new) as text."""
    path: Path
    manifest: Manifest
    changes: list[tuple[str, str, str]]
    units_added: list[str]
    units_changed: list[str]
    groups_added: list[str]
    groups_changed: list[str] = field(default_factory=list)
    backup: Path | None = None                 # the 导入前 copy, after apply
    content: Content | None = field(default=None, repr=False, compare=False)   # what apply writes

    @property
    def empty(self) -> bool:
        return not (self.changes or self.units_added or self.units_changed or self.groups_added
                    or self.groups_changed)

    def lines(self) -> list[str]:
        """The changes as a clerk reads them, one line each."""
        out = [f"{label}：{old or '（空）'} → {new or '（空）'}" for label, old, new in self.changes]
        for what, names in (("新增单位", self.units_added), ("更新单位", self.units_changed),
                            ("新增工作组", self.groups_added), ("更新工作组", self.groups_changed)):
            if names:
                out.append(f"{what} {len(names)} 个：{'、'.join(names)}")
        return out or ["设置与本数据库相同，没有需要修改的内容"]


# -- export -------------------------------------------------------------------------------------------------------
def export_settings(store: Store, path: str | Path, *, passphrase: str | None) -> Manifest:
    """Write the settings bundle to `path` (encrypted unless passphrase is None)."""
    from .bundle_file import BundleWriter

    if store.locked:
        raise UserError(f"“{store.path.name}”已加密，请先解锁（输入密码）后再导出数据包")
    campaign = store.settings.campaign()
    choices = {name: items for name, items in store.settings.choices().items()
               if name in s.CHOICE_LISTS and name not in FIXED_CHOICES}
    with BundleWriter(Path(path), store=store, kind=SETTINGS, passphrase=passphrase) as writer:
        for key in BUNDLED:
            writer.add_records(key, bundle_rows(store, key))
        writer.add_json(SETTINGS_PART, {"campaign": {k: campaign[k] for k in SHARED_KEYS}, "choices": choices})
    assert writer.manifest is not None   # set when the block ended normally
    return writer.manifest


# -- preview ------------------------------------------------------------------------------------------------------
def preview_settings(store: Store, path: str | Path, *, passphrase: str | None = None) -> SettingsPlan:
    """Every check, then what importing would change; writes nothing. BundleRefused (one sentence) when refused."""
    path = Path(path)
    _check_receiver(store, path)
    manifest = read_manifest(path)
    check_kind(manifest, SETTINGS, path)
    _check_sender(store, path, manifest)
    with BundleReader(path, passphrase=passphrase) as reader:
        content = _content(path, reader.json(SETTINGS_PART), reader.records("unit"), reader.records("working_group"))
    _check_values(store, path, content)
    _check_year(store, path, content)
    return _plan(store, path, manifest, content)


def _check_receiver(store: Store, path: Path) -> None:
    if store.locked:
        raise UserError(f"“{store.path.name}”已加密，请先解锁（输入密码）后再导入“{file_label(path)}”")


def _check_sender(store: Store, path: Path, manifest: Manifest) -> None:
    ours = store.settings.campaign()
    if manifest.sender_db == vault.database_id(store) and manifest.sender_unit == ours["our_unit"]:
        raise BundleRefused(f"“{file_label(path)}”是本数据库自己导出的数据包")
    if ours["our_unit_kind"] == CITY_LEVEL and manifest.sender_kind != CITY_LEVEL:
        raise BundleRefused(f"“{file_label(path)}”是{manifest.sender_unit}（{manifest.sender_kind}）的设置数据包，"
                            f"市总工会的数据库不导入下级单位的设置")


def _check_year(store: Store, path: Path, content: Content) -> None:
    theirs, ours = content.settings["year"], store.settings.get("year")
    if theirs == ours or store.is_empty():
        return
    hint = ("请先开始新年度（文件 → 开始新年度）再导入" if theirs > ours
            else f"请向上级索取 {ours} 年度的设置数据包")
    raise BundleRefused(f"“{file_label(path)}”是 {theirs} 年度的设置数据包，本数据库是 {ours} 年度且已有记录；{hint}")


def _content(path: Path, raw: Any, units: Iterable[Any], groups: Iterable[Any]) -> Content:
    """The bundle's parts as values to write; a shape that is not ours is refused."""
    if not isinstance(raw, dict) or not isinstance(raw.get("campaign"), dict) \
            or not isinstance(raw.get("choices"), dict) or "year" not in raw["campaign"]:
        raise BundleRefused(f"“{file_label(path)}”中的设置内容无法读取，已拒绝")
    values = {k: _normal(path, CAMPAIGN.field(k), raw["campaign"][k]) for k in SHARED_KEYS if k in raw["campaign"]}
    values.update({f"choices.{name}": items for name, items in raw["choices"].items() if name not in FIXED_CHOICES})
    return Content(values, _rows(path, "unit", units), _rows(path, "working_group", groups))


def _rows(path: Path, type_key: str, rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows with an id and the record type's fields (normalized); by name, the first of a name kept."""
    rt, out, names = s.record_type(type_key), [], set()
    for row in rows:
        if not isinstance(row, dict) or not _is_uuid(row.get("id")):   # the id is adopted: ours are UUIDs
            raise BundleRefused(f"“{file_label(path)}”中的{rt.label}记录无法读取，已拒绝")
        values = {k: _normal(path, rt.field(k), row[k]) for k in rt.keys if k in row}
        if values.get("name") in names:
            continue
        names.add(values.get("name"))
        out.append({**values, "id": row["id"], "unit": row.get("unit") if isinstance(row.get("unit"), str) else None})
    return out


def _is_uuid(value: Any) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _normal(path: Path, f: s.Field, value: Any) -> Any:
    """The stored form (validation.normalize); a value of a type no field takes (a JSON object …) is refused."""
    try:
        return normalize(f, value)
    except (TypeError, ValueError, AttributeError):
        raise BundleRefused(f"“{file_label(path)}”中“{f.label}”的值无法读取，已拒绝整个数据包") from None


def _check_values(store: Store, path: Path, content: Content) -> None:
    """The checks Settings.set and Store.prepare make, before anything is written (units against the bundle's
    choice lists, which arrive with them)."""
    campaign = {k: v for k, v in content.settings.items() if k in CAMPAIGN.keys}
    problems = validate(CAMPAIGN, campaign, store.settings.choices(), partial=True)
    for key, items in content.settings.items():
        if key.startswith("choices."):
            problems.update(check_choice_list(key, items))
    if problems:
        raise BundleRefused(f"“{file_label(path)}”中的活动设置：{next(iter(problems.values()))}，已拒绝整个数据包")
    choices = store.settings.choices()
    choices.update({k.removeprefix("choices."): list(v) for k, v in content.settings.items()
                    if k.startswith("choices.")})
    for type_key, rows in (("unit", content.units), ("working_group", content.groups)):
        rt = s.record_type(type_key)
        for row in rows:
            found = validate(rt, {k: v for k, v in row.items() if k in rt.keys}, choices)
            if found:
                key, message = next(iter(found.items()))
                raise BundleRefused(f"“{file_label(path)}”中{rt.label}“{printable(row.get('name') or row['id'])}”的"
                                    f"{rt.field(key).label}：{message}，已拒绝整个数据包")


def _plan(store: Store, path: Path, manifest: Manifest, content: Content) -> SettingsPlan:
    campaign = store.settings.campaign()   # a key this file lacks reads as its default
    before = {k: campaign[k] if k in CAMPAIGN.keys else store.settings.get(k) for k in content.settings}
    changes = [(c["field"], c["old"], c["new"]) for c in setting_changes(before, content.settings)]
    units = {r["name"]: r for r in store.rows("unit")}
    units_added = [u["name"] for u in content.units if u["name"] not in units]
    units_changed = [u["name"] for u in content.units
                     if u["name"] in units and _updates("unit", units[u["name"]], u)]
    groups_added, groups_changed = [], []
    for g in content.groups:   # a same-named group of another id is changed too: it takes the city's id
        mine = store.get("working_group", g["id"])
        others = store.count("working_group", where="name = ? AND id != ?", params=[g["name"], g["id"]])
        if mine is None and not others:
            groups_added.append(g["name"])
        elif others or (mine is not None and _updates("working_group", mine, g)):
            groups_changed.append(g["name"])
    return SettingsPlan(path, manifest, changes, units_added, units_changed, groups_added, groups_changed,
                        content=content)


def _first(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return rows[0] if rows else None


def _updates(type_key: str, mine: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, Any]:
    """The fields to write over `mine`: those that differ, except an empty incoming value this office filled."""
    rt, keep = s.record_type(type_key), KEEP_WHEN_EMPTY[type_key]
    out = {}
    for k in rt.keys:
        if k not in theirs or (k in keep and is_empty(theirs[k])):
            continue
        if not (is_empty(mine.get(k)) and is_empty(theirs[k])) and mine.get(k) != theirs[k]:
            out[k] = theirs[k]
    return out


# -- apply --------------------------------------------------------------------------------------------------------
def apply_settings(store: Store, plan: SettingsPlan, *, passphrase: str | None = None) -> SettingsPlan:
    """Import what `plan` previewed: a 导入前 backup, then one transaction (settings, units, working groups, one
    操作日志 entry for the records, the import noted in bundle_import). Returns what was changed."""
    content = plan.content
    if content is None:
        fresh = preview_settings(store, plan.path, passphrase=passphrase)
        if fresh.manifest.bundle_id != plan.manifest.bundle_id:
            raise BundleRefused(f"“{file_label(plan.path)}”在预览后被替换成了另一个数据包，请重新导入")
        content = fresh.content
        assert content is not None
    if store.read_only:
        raise StoreError(read_only_message(store.path))
    _check_receiver(store, plan.path)
    _check_sender(store, plan.path, plan.manifest)
    _check_year(store, plan.path, content)
    unchanged = _plan(store, plan.path, plan.manifest, content)
    if unchanged.empty:
        return unchanged   # nothing to change: no copy, no write
    copy = backup.backup_before(store.path, backup.IMPORT, "本次未导入任何设置")
    with store.transaction():
        done = _plan(store, plan.path, plan.manifest, content)
        with oplog.bulk(store, "import", title=f"设置数据包“{file_label(plan.path)}”"):
            store.settings.set(content.settings)
            _write_units(store, content.units)
            _write_groups(store, content.groups)
        _note_import(store, plan.path, plan.manifest, len(content.units) + len(content.groups))
    done.backup = copy.path
    return done


def _write_units(store: Store, units: list[dict[str, Any]]) -> None:
    for u in units:
        values = {k: v for k, v in u.items() if k in s.UNIT_T.keys}
        mine = _first(store.rows("unit", where="name = ?", params=[u["name"]]))
        if mine is not None:
            changed = _updates("unit", mine, values)
            if changed:
                store.update("unit", mine["id"], changed)
            continue
        taken = store.count("unit", where="id = ?", params=[u["id"]])
        store.insert("unit", values, unit=u["unit"] or None, record_id=None if taken else u["id"])


def _write_groups(store: Store, groups: list[dict[str, Any]]) -> None:
    """The city's groups with the city's ids; a same-named local group's references move to it, then it goes."""
    rt = s.WORKING_GROUP
    for g in groups:
        values = {k: v for k, v in g.items() if k in rt.keys}
        others = store.rows("working_group", where="name = ? AND id != ?", params=[g["name"], g["id"]])
        for k in KEEP_WHEN_EMPTY["working_group"]:
            if is_empty(values.get(k)):
                values[k] = next((o[k] for o in others if not is_empty(o[k])), values.get(k))
        mine = store.get("working_group", g["id"])
        if mine is None:
            store.insert("working_group", values, unit=g["unit"] or None, record_id=g["id"])
        elif changed := _updates("working_group", mine, values):
            store.update("working_group", g["id"], changed)
        for other in others:
            _repoint(store, other["id"], g["id"])
            store.db.execute("DELETE FROM working_group WHERE id = ?", [other["id"]])
            oplog.deleted(store, rt, other)
            store.notify("working_group")


def _repoint(store: Store, old: str, new: str) -> None:
    """Every reference to working group `old` (visits, and rows kept in the 回收站) now names `new`."""
    for type_key, key in GROUP_REFS:
        cursor = store.db.execute(f'UPDATE "{type_key}" SET "{key}" = ? WHERE "{key}" = ?', [new, old])
        if cursor.rowcount:
            store.notify(type_key)
    store.db.execute("UPDATE trash SET payload = replace(payload, ?, ?) WHERE instr(payload, ?) > 0",
                     [json.dumps(old), json.dumps(new), json.dumps(old)])


def _note_import(store: Store, path: Path, manifest: Manifest, records: int) -> None:
    """The settings bundle in bundle_import (kind "settings"): when the city's settings last arrived."""
    store.db.execute(
        "INSERT INTO bundle_import (id, bundle_id, kind, sender_db, sender_unit, created_at, imported_at, file_name,"
        " records, counts, operator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(bundle_id) DO UPDATE SET"
        " imported_at = excluded.imported_at, file_name = excluded.file_name, operator = excluded.operator",
        [new_id(), manifest.bundle_id, manifest.kind, manifest.sender_db, manifest.sender_unit,
         manifest.created_at, now_iso(), file_label(path), records, json.dumps(manifest.counts), oplog.operator(store)])

