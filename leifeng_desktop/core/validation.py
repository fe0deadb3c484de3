"""Field and record checks. Every message is Chinese and meant to sit beside its field."""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from . import schema as s
from . import values as v
from .errors import UserError
from .record_plan import Plan, plan

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Landline with area code: 010-12345678, 0571-8765432, optional extension.
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
AREA_CODE_RE = re.compile(r"^\((0\d{2,3})\)")   # (0571)8765432 → 0571-8765432
RIC_RE = re.compile(r"[0-9]{17}[0-9X]")   # a 身份证号 as stored (ASCII digits; normalize made the X upper case)
URL_RE = re.compile(r"^https?://\S+$", re.IGNORECASE)
# Numbers typed with more digits than this are refused before they are built (1e1000000 is a valid Decimal).
HUGE_DIGITS = 30


class ValidationError(ValueError, UserError):
    """A record that cannot be saved; `errors` maps field key to a Chinese message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        # str() is what a clerk reads (UserError): the messages, each of which names its field
        super().__init__("；".join(self.errors.values()))


def yuan_to_fen(text: str | int | Decimal) -> int:
    """'12.34' → 1234. Decimal only; a third decimal or a negative amount is refused."""
    if isinstance(text, int):
        amount = Decimal(text)
    else:
        cleaned = str(text).strip().replace(",", "").replace("，", "").removesuffix("元")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise ValueError("金额应为数字，如 1200 或 350.50") from None
    if not amount.is_finite():
        raise ValueError("金额应为数字，如 1200 或 350.50")
    if amount < 0:
        raise ValueError("金额不能为负数")
    if amount.adjusted() > HUGE_DIGITS:     # never build a 10**1000000 int; any field's maximum refuses far less
        raise ValueError("金额过大，请核对")
    fen = amount * 100      # not quantize(): it fails beyond 28 digits, and a huge amount is the maximum's business
    if fen != fen.to_integral_value():
        raise ValueError("金额最多保留两位小数（到分）")
    return int(fen)


def fen_to_yuan(fen: int | str | None) -> str:
    if fen is None or fen == "":
        return ""
    return f"{Decimal(int(fen)) / 100:.2f}"


def hours_to_minutes(text: str | float | Decimal) -> int:
    try:
        hours = Decimal(str(text).strip().removesuffix("小时"))
    except InvalidOperation:
        raise ValueError("时长应为数字（小时），如 2 或 1.5") from None
    if not hours.is_finite() or hours < 0:
        raise ValueError("时长不能为负数")
    if hours.adjusted() > HUGE_DIGITS:
        raise ValueError("时长过长，请核对")
    minutes = hours * 60
    if minutes != minutes.to_integral_value():
        raise ValueError("时长最小单位为分钟")
    return int(minutes)


def minutes_to_hours(minutes: int | str | None) -> str:
    if minutes is None or minutes == "":
        return ""
    text = f"{Decimal(int(minutes)) / 60:.2f}".rstrip("0").rstrip(".")
    return text


def is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, str) and not value.strip())


def as_list(value: Any) -> list[str]:
    """A MULTI value as a list, whether it came as a list or as the JSON text stored in SQLite."""
    if is_empty(value):
        return []
    if isinstance(value, str):
        try:
            loaded = json.loads(value)
        except ValueError:
            return [value]
        return loaded if isinstance(loaded, list) else [str(loaded)]
    return list(value)


def check_phone(value: str) -> str | None:
    if MOBILE_RE.match(value):   # the common case, as typed: nothing to compact
        return None
    compact = value.replace(" ", "").replace("（", "(").replace("）", ")")
    compact = AREA_CODE_RE.sub(r"\1-", compact)
    if MOBILE_RE.match(compact) or LANDLINE_RE.match(compact):
        return None
    return "电话应为11位手机号，或带区号的座机号（如 010-12345678）"


def check_ric(value: str) -> str | None:
    try:
        _validate_ric(value)
    except InvalidLength:
        return "身份证号应为18位"
    except InvalidChecksum:
        return "身份证号校验位不正确，请核对"
    except InvalidComponent:
        return "身份证号中的出生日期或地区代码不正确"
    except StdnumError:
        return "身份证号格式不正确（前17位为数字，末位为数字或X）"
    return None


def _validate_ric(value: str) -> None:
    """ric.validate, quicker for a number in its stored form (python-stdnum reads its table of regions for each
    number): the same checks in the same order, the region looked up once per region and birth year."""
    if not RIC_RE.fullmatch(value):
        ric.validate(value)
        return
    if value[-1] != ric.calc_check_digit(value):
        raise InvalidChecksum()
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidComponent() from None
    _ric_region(value[:10])


@functools.lru_cache(maxsize=4096)
def _ric_region(head: str) -> None:
    """InvalidComponent unless the region of `head` (6 digits and the birth year) existed in that year."""
    ric.get_birth_place(head + "0101" + "0000")


def check_uscc(value: str) -> str | None:
    try:
        uscc.validate(value)
    except InvalidLength:
        return "统一社会信用代码应为18位"
    except InvalidChecksum:
        return "统一社会信用代码校验位不正确，请核对"
    except StdnumError:
        return "统一社会信用代码格式不正确"
    return None


_CHECKS: dict[str, Callable[[str], str | None]] = {
    s.PHONE: check_phone, s.RIC: check_ric, s.USCC: check_uscc,
    s.URL: lambda v: None if URL_RE.match(v) else "链接应以 http:// 或 https:// 开头"}


def in_stored_form(field_type: str, value: object) -> bool:
    """A date, month or date-time already as values.iso writes it (iso would give it back unchanged): no loose
    parsing needed for what the window, an import or a bundle gives in that form."""
    form = _STORED_FORMS[field_type]
    if not isinstance(value, str) or not form[0].fullmatch(value):
        return False
    try:
        form[1](value)
    except ValueError:
        return False
    return True


def _month(text: str) -> None:
    """The regular expression has checked it all."""


_STORED_FORMS: dict[str, tuple[re.Pattern[str], Callable[[str], object]]] = {
    s.DATE: (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"), dt.date.fromisoformat),
    s.MONTH: (re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])"), _month),
    s.DATETIME: (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}"), dt.datetime.fromisoformat)}


def normalize(field: s.Field, value: Any) -> Any:
    """The stored form of a value: trimmed NFC text with \\n line ends, upper-case check letters, lists for MULTI,
    dates in zero-padded ISO form (core.values), booleans as 0/1. What cannot be read is left for check_field."""
    if field.type == s.MULTI:
        return [normalize_text(field, i) if isinstance(i, str) else i for i in as_list(value)]
    if field.type in s.DATE_TYPES and not is_empty(value) and not in_stored_form(field.type, value):
        value = v.iso(field.type, value) or value
    if field.type == s.BOOL and isinstance(value, bool):
        return int(value)
    if isinstance(value, str):
        value = normalize_text(field, value)
        if field.check in (s.RIC, s.USCC):
            value = value.replace(" ", "").upper()
        if field.type in s.NUMBER_TYPES and value == "":
            return None
    return value


def normalize_text(field: s.Field, text: str) -> str:
    """NFC, line ends as \\n, trimmed (long text keeps its inner lines and leading tabs)."""
    text = unicodedata.normalize("NFC", text)
    if field.type == s.LONGTEXT:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip("\n ")
    return text.strip()


def check_number(field: s.Field, value: object) -> str | None:
    """INT/MONEY/HOURS/BOOL: a whole number within the field's limits (BOOL: 0 or 1, from True/False)."""
    t = field.type
    if t == s.BOOL:
        return None if type(value) is int and value in (0, 1) else f"{field.label}应为“是”或“否”"
    if isinstance(value, bool) or not isinstance(value, int):
        return {s.MONEY: "金额应以分为单位的整数保存", s.HOURS: "时长应为整数分钟"}.get(t, f"{field.label}应为整数")
    if value < field.minimum:
        return f"{field.label}不能小于{field.minimum}" if field.minimum else f"{field.label}不能为负数"
    if value > field.max_value:
        shown = {s.MONEY: f"{fen_to_yuan(field.max_value)}元",
                 s.HOURS: f"{minutes_to_hours(field.max_value)}小时"}.get(t, str(field.max_value))
        return f"{field.label}不能超过{shown}"
    return None


