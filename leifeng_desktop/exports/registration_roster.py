"""The 登记表's roster: its columns, their widths and type sizes, and the table.

The widths are computed here, not typed: a column that holds a number (序号, 出生年月, 联系电话, 身份证号) is as wide
as its widest usual value set on one line in the widest usual Latin face (DejaVu Serif's digits are 0.64 em, Times
New Roman's 0.5 em), so no office's fonts can split "1981.07" or "189****0353"; a longer value (a full 身份证号) is
set smaller until it fits. The text columns share what is left and wrap in balanced lines.
"""
from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..core import schema as s
from ..core.formatting import form_value
from ..core.masking import mask_id_number, mask_phone
from . import document as d
from . import styles
from . import word_tables as wt

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table, _Cell

CENTER = WD_ALIGN_PARAGRAPH.CENTER
SEQ = ""                                # the key of the 序号 column (no field)
SEQ_LABEL = "序号"

SIZE, LINE = 9.0, 10.0                  # 小五 in exact 10 pt lines: the header and the text columns
# the text columns' (size, line) in order of preference: a team whose long values would push its form onto a second
# page gets the first of these that keeps it on one
TEXT_SIZES = ((SIZE, LINE), (8.0, 9.0), (7.5, 8.5))
NUM_SIZE = 8.0                          # numbers: the width of a number column is its widest value at this size
MIN_SIZE = 7.0                          # a longer number (a full 身份证号) is set smaller, down to this
PAD, PAD_V = 0.4, 0.35                  # cell padding left/right and top/bottom (mm)
SLACK = 0.3                             # room a renderer needs besides the measured text: borders, rounding (mm)
ROW_H = 5.0                             # minimum row height (mm)
TEXT_W = d.TEXT_W                       # the table fills the 156 mm text block


@dataclass(frozen=True)
class Column:
    """One roster column: a member field (or 序号) and how its width is found."""
    key: str
    fit: str = ""          # the widest usual value: the column holds it on one line
    share: int = 0         # a wrapping column's share of the width the fitted ones leave
    whole: bool = False    # a number: never split over lines (set smaller instead)
    label: str = ""        # the header when the schema's label is longer than the column needs

    @property
    def header(self) -> str:
        return self.label or (SEQ_LABEL if self.key == SEQ else s.MEMBER.field(self.key).label)


COLUMNS = (
    Column(SEQ, fit="99", whole=True),
    Column("name", fit="欧阳晓"),
    Column("gender", fit="男"),
    Column("birth_month", fit="1999.12", whole=True),
    Column("politics", fit="中共党员"),
    Column("work", share=4),
    Column("phone", fit=mask_phone("13900000000"), whole=True),
    Column("skills", share=3, label="服务技能"),
    Column("id_number", fit=mask_id_number("110101199901010000"), whole=True),
)


