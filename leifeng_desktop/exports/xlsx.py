"""A generic Excel ledger (台账): title row, bold header, frozen panes, number formats, a 合计 row, print set-up.

Columns say what kind of value they hold; rows carry stored values (minutes, fen, ISO dates) and the writer turns
them into Excel numbers and dates exactly (Decimal, never float arithmetic). Columns built from schema fields take
the schema's label and show choices, lists and sensitive values through core.formatting.display.

Every cell of every workbook the app writes goes through put(): text is always a text cell, never a formula, and
reads back as typed in Excel, LibreOffice and openpyxl (see put's notes). build_ledger works in three steps: the
values (every cell through put), the styles (fonts, borders, alignments, number formats, row heights), the page
set-up (widths, frozen header, filter, print: exports.xlsx_print, which keeps the printed text at 9 pt or more).
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import schema as s
from ..core.formatting import display
from . import document as d
from . import xlsx_print as xp
from .files import save_atomic

if TYPE_CHECKING:   # openpyxl has no type information: these document what is passed, they check nothing
    from openpyxl import Workbook
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


def text_width(text: str) -> int:
    """Excel character units: CJK and full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


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
    if isinstance(value, Decimal) and not value.is_finite() or isinstance(value, float) and not math.isfinite(value):
        value = str(value)     # Excel has no NaN or infinity; openpyxl would write a file Excel repairs
    if isinstance(value, str):
        text = cell_text(value)
        if not text:
            cell.value = None
            return cell
        parts = _ESCAPE_LIKE.split(text)
        if len(parts) > 1:
            from openpyxl.cell.rich_text import CellRichText
            cell.value = CellRichText(parts)
        else:
            cell.value = text
        cell.data_type = "s"
        if looks_like_formula(text):
            cell.quotePrefix = True
    elif value is None or isinstance(value, (int, float, Decimal, dt.date, dt.datetime, dt.time)):
        cell.value = value
    else:
        raise TypeError(f"not a cell value: {type(value).__name__}")
    return cell


def append_row(ws: Worksheet, values: Iterable[object]) -> int:
    """put() each value into the row after the last one; returns the row number."""
    values = list(values)
    ws.append([None] * max(1, len(values)))
    row: int = ws.max_row
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


# -- the ledger -------------------------------------------------------------------------------------------------
@dataclass
class _Sheet:
    """What the three steps share: the values go in, then their styles, then the page set-up."""
    columns: list[Column]
    cells: list[list[Any]]            # data rows as cell values
    totals: Mapping[int, Any] | None  # as given to build_ledger
    total_row: list[Any] | None       # the 合计 row's cell values
    widths: list[float]
    header_row: int = 2


def build_ledger(*, title: str, columns: list[Column], rows: Iterable[Sequence[Any]],
                 totals: Mapping[int, Any] | None = None, subtitle: str = "", sheet_name: str = "台账",
                 totals_label: str = "合计", paper: str = xp.A4) -> Workbook:
    """The ledger as an openpyxl Workbook (one sheet). `rows` hold stored values in column order; `totals` maps a
    column index to a stored value, SUM or COUNT (the 合计 label goes in column 0 unless it has a total). Printed
    landscape on `paper` (xlsx_print.A4 or A3) with the text no smaller than xlsx_print.MIN_PT."""
    cells, sums = _converted(columns, rows)
    out = _totals(columns, totals, sums, len(cells), totals_label) if totals is not None else None
    widths = xp.fit(_widths(columns, cells + ([out] if out is not None else [])),
                    [c.kind in (TEXT, LONG) and c.wrap for c in columns], paper, SIZE)
    sheet = _Sheet(columns, cells, totals, out, widths)
    wb, ws = _new_book(sheet_name)
    _put_values(ws, sheet, title, subtitle)
    _style_title(ws, subtitle)
    _style_header(ws, sheet)
    _style_rows(ws, sheet)
    _style_totals(ws, sheet)
    xp.page_setup(ws, sheet.widths, header_row=sheet.header_row, rows=len(sheet.cells), paper=paper, size_pt=SIZE)
    return wb


def write_ledger(path: str | os.PathLike[str], *, signing: xp.Signing | None = None, **kw: Any) -> Path:
    """Write one ledger sheet (build_ledger's arguments) atomically, with the signing line at its foot when
    given, and return the path."""
    wb = build_ledger(**kw)
    if signing is not None:
        add_signing(wb.active, signing)
    return save_atomic(wb, Path(path))


def add_signing(ws: Worksheet, signing: xp.Signing) -> int:
    """填表人/审核人/填报日期 under everything on the sheet, across its columns; returns the row."""
    return xp.add_signing(ws, ws.max_column, signing, size_pt=SIZE)


# -- values -----------------------------------------------------------------------------------------------------
def _converted(columns: list[Column], rows: Iterable[Sequence[Any]]) -> tuple[list[list[Any]], dict[int, int]]:
    """Rows as cell values, and the exact sums of the numeric columns' stored integers."""
    sums: dict[int, int] = {}
    cells: list[list[Any]] = []
    for raw in rows:
        values: list[Any] = []
        for i, (col, value) in enumerate(zip(columns, raw)):
            if col.convert is not None:
                value = col.convert(value)
            if col.kind in NUMERIC and value not in (None, ""):
                sums[i] = sums.get(i, 0) + int(value)     # stored integers: the total is exact
            values.append(_cell_value(col.kind, value))
        cells.append(values)
    return cells, sums


