"""What an 操作日志 entry says changed: fields by their Chinese labels, values as a clerk reads them, sensitive values
masked (身份证号 and phone numbers as core.masking shows them, income, health and bank data only as “（已修改）”), and
anything in free text that looks like an ID, phone or card number masked too. Qt-free, no SQL but `titles()`.

A change is a dict {"field": label, "old": text, "new": text}; "" means empty (a new record has no old values, a
deleted one no new values).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from . import schema as s
from .formatting import display
from .masking import mask, mask_id_number
from .validation import as_list

if TYPE_CHECKING:
    from sqlite_utils import Database

HIDDEN, CHANGED, FILLED = "（已隐去）", "（已修改）", "（已填写）"
UNKNOWN = "（已不存在的记录）"
Change = dict[str, str]      # {"field", "old", "new"}
Row = Mapping[str, Any]      # a stored row or the columns written
MAX_TEXT = 120          # a value longer than this is cut (an entry says what changed, it is no copy of the record)
MAX_ROW = 200           # one child row described in a line
NOT_SHOWN = frozenset({"id", "created_at", "updated_at", "revision"})

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_LONG_DIGITS = re.compile(r"\d{11,}")


def scrub(text: str) -> str:
    """Free text with ID-like numbers (6+********+4) and runs of 11 or more digits (phones, bank cards: the first 3
    and last 4 kept) masked: a clerk may type one into a note."""
    text = _ID_LIKE.sub(lambda m: mask_id_number(m[0]), text)
    return _LONG_DIGITS.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 7) + m[0][-4:], text)


def clip(text: object, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(text).split()) if "\n" in str(text) else str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == "[]"


def same(field: s.Field, a: object, b: object) -> bool:
    if _empty(a) and _empty(b):
        return True
    if field.type == s.MULTI:
        return as_list(a) == as_list(b)
    return a == b or (not _empty(a) and not _empty(b) and str(a) == str(b))


def maskable(field: s.Field) -> bool:
    """A sensitive value core.masking can show in part (ID and phone numbers); the others are never shown."""
    return field.check in (s.RIC, s.PHONE)


def value_text(field: s.Field, value: Any, titles: Mapping[str, str] | None = None) -> str:
    """One stored value as the log shows it; a reference as the referenced record's title."""
    if _empty(value):
        return ""
    if field.sensitive:
        return mask(field, value) or HIDDEN
    if field.type == s.REF:
        return clip(scrub((titles or {}).get(value) or UNKNOWN))
    text = display(field, value) + (" 小时" if field.type == s.HOURS else "")
    if field.type in (s.TEXT, s.LONGTEXT, s.UNIT, s.MULTI, s.CHOICE):
        text = scrub(text)
    return clip(text)


def change(label: str, old: str = "", new: str = "") -> Change:
    return {"field": label, "old": old, "new": new}


def pair(field: s.Field, old: Any, new: Any, titles: Mapping[str, str] | None = None) -> Change:
    """The change of one field; a sensitive value that cannot be shown in part is only said to be there or changed."""
    if field.sensitive and not maskable(field):
        before = HIDDEN if not _empty(old) else ""
        after = "" if _empty(new) else CHANGED if before else FILLED
        return change(field.label, before, after)
    before, after = value_text(field, old, titles), value_text(field, new, titles)
    if field.sensitive and before and before == after:
        after += CHANGED   # the digits that differ are the masked ones
    return change(field.label, before, after)


def shown_keys(rt: s.RecordType, row: Row, skip: Iterable[str] = ()) -> list[str]:
    """The keys of `row` an entry lists: the record's own fields (and `unit` where it is one), never the meta."""
    skip = set(skip) | NOT_SHOWN
    return [k for k in rt.keys if k in row and k not in skip]


def created(rt: s.RecordType, row: Row, titles: Mapping[str, str], skip: Iterable[str] = ()) -> list[Change]:
    """A new record: every field it was given."""
    return [pair(rt.field(k), None, row[k], titles) for k in shown_keys(rt, row, skip) if not _empty(row[k])]


def removed(rt: s.RecordType, row: Row, titles: Mapping[str, str], skip: Iterable[str] = ()) -> list[Change]:
    """A deleted record: every field it had."""
    return [pair(rt.field(k), row[k], None, titles) for k in shown_keys(rt, row, skip) if not _empty(row[k])]