# -- measuring ---------------------------------------------------------------------------------------------------
def _em(ch: str) -> float:
    """A character's advance in the widest usual faces (CJK: any 仿宋/宋体/Noto; Latin: DejaVu Serif)."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch in ".,:;'|!" or ch == " ":
        return 0.32
    if ch == "*":
        return 0.5
    if ch.isupper():
        return 0.75
    return 0.64


_CHARS: dict[str, tuple[float, bool]] = {}    # character → (_em, wide): a few thousand at most


@functools.lru_cache(maxsize=4096)     # balancing measures the same pieces of a value again and again
def width_mm(text: str, size: float) -> float:
    """Printed width of one line of text, measured wide (see _em), with the gap LibreOffice leaves where CJK and
    Latin meet."""
    ems, last = 0.0, None
    for ch in text:
        known = _CHARS.get(ch)
        if known is None:
            known = _CHARS[ch] = (_em(ch), unicodedata.east_asian_width(ch) in "WF")
        em, wide = known
        ems += em + (0.2 if last is not None and wide != last and ch != " " else 0)
        last = wide
    return ems * size * 25.4 / 72


def _fixed_width(col: Column) -> float:
    return max(width_mm(col.fit, NUM_SIZE if col.whole else SIZE), width_mm(col.header, SIZE)) + 2 * PAD + SLACK


def column_widths(columns: Sequence[Column] = COLUMNS, total: float = TEXT_W) -> list[float]:
    """Millimetres per column: fitted columns as their widest value, the rest of `total` by share."""
    fixed = {c.key: math.ceil(_fixed_width(c) * 10) / 10 for c in columns if not c.share}
    left = total - sum(fixed.values())
    shares = sum(c.share for c in columns if c.share)
    widths = [fixed.get(c.key) or round(left * c.share / shares, 1) for c in columns]
    widths[-1 if columns[-1].share else next(i for i, c in enumerate(columns) if c.share)] += total - sum(widths)
    return widths


def fitting_size(values: Sequence[str], width: float) -> float:
    """The largest size up to NUM_SIZE (in quarter points, at least MIN_SIZE) that keeps every value on one line."""
    room = width - 2 * PAD - SLACK
    widest = max((width_mm(v, 1.0) for v in values), default=0.0)
    if widest <= 0:
        return NUM_SIZE
    return max(MIN_SIZE, min(NUM_SIZE, math.floor(room / widest * 4) / 4))


def balanced(text: str, width: float, size: float = SIZE) -> str:
    """Text broken into the fewest lines that fit `width`, the lines about even ("无党派/人士", never "无党派人/士");
    a break falls at a space or between CJK characters, never inside a Latin or digit run."""
    room = width - 2 * PAD - SLACK
    return "\n".join(_balance_line(line, room, size) for line in text.split("\n"))


NO_START = "、，。；：？！）》」』”’·—…"    # never at the start of a line
NO_END = "（《「『“‘"                        # never at the end of one


def _breaks(text: str) -> list[int]:
    """Positions a line may end at (the text before the index): at a space, or between CJK characters where
    Chinese typesetting allows it (no 、 or ） starting a line, no （ ending one)."""
    spots = []
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if a in NO_END or b in NO_START:
            continue
        if " " in (a, b) or any(unicodedata.east_asian_width(ch) in "WF" for ch in (a, b)):
            spots.append(i)
    return spots


@functools.lru_cache(maxsize=2048)    # rosters repeat their values (one employer, the same skills)
def _balance_line(text: str, room: float, size: float) -> str:
    """The fewest lines that fit `room`, as even as they can be, a break at a space or after a 、 preferred: a
    shortest path over the break points, scored by (lines, sum of squared distances from the even width)."""
    if width_mm(text, size) <= room:
        return text
    spots = [0, *_breaks(text), len(text)]
    fewest = _fewest_lines(text, spots, room, size)
    if fewest is None:
        return text       # no break point helps (one long Latin word): the renderer wraps it
    target, em = width_mm(text, size) / fewest, width_mm("中", size)
    best: dict[int, tuple[int, float, int]] = {0: (0, 0.0, -1)}     # spot → (lines, score, previous spot)
    for j in range(1, len(spots)):
        for i in range(j - 1, -1, -1):
            width = width_mm(text[spots[i]:spots[j]].strip(), size)
            if width > room:
                break      # an earlier start only makes the line longer
            if i not in best:
                continue
            lines, score, _ = best[i]
            natural = j < len(spots) - 1 and (text[spots[j] - 1] in " 、，；" or text[spots[j]] == " ")
            candidate = (lines + 1, score + (width - target) ** 2 - (em * em if natural else 0), i)
            if j not in best or candidate[:2] < best[j][:2]:
                best[j] = candidate
    cuts, j = [], len(spots) - 1
    while j > 0:
        i = best[j][2]
        cuts.append(text[spots[i]:spots[j]].strip())
        j = i
    return "\n".join(reversed(cuts))


def _fewest_lines(text: str, spots: list[int], room: float, size: float) -> int | None:
    """Lines needed when each line takes as much as fits (fewest possible for these break points)."""
    lines, start = 0, 0
    while start < len(text):
        ahead = [p for p in spots if p > start and width_mm(text[start:p].strip(), size) <= room]
        if not ahead:
            return None
        start, lines = max(ahead), lines + 1
    return lines


def line_count(text: str, width: float, size: float) -> int:
    """Lines a value takes in a cell of `width` (its own line breaks and wrapping, measured wide)."""
    room = max(width - 2 * PAD - SLACK, 1.0)
    return sum(max(1, math.ceil(width_mm(line, size) / room)) for line in text.split("\n"))


# -- the table ---------------------------------------------------------------------------------------------------
@dataclass
class Roster:
    """The roster's cell texts, the size each column is set in and the line height of the text."""
    widths: list[float]
    rows: list[list[str]]
    sizes: list[float]
    line: float = LINE

    def row_heights(self) -> list[float]:
        """Each member row's printed height (mm), as the page estimate needs it; one empty row for no members."""
        lines = [max(line_count(v, w, z) for v, w, z in zip(row, self.widths, self.sizes)) for row in self.rows]
        return [max(ROW_H, n * self.line * 25.4 / 72 + 2 * PAD_V) for n in lines or [1]]


