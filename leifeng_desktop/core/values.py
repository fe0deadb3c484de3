"""One rule per kind of value, whichever way it comes in (the window, the CLI, Store.insert/update, an .xlsx import):

- dates, months and times are stored in one zero-padded ISO 8601 form only: 2026-09-01, 2026-09, 2026-09-01T09:00
  (to the minute: service time is counted in minutes); loose input (2026-9-1, 2026/9/1, 2026.9.1, 2026年9月1日,
  20260901, a date object) becomes that form, anything else is refused by core.validation with a Chinese message;
- a year must lie within the field's range (schema.Field.year_range: 1900–2100 for births and founding dates,
  2000–2100 for everything the campaign records);
- text may not hold characters no document can carry: lone surrogates, Unicode non-characters (U+FDD0–U+FDEF,
  U+xFFFE/U+xFFFF), control characters other than tab and line feed. They are refused at input rather than
  cleaned, so what is stored is exactly what every export writes.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from typing import TYPE_CHECKING

from . import schema as s

if TYPE_CHECKING:
    from sqlite_utils import Database

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_DATE_RE = re.compile(_DATE)
_MONTH_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
# The time after a date: "T09:00", " 9:00", "日9时30分"; seconds optional (dropped: minutes are the unit).
_DATETIME_RE = re.compile(_DATE + r"(?:\s*T\s*|\s+|(?<=日))(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?"
                                   r"(?:\s*:\s*(\d{1,2})(?:\.\d+)?)?")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})?(?!\d)")    # 20260901, 198506

EXAMPLES = {s.DATE: "2026-08-25", s.MONTH: "1985-06", s.DATETIME: "2026-08-25 09:00"}


# -- dates and times --------------------------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Full-width digits and colons as ASCII, spaces trimmed, a compact 20260901 as 2026-09-01."""
    text = unicodedata.normalize("NFKC", text).strip()
    return _COMPACT_RE.sub(lambda m: "-".join(g for g in m.groups() if g), text, count=1)


def parse_date(value: object) -> dt.date | None:
    """A date from a date object or loose text ('2026-9-1', '2026年9月1日' …); None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE_RE.fullmatch(_fold(value)) if isinstance(value, str) else None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def parse_month(value: object) -> tuple[int, int] | None:
    """(year, month) from a date or loose text ('1985-6', '1985年6月', '198506'); a whole date gives its month."""
    day = parse_date(value)
    if day:
        return day.year, day.month
    m = _MONTH_RE.fullmatch(_fold(value)) if isinstance(value, str) else None
    return (int(m[1]), int(m[2])) if m and 1 <= int(m[2]) <= 12 else None


def parse_datetime(value: object) -> dt.datetime | None:
    """A date and time to the minute (seconds dropped) from a datetime or loose text; None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    m = _DATETIME_RE.fullmatch(_fold(value)) if isinstance(value, str) else None
    try:
        if not m or int(m[6] or 0) >= 60:
            return None
        year, month, day, hour, minute = (int(g) for g in m.groups()[:5])
        return dt.datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def iso(field_type: str, value: object) -> str | None:
    """The stored text of a date, month or date-time value, or None when `value` cannot be read as one."""
    if field_type == s.DATE:
        day = parse_date(value)
        return day.isoformat() if day else None      # isoformat pads a year below 1000; strftime does not
    if field_type == s.MONTH:
        month = parse_month(value)
        return f"{month[0]:04d}-{month[1]:02d}" if month else None
    if field_type == s.DATETIME:
        moment = parse_datetime(value)
        return moment.isoformat(timespec="minutes") if moment else None
    raise ValueError(f"{field_type} is not a date type")


def date_problem(field: s.Field, value: str) -> str | None:
    """The message for a stored-form date/month/time value of `field`, or None when it is acceptable."""
    kind = {s.DATE: "日期", s.MONTH: "年月", s.DATETIME: "日期和时间"}[field.type]
    if not isinstance(value, str) or iso(field.type, value) != value:
        return f"{field.label}应为{kind}，如 {EXAMPLES[field.type]}"
    first, last = field.year_range
    if not first <= int(value[:4]) <= last:
        return f"{field.label}的年份应在 {first} 年至 {last} 年之间"
    return None


# -- text -------------------------------------------------------------------------------------------------------
# Controls other than tab and line feed (long text has its carriage returns turned into line feeds first, see
# validation.normalize_text), lone surrogates, and the 66 non-characters: U+FDD0–U+FDEF and the last two code
# points of every plane.
_NON_CHARACTERS = "".join(chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
_BAD_CHAR_RE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef{_NON_CHARACTERS}]")
_LINE_BREAK_RE = re.compile("[\t\n\r\u2028\u2029]")


def bad_character(text: str, *, multiline: bool) -> str | None:
    """The first character of `text` that may not be stored, or None. Tab and line feed are allowed in long text
    only."""
    m = _BAD_CHAR_RE.search(text) or (None if multiline else _LINE_BREAK_RE.search(text))
    return m[0] if m else None


def describe(ch: str) -> str:
    """A bad character named so a clerk can find it: never the character itself (a lone surrogate cannot even be
    printed)."""
    if ch in "\t\n\r\u2028\u2029":
        return "换行或制表符"
    if ord(ch) < 0x20 or ch == "\x7f":
        return f"不可见的控制字符（U+{ord(ch):04X}）"
    return f"无效字符（U+{ord(ch):04X}）"


def text_problem(field: s.Field, text: str) -> str | None:
    ch = bad_character(text, multiline=field.type == s.LONGTEXT)
    if ch is None:
        return None
    if ch in "\t\n\r\u2028\u2029":
        return f"{field.label}含有换行或制表符，请改为一行"
    return f"{field.label}含有{describe(ch)}，请删除后再保存"


# -- values stored before these rules ---------------------------------------------------------------------------
def pad_stored_dates(db: Database) -> int:
    """Rewrite the readable dates, months and times of existing rows (and the campaign's dates in settings) in the
    stored form, so '2026-9-1' written by an older version counts in month figures and ledgers; what cannot be
    read is left as it is. For a migration step (`db` is a sqlite-utils Database); returns how many changed."""
    from .settings import CAMPAIGN  # settings imports this module
    changed = 0
    tables = set(db.table_names())
    for rt in s.RECORD_TYPES.values():
        if rt.key not in tables:
            continue
        columns = set(db[rt.key].columns_dict)
        for f in rt.fields:
            if f.type not in s.DATE_TYPES or f.key not in columns:
                continue
            for rowid, value in db.execute(f'SELECT rowid, "{f.key}" FROM "{rt.key}" WHERE "{f.key}" IS NOT NULL '
                                           f'AND "{f.key}" != \'\'').fetchall():
                fixed = iso(f.type, value)
                if fixed and fixed != value:
                    db.execute(f'UPDATE "{rt.key}" SET "{f.key}" = ? WHERE rowid = ?', [fixed, rowid])
                    changed += 1
    if "settings" in tables:
        for f in (f for f in CAMPAIGN.fields if f.type in s.DATE_TYPES):
            row = db.execute("SELECT value FROM settings WHERE key = ?", [f.key]).fetchone()
            value = json.loads(row[0]) if row else None
            fixed = iso(f.type, value) if value else None
            if fixed and fixed != value:
                db.execute("UPDATE settings SET value = ? WHERE key = ?", [json.dumps(fixed), f.key])
                changed += 1
    return changed