def changed(rt: s.RecordType, old: Row, new: Row, titles: Mapping[str, str],
            skip: Iterable[str] = ()) -> list[Change]:
    """An update: the fields whose value differs."""
    out = []
    for k in shown_keys(rt, new, skip):
        f = rt.field(k)
        if not same(f, old.get(k), new[k]):
            out.append(pair(f, old.get(k), new[k], titles))
    return out


def title_of(rt: s.RecordType, row: Row, titles: Mapping[str, str]) -> str:
    """The record's name as lists show it (a participant by its volunteer's name)."""
    return value_text(rt.field(rt.title), row.get(rt.title), titles)


def row_line(rt: s.RecordType, row: Row, titles: Mapping[str, str], skip: Iterable[str] = ()) -> str:
    """A child row in one line: 张三（性别：男；联系电话：138****5678）."""
    name = title_of(rt, row, titles) or rt.label
    parts = [f"{c['field']}：{c['new']}" for c in created(rt, row, titles, {*skip, rt.title})]
    return clip(name + (f"（{'；'.join(parts)}）" if parts else ""), MAX_ROW)


def child_lines(action: str, rt: s.RecordType, old: Row | None, new: Row | None,
                titles: Mapping[str, str]) -> list[Change]:
    """A child row saved with its owner (a roster member, a participant …), as lines of the owner's entry."""
    skip = {rt.parent} if rt.parent else set[str]()
    if action == "insert":
        return [change(rt.label, "", f"新增 {row_line(rt, new or {}, titles, skip)}")]
    if action == "delete":
        return [change(rt.label, "", f"删除 {title_of(rt, old or {}, titles) or rt.label}")]
    name = title_of(rt, {**(old or {}), **(new or {})}, titles) or rt.label
    return [{**c, "field": f"{rt.label}“{name}”的{c['field']}"}
            for c in changed(rt, old or {}, new or {}, titles, skip)]


def ref_ids(rt: s.RecordType, rows: Iterable[Row]) -> dict[str, set[str]]:
    """The records the rows' references point at, by record type."""
    wanted: dict[str, set[str]] = {}
    refs = [f for f in rt.fields if f.type == s.REF]
    for row in rows:
        for f in refs:
            if row.get(f.key) and f.ref:
                wanted.setdefault(f.ref, set()).add(row[f.key])
    return wanted


def titles(db: Database, wanted: Mapping[str, set[str]]) -> dict[str, str]:
    """{id: title} of the records asked for: one query per record type (ids in chunks SQLite takes)."""
    out: dict[str, str] = {}
    for type_key, ids in wanted.items():
        rt = s.record_type(type_key)
        listed = list(ids)
        for start in range(0, len(listed), 500):
            chunk = listed[start:start + 500]
            sql = f'SELECT id, "{rt.title}" FROM "{rt.key}" WHERE id IN ({", ".join("?" * len(chunk))})'
            for record_id, title in db.execute(sql, chunk).fetchall():
                out[record_id] = "" if title is None else display(rt.field(rt.title), title)
    return out


def setting_changes(before: Row, after: Row, labels: Mapping[str, str] | None = None) -> list[Change]:
    """Settings written (key → new value) against what they were: campaign fields by label, choice lists whole,
    other keys by `labels` (a list of record ids as its count)."""
    from .settings import CAMPAIGN
    out = []
    for key, value in after.items():
        old = before.get(key)
        if key in CAMPAIGN.keys:
            f = CAMPAIGN.field(key)
            if not same(f, old, value):
                out.append(pair(f, old, value))
        elif key.startswith("choices."):
            name = key.removeprefix("choices.")
            label, default = s.CHOICE_LISTS.get(name, (name, ()))
            old_items = as_list(old) if old is not None else list(default)
            if old_items != as_list(value):
                out.append(change(f"选项表“{label}”", clip(scrub("、".join(old_items))),
                                  clip(scrub("、".join(as_list(value))))))
        elif not (_empty(old) and _empty(value)) and old != value:
            out.append(change((labels or {}).get(key, key), _plain(old), _plain(value)))
    return out


def _plain(value: object) -> str:
    if _empty(value):
        return ""
    if isinstance(value, (list, tuple)):
        return f"{len(value)} 条"
    return clip(scrub(str(value)))
