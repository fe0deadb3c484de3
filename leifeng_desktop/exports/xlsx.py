"""A generic Excel ledger (台账): title row, bold header, frozen panes, number formats, a 合计 row, print set-up.

Columns say what kind of value they hold; rows carry stored values (minutes, fen, ISO dates) and the writer turns
them into Excel numbers and dates exactly (Decimal, never float arithmetic). Columns built from schema fields take
the schema's label and show choices, lists and sensitive values through core.formatting.display.

Every cell of every workbook the app writes goes through put() or cell_value(): text is always a text cell, never a
formula, and reads back as typed in Excel, LibreOffice and openpyxl (see put's notes). write_ledger writes the
ledger as a stream (exports.xlsx_ledger: the rows read once, memory flat in their number): values, styles (fonts,
borders, alignments, number formats, row heights), then the page set-up (widths, frozen header, filter, print:
exports.xlsx_print, which keeps the printed text at 9 pt or more).
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import schema as s
from ..core.formatting import display
from . import document as d

if TYPE_CHECKING:   # openpyxl has no type information: these document what is passed, they check nothing
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment, Border, Font
    from openpyxl.worksheet.worksheet import Worksheet

# Column kinds.
TEXT, LONG, INT, HOURS, MONEY, DATE, DATETIME = "text", "long", "int", "hours", "money", "date", "datetime"
NUMERIC = (INT, HOURS, MONEY)

# Totals: SUM adds the column's stored values exactly; COUNT is the number of data rows.
SUM, COUNT = "__sum__", "__count__"

FONT, TITLE_SIZE, SIZE = "宋体", 16, 10
HEADER_FILL = "DDEBF7"
# one format per kind in every ledger: hours always with two decimals (12.00, 4.25), never "12.0" beside "4.25"
FORMATS = {INT: "0", HOURS: "0.00", MONEY: "#,##0.00", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm"}
# (minimum, maximum) width in Excel character units; longer text wraps inside the maximum.
WIDTHS = {TEXT: (6, 16), LONG: (20, 40), INT: (6, 10), HOURS: (7, 12), MONEY: (10, 16), DATE: (12, 12),
          DATETIME: (17, 17)}
LINE_PT, PAD_PT = 13.5, 4      # row height per line of 10 pt text, and the room above and below
MINUTES_PER_HOUR, FEN_PER_YUAN = Decimal(60), Decimal(100)
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: float | None = None                  # fixed width; otherwise from the label and the values
    convert: Callable[[Any], Any] | None = None  # stored value → the value of `kind` (e.g. display text)
    align: str | None = None                     # horizontal alignment; numbers right, text left by default
    wrap: bool = True                            # text wraps in its column; False: one line (codes), never narrowed

    @classmethod
    def of(cls, f: s.Field, *, label: str | None = None, reveal: bool = False, **kw: Any) -> Column:
        """A column for a schema field: its label, the kind its type fits, display() for what is shown as text.
        A sensitive number (income) is masked text unless reveal."""
        masked = f.sensitive and not reveal
        kind = {s.INT: INT, s.HOURS: HOURS, s.MONEY: MONEY, s.DATE: DATE, s.DATETIME: DATETIME,
                s.LONGTEXT: LONG}.get(f.type, TEXT)
        if masked and kind in NUMERIC:
            kind = TEXT
        convert = None if kind in (*NUMERIC, DATE, DATETIME) else (lambda v: display(f, v, reveal=reveal))
        return cls(label or f.label, kind, convert=convert, **kw)


@functools.lru_cache(maxsize=4096)    # ledgers repeat their values (places, teams, categories, names)
def text_width(text: str) -> int:
    """Excel character units: CJK and full-width characters count double."""
    text = str(text)
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


@functools.cache
def _char_width(c: str) -> int:     # cached: a city's ledger measures millions of characters
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def hours(minutes: int | str | None) -> Decimal | None:
    """Integer minutes as Decimal hours rounded to 2 places (1.25, 3.5)."""
    if minutes is None or minutes == "":
        return None
    return (Decimal(int(minutes)) / MINUTES_PER_HOUR).quantize(TWO_PLACES)


def yuan(fen: int | str | None) -> Decimal | None:
    if fen is None or fen == "":
        return None
    return (Decimal(int(fen)) / FEN_PER_YUAN).quantize(TWO_PLACES)


# -- cells ------------------------------------------------------------------------------------------------------
# OWASP's CSV-injection leads: a text starting with one of these (also after spaces) is what a spreadsheet may run
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
# Excel and LibreOffice read `_xHHHH_` inside a text element as the character U+HHHH
_ESCAPE_LIKE = re.compile(r"(?<=_)(?=x[0-9A-Fa-f]{4}_)")


def cell_text(value: object) -> str:
    """Text as a cell holds it: the characters XML cannot carry dropped (as in Word files), the rest as typed
    (tabs and line ends too)."""
    return d.ILLEGAL_XML.sub("", str(value))


def looks_like_formula(text: str) -> bool:
    return text[:1] in FORMULA_LEADS or text.lstrip()[:1] in FORMULA_LEADS


def put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Set one cell; the only way the app writes a cell. Returns the cell.

    Text is a text cell (openpyxl makes "=…" a formula unless told), with Excel's quotePrefix when it could be
    read as a formula or DDE escape, so editing it keeps it text. A text holding `_xHHHH_` is split into rich-text
    runs between "_" and "x": Excel and LibreOffice decode that pattern only inside one run, and openpyxl joins
    runs when it reads (it writes strings inline and reads inline strings verbatim, so the usual `_x005F_` escape
    would read back escaped there). Numbers (int, Decimal, finite float), dates and booleans stay what they are.
    """
    cell = ws.cell(row, column)
    value, quote = cell_value(value)
    cell.value = value
    if quote is not None:
        cell.data_type = "s"
        if quote:
            cell.quotePrefix = True
    return cell


