"""Cell values of an imported workbook as stored values: Excel numbers and dates, loosely typed months
("1985.3", "1985年3月"), ID numbers Excel turned into numbers, choices written with other spacing. Messages are
Chinese, for the per-row report of core.xlsx_import."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import schema as s
from . import values
from .validation import HUGE_DIGITS, hours_to_minutes, yuan_to_fen


def fold_header(text: object) -> str:
    """Text as compared: NFKC (full-width → half-width), no spaces, no '*' or '(必填)' marks, no colon."""
    folded = "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()
    prev = None
    while prev != folded:
        prev = folded
        folded = folded.strip("*:").removesuffix("(必填)").removesuffix("(选填)")
    return folded


# -- cell values ------------------------------------------------------------------------------------------------
def cell_text(value: object) -> str | None:
    """A cell as the text a clerk sees: 13812345678.0 → '13812345678', a date → '2026-08-25'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


class Uncomputed(str):
    """A formula cell the workbook holds no result for (written by a program, never opened in Excel): the formula
    text, so the row is not taken for empty, and a row error rather than a silently empty value."""


def _uncomputed(f: s.Field, raw: Uncomputed) -> ValueError:
    formula = raw if len(raw) <= 30 else raw[:29] + "…"
    return ValueError(f"{f.label}单元格是公式（{formula}），没有计算结果（请在 Excel 中打开并保存后再导入，"
                      f"或改填数值）")


def _month(f: s.Field, raw: object) -> str | None:
    if isinstance(raw, float) and not raw.is_integer():
        year, frac = repr(raw).split(".")
        if frac == "1":   # 1985.10 typed into a number cell reads back as 1985.1
            raise ValueError(f"{f.label}“{raw}”被 Excel 存成了小数，无法分辨是1月还是10月；"
                             f"请写成 {year}-01 或 {year}-10，或把该列设置为“文本”格式")
        raw = f"{year}.{frac}"
    return values.iso(s.MONTH, _as_text(raw)) or cell_text(raw)


def _serial(raw: object) -> dt.datetime | None:
    """An Excel date serial number in an unformatted cell (20000 is 1954-10-03, 80000 is 2119-01-10)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 20000 < raw < 80000:
        from openpyxl.utils.datetime import from_excel
        moment: dt.datetime = from_excel(raw)
        return moment
    return None


def _date(f: s.Field, raw: object) -> str | None:
    return values.iso(f.type, _serial(raw) or _as_text(raw)) or cell_text(raw)


def _short(text: str) -> str:
    """A cell quoted in a message: an absurd number (1e300 as 301 digits) is cut."""
    return text if len(text) <= 20 else text[:18] + "…"


def _as_text(raw: object) -> dt.date | str | None:
    """Dates as they are, anything else as the text the clerk sees (19850312 typed as a number …)."""
    return raw if isinstance(raw, dt.date) else cell_text(raw)


def _numeric_id(f: s.Field, raw: float, text: str, warnings: list[str]) -> str:
    if (isinstance(raw, float) and raw >= 1e15) or (len(text) >= 16 and text.endswith("000")):
        raise ValueError(f"{f.label}被 Excel 存成了数字，后几位已丢失；请把该列设置为“文本”格式后重新填写")
    warnings.append(f"{f.label}以数字形式保存，建议把该列设置为“文本”格式")
    return text


def _pick(f: s.Field, text: str, choices: Mapping[str, list[str]]) -> str:
    """A choice written with other spacing or full-width letters is still that choice."""
    allowed = choices.get(f.choices or "") or []
    if text in allowed:
        return text
    return next((a for a in allowed if fold_header(a) == fold_header(text)), text)


def convert(f: s.Field, raw: Any, choices: Mapping[str, list[str]], warnings: list[str]) -> Any:
    """A cell as the field's stored value. Unrecognised text is passed on, so validation gives the form's message;
    ValueError only for what Excel itself broke or what cannot be converted."""
    if isinstance(raw, Uncomputed):
        raise _uncomputed(f, raw)
    if isinstance(raw, str):
        raw = raw.strip()
    text = cell_text(raw)
    if text is None:   # no value, or only spaces
        return None
    if f.check == s.RIC and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _numeric_id(f, raw, text, warnings)
    if f.type == s.TEXT and isinstance(raw, float) and raw >= 1e15:   # a bank card number typed as a number
        raise ValueError(f"{f.label}被 Excel 存成了数字，后几位已丢失；请把该列设置为“文本”格式后重新填写")
    t = f.type
    if t == s.MONTH:
        return _month(f, raw)
    if t in (s.DATE, s.DATETIME):
        return _date(f, raw)
    if t == s.INT:   # a negative count gets its message from validation ("不能为负数"), a huge one "不能超过"
        text = text.replace(",", "").replace("，", "")
        if re.fullmatch(r"-?\d+", text) and len(text) > HUGE_DIGITS:
            raise ValueError(f"{f.label}不能超过{f.max_value}")
        return int(text) if re.fullmatch(r"-?\d+", text) else text
    if t == s.MONEY:   # repr keeps the digits typed (0.3, not 0.299999…); never float arithmetic
        try:
            return yuan_to_fen(Decimal(repr(raw)) if isinstance(raw, float) else raw)
        except ValueError as exc:
            raise ValueError(f"{f.label}“{_short(text)}”：{exc}") from None
    if t == s.HOURS:
        return hours_to_minutes(text)
    if t == s.BOOL:
        text = text.upper()
        return {"是": 1, "否": 0, "1": 1, "0": 0, "√": 1, "×": 0, "Y": 1, "N": 0}.get(text, text)
    if t == s.MULTI:
        return [_pick(f, p.strip(), choices) for p in re.split(r"[、,，;；\n]+", text) if p.strip()]
    if t == s.CHOICE:
        return _pick(f, text, choices)
    return text


