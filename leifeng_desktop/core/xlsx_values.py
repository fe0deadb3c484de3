"""Cell values of an imported workbook as stored values: Excel numbers and dates, loosely typed months
("1985.3", "1985年3月"), ID numbers Excel turned into numbers, choices written with other spacing. Messages are
Chinese, for the per-row report of core.xlsx_import."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Mapping

from . import schema as s
from .validation import hours_to_minutes, yuan_to_fen


def fold_header(text: object) -> str:
    """Text as compared: NFKC (full-width → half-width), no spaces, no '*' or '(必填)' marks, no colon."""
    folded = "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()
    prev = None
    while prev != folded:
        prev = folded
        folded = folded.strip("*:").removesuffix("(必填)").removesuffix("(选填)")
    return folded


# -- cell values ------------------------------------------------------------------------------------------------
def cell_text(value) -> str | None:
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


_YM = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?(?:\s*[-./]?\s*(\d{1,2})\s*日?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def _ymd(text: str) -> tuple[dt.date, bool] | None:
    """'1985年3月', '1985.3', '1985/03/12', '19850312' → (the date, whether a day was given)."""
    m = _YM.match(text) or _COMPACT.match(text)
    try:
        return (dt.date(int(m[1]), int(m[2]), int(m[3] or 1)), bool(m[3])) if m else None
    except ValueError:
        return None


def _month(f: s.Field, raw):
    if isinstance(raw, (dt.date, dt.datetime)):
        return f"{raw:%Y-%m}"
    if isinstance(raw, float) and not raw.is_integer():
        year, frac = repr(raw).split(".")
        if frac == "1":   # 1985.10 typed into a number cell reads back as 1985.1
            raise ValueError(f"{f.label}“{raw}”被 Excel 存成了小数，无法分辨是1月还是10月；"
                             f"请写成 {year}-01 或 {year}-10，或把该列设置为“文本”格式")
        raw = f"{year}.{frac}"
    text = cell_text(raw)
    ymd = _ymd(text)
    return f"{ymd[0]:%Y-%m}" if ymd else text


def _date(f: s.Field, raw):
    if isinstance(raw, (dt.date, dt.datetime)):
        return f"{raw:%Y-%m-%d}"
    if isinstance(raw, (int, float)) and 20000 < raw < 80000:   # a date serial number in an unformatted cell
        from openpyxl.utils.datetime import from_excel
        return f"{from_excel(raw):%Y-%m-%d}"
    text = cell_text(raw)
    ymd = _ymd(text)
    return f"{ymd[0]:%Y-%m-%d}" if ymd and ymd[1] else text


def _numeric_id(f: s.Field, raw, warnings: list[str]) -> str:
    text = cell_text(raw)
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


def convert(f: s.Field, raw, choices: Mapping[str, list[str]], warnings: list[str]):
    """A cell as the field's stored value. Unrecognised text is passed on, so validation gives the form's message;
    ValueError only for what Excel itself broke or what cannot be converted."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        return None
    if f.check == s.RIC and isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _numeric_id(f, raw, warnings)
    if f.type == s.TEXT and isinstance(raw, float) and raw >= 1e15:   # a bank card number typed as a number
        raise ValueError(f"{f.label}被 Excel 存成了数字，后几位已丢失；请把该列设置为“文本”格式后重新填写")
    t = f.type
    if t == s.MONTH:
        return _month(f, raw)
    if t == s.DATE:
        return _date(f, raw)
    if t == s.DATETIME:
        text = cell_text(raw)
        return re.sub(r"^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})", r"\1T\2", text).replace("/", "-")
    if t == s.INT:
        text = cell_text(raw).replace(",", "").replace("，", "")
        return int(text) if re.fullmatch(r"\d+", text) else text
    if t == s.MONEY:   # repr keeps the digits typed (0.3, not 0.299999…); never float arithmetic
        try:
            return yuan_to_fen(Decimal(repr(raw)) if isinstance(raw, float) else raw)
        except ValueError as exc:
            raise ValueError(f"{f.label}“{cell_text(raw)}”：{exc}") from None
    if t == s.HOURS:
        return hours_to_minutes(cell_text(raw))
    if t == s.BOOL:
        text = cell_text(raw).upper()
        return {"是": 1, "否": 0, "1": 1, "0": 0, "√": 1, "×": 0, "Y": 1, "N": 0}.get(text, text)
    text = cell_text(raw)
    if t == s.MULTI:
        return [_pick(f, p.strip(), choices) for p in re.split(r"[、,，;；\n]+", text) if p.strip()]
    if t == s.CHOICE:
        return _pick(f, text, choices)
    return text


