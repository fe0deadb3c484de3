"""Values as a clerk reads them: lists, exports and the CLI all show fields through here."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import crypto
from . import schema as s
from .masking import mask
from .validation import as_list, fen_to_yuan, minutes_to_hours

HIDDEN = "（已隐藏）"
SEALED = "已加密"   # a sensitive value of a locked file (core.vault): no key, so neither shown nor masked
# a stored date, month or time: 2026-08-25, 2026-08, 2026-08-25T09:00
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2})(?:[T ].*)?)?")


def display(field: s.Field, value: Any, *, reveal: bool = False) -> str:
    """Text for one stored value; sensitive values are masked unless reveal=True. A value of a locked file shows
    as 已加密; asked for in full (reveal=True) it raises vault.Locked: a full-number export needs the key."""
    if value is None or value == "" or value == []:
        return ""
    if field.sensitive and (crypto.is_locked(value) or crypto.is_encrypted(value)):
        if reveal:
            from .vault import Locked
            raise Locked(f"{field.label}已加密且尚未解锁，不能导出完整号码；请先输入密码解锁，或改为部分隐藏导出")
        return SEALED
    if field.sensitive and not reveal:
        masked = mask(field, value)
        return masked if masked else HIDDEN
    t = field.type
    if t == s.MONEY:
        return fen_to_yuan(value)
    if t == s.HOURS:
        return minutes_to_hours(value)
    if t == s.MULTI:
        return "、".join(as_list(value))
    if t == s.BOOL:
        return "是" if value else "否"
    if t == s.DATETIME:
        return str(value).replace("T", " ")[:16]
    return str(value)


def cn_date(value: object, *, year: bool = True) -> str:
    """A date as Chinese text: 2026-08-25 (a date, or stored text, a time's date part) → 2026年8月25日, a month
    2026-08 → 2026年8月; year=False leaves the year out (8月25日). '' for no date; other text as it is."""
    if not value:
        return ""
    if isinstance(value, dt.date):
        y, m, d = value.year, value.month, value.day
    else:
        match = _ISO_DAY.fullmatch(str(value))
        if not match:
            return str(value)
        y, m, d = int(match[1]), int(match[2]), int(match[3] or 0)
    return (f"{y}年" if year else "") + f"{m}月" + (f"{d}日" if d else "")


def form_value(field: s.Field, value: Any, *, reveal: bool = False) -> str:
    """A stored value as a printed form writes it: dates and months in Chinese (2026年8月1日, 1980年12月), the
    rest as display() shows it."""
    if field.type in (s.DATE, s.MONTH) and not (field.sensitive and not reveal):
        return cn_date(value)
    return display(field, value, reveal=reveal)