def check_field(field: s.Field, value: object, choices: Mapping[str, list[str]] | None = None) -> str | None:
    """The message for one value, or None when it is acceptable. `value` is already normalized."""
    if is_empty(value):
        return f"请填写{field.label}" if field.required else None
    t = field.type
    if t in s.NUMBER_TYPES:
        return check_number(field, value)
    if t == s.MULTI:
        items = as_list(value)
        if field.max_items and len(items) > field.max_items:
            return f"{field.label}最多选{field.max_items}项"
        for item in items:
            bad = (None if item.isprintable() else v.text_problem(field, item)) if isinstance(item, str) \
                else f"{field.label}应为文字"
            if bad:
                return bad
        allowed = (choices or {}).get(field.choices) if field.choices else None
        unknown = [i for i in items if allowed is not None and i not in allowed]
        return f"{field.label}中有不在选项内的值：{'、'.join(unknown)}" if unknown else None
    if not isinstance(value, str):
        return f"{field.label}应为文字"
    # printable text holds no control, surrogate, non-character or line break: nothing text_problem refuses
    bad = None if value.isprintable() else v.text_problem(field, value)
    if bad:
        return bad
    if len(value) > field.max_len:
        return f"{field.label}不能超过{field.max_len}字（现有{len(value)}字）"
    if t in s.DATE_TYPES:
        first, last = field.year_range
        if in_stored_form(t, value) and first <= int(value[:4]) <= last:
            return None
        return v.date_problem(field, value)
    if t == s.CHOICE and field.choices and choices is not None:
        allowed = choices.get(field.choices)
        if allowed is not None and value not in allowed:
            return f"“{value}”不是{field.label}的可选项"
    if field.check:
        return _CHECKS[field.check](value)
    return None