def cell_value(field: s.Field, value: object, *, reveal: bool = False) -> str:
    """In the narrow roster columns a month reads 1984.02, as on printed rosters; the rest as on the form."""
    if field.type == s.MONTH and value and len(str(value)) == 7 and str(value)[4] == "-":
        return str(value).replace("-", ".")
    return form_value(field, value, reveal=reveal)


def roster_of(members: Sequence[dict[str, Any]], *, reveal: bool = False, size: float = SIZE,
              line: float = LINE) -> Roster:
    """The roster's cells with the text columns in `size` on `line` (points); numbers as large as fits."""
    widths = column_widths()
    raw = [[str(n) if c.key == SEQ else cell_value(s.MEMBER.field(c.key), m.get(c.key), reveal=reveal)
            for c in COLUMNS] for n, m in enumerate(members, start=1)]
    sizes = [fitting_size([r[i] for r in raw], w) if c.whole else size
             for i, (c, w) in enumerate(zip(COLUMNS, widths))]
    rows = [[v if c.whole else balanced(v, w, z) for v, c, w, z in zip(r, COLUMNS, widths, sizes)] for r in raw]
    return Roster(widths, rows, sizes, line)


def no_wrap(cell: _Cell) -> None:
    """w:noWrap: a number's cell is not to wrap (Word honours it where the layout lets it; the width does the rest)."""
    tc_pr = cell._tc.get_or_add_tcPr()
    if tc_pr.find(qn("w:noWrap")) is None:
        el = OxmlElement("w:noWrap")
        later = [tc_pr.find(qn(t)) for t in ("w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")]
        anchor = next((e for e in later if e is not None), None)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            tc_pr.append(el)


def add_roster_table(doc: Document, roster: Roster, new_table: Callable[[Document, int, Sequence[float]], Table]) \
        -> Table:
    """The roster as a table: a header row that repeats on every page, rows never split, one row when empty."""
    table: Table = new_table(doc, 1 + max(1, len(roster.rows)), roster.widths)
    header = table.rows[0]
    wt.repeat_header(header)
    wt.cant_split(header)
    wt.set_row_height(header, ROW_H)
    for cell, col in zip(header.cells, COLUMNS):
        wt.write_cell(cell, col.header, size=SIZE, align=CENTER, line=LINE, style=styles.TABLE_HEAD)
    if not roster.rows:
        row = table.rows[1]
        wt.set_row_height(row, ROW_H)
        wt.write_cell(wt.merge_across(row, 0, len(COLUMNS) - 1), "（暂无队员）", size=SIZE, align=CENTER, line=LINE)
    for row, values in zip(table.rows[1:], roster.rows):
        wt.cant_split(row)
        wt.set_row_height(row, ROW_H)
        for cell, value, col, size in zip(wt.plain_cells(row, table), values, COLUMNS, roster.sizes):
            wt.write_cell(cell, value, size=size, align=CENTER, line=roster.line)
            if col.whole:
                no_wrap(cell)
    wt.set_col_widths(table, list(roster.widths))
    return table