def cell_value(value: object) -> tuple[Any, bool | None]:
    """What a cell holds for `value` (put's rules), and for text whether it needs Excel's quotePrefix (None: not
    text). Text comes back as str or CellRichText, numbers, dates and booleans as they are, empty text as None."""
    if isinstance(value, Decimal) and not value.is_finite() or isinstance(value, float) and not math.isfinite(value):
        value = str(value)     # Excel has no NaN or infinity; openpyxl would write a file Excel repairs
    if isinstance(value, str):
        text = cell_text(value)
        if not text:
            return None, None
        parts = _ESCAPE_LIKE.split(text)
        if len(parts) > 1:
            from openpyxl.cell.rich_text import CellRichText
            return CellRichText(parts), looks_like_formula(text)
        return text, looks_like_formula(text)
    if value is None or isinstance(value, (int, float, Decimal, dt.date, dt.datetime, dt.time)):
        return value, None
    raise TypeError(f"not a cell value: {type(value).__name__}")


def append_row(ws: Worksheet, values: Iterable[object]) -> int:
    """put() each value into the row after the last one; returns the row number."""
    values = list(values)
    ws.append([None] * max(1, len(values)))
    row: int = ws._current_row    # the row append wrote; ws.max_row would look at every cell
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)
    return row


def _cell_value(kind: str, value: Any) -> Any:
    """The stored value as the Excel cell of a `kind` column holds it."""
    if value is None or value == "":
        return None
    if kind == HOURS:
        return hours(value)
    if kind == MONEY:
        return yuan(value)
    if kind == INT:
        return int(value)
    if kind in (DATE, DATETIME) and isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return cell_text(value)
        return parsed.date() if kind == DATE else parsed.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, str):
        return cell_text(value)
    return value


# -- the ledger (exports.xlsx_ledger writes it as a stream) ------------------------------------------------------
def write_ledger(path: str | os.PathLike[str], **kw: Any) -> Path:
    """Write one ledger sheet atomically and return the path: title row, bold header, rows, the 合计, the signing
    line when `signing` is given (exports.xlsx_ledger.write_counted's arguments)."""
    from .xlsx_ledger import write_counted
    return write_counted(path, **kw).path


# -- widths and heights -----------------------------------------------------------------------------------------
def _shown(kind: str, value: Any) -> str:
    """Roughly what the cell shows, for its width."""
    if value is None:
        return ""
    if kind == DATE:
        return "2026-08-25"
    if kind == DATETIME:
        return "2026-08-25 09:00"
    if kind == MONEY:
        return f"{value:,.2f}"
    return str(value)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped cell takes at `width` character units (one unit of padding)."""
    room = max(1.0, width - 2.5)     # padding, and the punctuation a line may not start with
    text = str(text)
    if "\n" not in text:
        return max(1, math.ceil(text_width(text) / room))
    return sum(max(1, math.ceil(text_width(part) / room)) for part in text.split("\n"))


def _header(label: str, width: float) -> str:
    """A label too long for its column breaks before its bracket (服务总时长 / （小时）), else into even lines
    (受益 / 人数, never 受益人 / 数)."""
    head, bracket, rest = label.partition("（")
    if bracket and head and text_width(label) > width - 1.5:
        return f"{head}\n（{rest}"
    lines = math.ceil(text_width(label) / max(1.0, width - 1))
    step = math.ceil(len(label) / max(1, lines))
    if bracket or "\n" in label or lines < 2 or len(label) % step == 1:     # fits, or one character would be left
        return label
    return "\n".join(label[i:i + step] for i in range(0, len(label), step))


# -- styles -----------------------------------------------------------------------------------------------------
# Row heights are set, not left to the reader: LibreOffice and Excel do not grow wrapped rows on opening.
def font(bold: bool = False, size: float = SIZE) -> Font:
    from openpyxl.styles import Font
    return Font(name=FONT, size=size, bold=bold)


def border() -> Border:
    """Thin black lines on every side of a cell."""
    from openpyxl.styles import Border, Side
    thin = Side(style="thin", color="000000")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def alignment(**kw: Any) -> Alignment:
    from openpyxl.styles import Alignment
    return Alignment(**kw)