def validate(rt: s.RecordType, values: Mapping[str, Any], choices: Mapping[str, list[str]] | None = None,
             *, partial: bool = False) -> dict[str, str]:
    """{field_key: message} for every field of `values` that cannot be saved (empty dict when all is well).

    With partial=True only the keys present are checked (an update of some fields)."""
    errors: dict[str, str] = {}
    for f in rt.fields:
        if partial and f.key not in values:
            continue
        msg = check_field(f, normalize(f, values.get(f.key)), choices)
        if msg:
            errors[f.key] = msg
    errors.update(cross_checks(rt, values))
    return errors


def prepare(rt: s.RecordType, values: Mapping[str, Any], choices: Mapping[str, list[str]], *,
            partial: bool = False, stored: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Store.prepare's work: the values normalized, checked as validate() checks them (against `choices` plus what
    `stored` already has), in their column form (MULTI as JSON text, empty as NULL); else ValidationError. Each
    value is normalized once (validate normalizes what it is given: normalizing is idempotent)."""
    p = plan(rt)
    unknown = values.keys() - p.keys
    if unknown:
        raise ValidationError({k: "没有这个字段" for k in sorted(unknown)})
    clean, passed = _normalized(p, values)
    allowed = keeping(rt, choices, stored)
    problems: dict[str, str] = {}
    for f in p.fields:
        if f.key in clean:
            msg = None if f.key in passed else check_field(f, clean[f.key], allowed)
        elif partial:
            continue
        else:   # absent: what normalize(f, None) gives is empty
            msg = f"请填写{f.label}" if f.required else None
        if msg:
            problems[f.key] = msg
    problems.update(cross_checks(rt, clean))
    if problems:
        raise ValidationError(problems)
    for k, value in clean.items():
        if k in p.multi:
            clean[k] = json.dumps(value, ensure_ascii=False) if value else None
        elif value == "" or value == []:
            clean[k] = None
    return clean


def _normalized(p: Plan, values: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """normalize() of every value, and the keys of one-line text that passes check_field as it stands: trimmed,
    not empty, printable and within its length (the rest is checked by check_field)."""
    clean: dict[str, Any] = {}
    passed: set[str] = set()
    plain = p.plain_text
    for k, value in values.items():
        if k in plain and type(value) is str:
            text = unicodedata.normalize("NFC", value).strip()   # normalize_text of one-line text
            if text and text.isprintable() and len(text) <= plain[k]:
                passed.add(k)
            clean[k] = text
        else:
            clean[k] = normalize(p.by_key[k], value)
    return clean, passed


def keeping(rt: s.RecordType, choices: Mapping[str, list[str]],
            stored: Mapping[str, Any] | None) -> Mapping[str, list[str]]:
    """The choice lists plus the values a stored record already has: an option renamed or removed in 设置 must not
    stop a clerk from saving an old record unchanged (new records still get only the current options). Only the
    lists that gain a value are copied; `choices` itself is never changed."""
    if not stored:
        return choices
    out: dict[str, list[str]] | None = None
    for f in plan(rt).choice_fields:
        if not stored.get(f.key):
            continue
        for value in as_list(stored[f.key]) if f.type == s.MULTI else [stored[f.key]]:
            have = (out if out is not None else choices).get(str(f.choices))
            if have is None or value not in have:
                out = out if out is not None else dict(choices)
                out[str(f.choices)] = [*(have or []), value]
    return choices if out is None else out


def cross_checks(rt: s.RecordType, values: Mapping[str, Any]) -> dict[str, str]:
    """Rules that span fields of one record."""
    errors: dict[str, str] = {}
    start, end = values.get("starts_at"), values.get("ends_at")
    if rt.key == "activity" and start and end and isinstance(start, str) and isinstance(end, str) and end < start:
        errors["ends_at"] = "结束时间不能早于开始时间"
    return errors