def _totals(columns: list[Column], totals: Mapping[int, Any], sums: dict[int, int], count: int,
            label: str) -> list[Any]:
    out: list[Any] = [None] * len(columns)
    for i, value in totals.items():
        raw = sums.get(i, 0) if value == SUM else count if value == COUNT else value
        out[i] = count if value == COUNT else _cell_value(columns[i].kind, raw)
    if out[0] is None:
        out[0] = label
    return out


def _put_values(ws: Worksheet, sheet: _Sheet, title: str, subtitle: str) -> None:
    """Every cell's value through put(): title (and subtitle) merged across, header, rows, 合计."""
    from openpyxl.utils import get_column_letter
    ncols, last = len(sheet.columns), get_column_letter(len(sheet.columns))
    for text in (title, subtitle) if subtitle else (title,):
        r = append_row(ws, [text] + [None] * (ncols - 1))
        ws.merge_cells(f"A{r}:{last}{r}")
    sheet.header_row = append_row(ws, [_header(c.label, w) for c, w in zip(sheet.columns, sheet.widths)])
    for values in sheet.cells:
        append_row(ws, values)
    if sheet.total_row is not None:
        append_row(ws, sheet.total_row)


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
    return sum(max(1, math.ceil(text_width(part) / room)) for part in str(text).split("\n"))


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


def _widths(columns: list[Column], cells: list[list[Any]]) -> list[float]:
    """From the label (a long label wraps onto two lines) and the widest value, within the kind's bounds."""
    out: list[float] = []
    for i, col in enumerate(columns):
        if col.width:    # a number never shows as ###: a fixed width still takes the widest number (the 合计)
            numbers = [text_width(_shown(col.kind, row[i])) + 2.5 for row in cells if col.kind in NUMERIC]
            out.append(max([col.width] + numbers))
            continue
        low, high = WIDTHS[col.kind]
        label = text_width(col.label)
        need = max([label if label <= 10 else math.ceil(label / 2) + 1] +
                   [text_width(_shown(col.kind, row[i])) for row in cells])
        out.append(max(low, min(high, need + 2)))
    return out


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


def _style_title(ws: Worksheet, subtitle: str) -> None:
    ws["A1"].font = font(bold=True, size=TITLE_SIZE)
    ws["A1"].alignment = alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 30
    if subtitle:
        ws["A2"].font, ws["A2"].alignment = font(), alignment(horizontal="left", vertical="center")


def _style_header(ws: Worksheet, sheet: _Sheet) -> None:
    from openpyxl.styles import PatternFill
    bold, lines = font(bold=True), border()
    center = alignment(horizontal="center", vertical="center", wrap_text=True)
    for cell in ws[sheet.header_row]:
        cell.font, cell.alignment, cell.border = bold, center, lines
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    height = max(_lines(c.label, w) for c, w in zip(sheet.columns, sheet.widths))
    ws.row_dimensions[sheet.header_row].height = LINE_PT * height + PAD_PT


def _style_rows(ws: Worksheet, sheet: _Sheet) -> None:
    """Data rows: text wraps within its column (the row as high as its longest text), numbers to the right."""
    plain, lines = font(), border()
    for r, values in enumerate(sheet.cells, start=sheet.header_row + 1):
        height = 1
        for i, (col, value) in enumerate(zip(sheet.columns, values)):
            cell = ws.cell(r, i + 1)
            cell.font, cell.border = plain, lines
            wrap = col.kind in (TEXT, LONG) and col.wrap and value is not None
            if wrap:
                height = max(height, _lines(_shown(col.kind, value), sheet.widths[i]))
            cell.alignment = alignment(vertical="center", wrap_text=wrap,
                                       horizontal=col.align or ("right" if col.kind in NUMERIC else None),
                                       indent=1 if col.kind in NUMERIC and not col.align else 0)
            if col.kind in FORMATS:
                cell.number_format = FORMATS[col.kind]
        ws.row_dimensions[r].height = LINE_PT * height + PAD_PT


def _style_totals(ws: Worksheet, sheet: _Sheet) -> None:
    if sheet.total_row is None or sheet.totals is None:
        return
    r = sheet.header_row + len(sheet.cells) + 1
    bold, lines = font(bold=True), border()
    for i, col in enumerate(sheet.columns):
        cell = ws.cell(r, i + 1)
        cell.font, cell.border = bold, lines
        number = isinstance(cell.value, (int, Decimal)) and i > 0
        cell.alignment = alignment(horizontal="right" if number else "center", vertical="center",
                                   indent=1 if number else 0)
        if col.kind in FORMATS and sheet.totals.get(i) != COUNT:
            cell.number_format = FORMATS[col.kind]
    ws.row_dimensions[r].height = LINE_PT + PAD_PT


# -- the book and its page set-up -------------------------------------------------------------------------------
def _new_book(sheet_name: str) -> tuple[Workbook, Worksheet]:
    from openpyxl import Workbook
    from openpyxl.utils.indexed_list import IndexedList
    wb = Workbook()
    # the default font sets Excel's width unit: with 宋体 10 a CJK character is two units in Excel and LibreOffice
    default = font()
    wb._fonts = IndexedList([default])
    wb._named_styles["Normal"].font = default
    ws = wb.active
    ws.title = d.clean_text(sheet_name)[:31] or "台账"
    return wb, ws
