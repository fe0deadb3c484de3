"""How a ledger (exports.xlsx) prints: readable type on a chosen paper, the header on every page, the signing line.

The promise: the ledger's 10 pt text prints at no less than MIN_PT. The sheet's print scale is computed from its
column widths and set explicitly (never fit-to-page, which would shrink a wide ledger to any size): 100 when the
columns fit the page, less down to the minimum, and when even that is too wide the text columns are narrowed (they
wrap onto more lines) before anything would shrink. A ledger with too many columns for A4 asks for A3 itself.

Column widths are Excel character units: the digit width of the workbook's default font (宋体 10 pt). LibreOffice
draws a unit as 2.24 mm with its stand-in for 宋体, Excel on Windows as 1.85 mm: the wider is assumed.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.formatting import cn_date

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ..core.store import Store

MIN_PT = 9.0                          # the smallest printed size a ledger promises
MM_PER_UNIT = 2.25                    # one Excel width unit on paper at 100 %, the widest reader's
SIDE_MARGIN_IN, TOP_MARGIN_IN, BOTTOM_MARGIN_IN = 0.4, 0.6, 0.8
A4, A3 = "A4", "A3"
PAPER = {A4: (9, 297.0), A3: (8, 420.0)}      # openpyxl's paperSize code, and the landscape width in mm
NARROWEST = 9.0                       # a narrowed text column keeps three CJK characters a line
SIGN_GAP = "　" * 6


def printable_mm(paper: str) -> float:
    return PAPER[paper][1] - 2 * SIDE_MARGIN_IN * 25.4


def min_scale(size_pt: float) -> int:
    """The smallest print scale (percent) that keeps `size_pt` text at MIN_PT or more."""
    return math.ceil(MIN_PT / size_pt * 100)


def scale_for(widths: Sequence[float], paper: str) -> int:
    """The largest whole percent (≤ 100) at which the columns fit the paper's width."""
    need = sum(widths) * MM_PER_UNIT
    return min(100, math.floor(printable_mm(paper) / need * 100)) if need else 100


def fit(widths: list[float], flexible: Sequence[bool], paper: str, size_pt: float) -> list[float]:
    """The widths, with the flexible (wrapping text) columns narrowed in proportion, never below NARROWEST, until
    the whole fits the paper at the minimum scale; unchanged when it already fits."""
    budget = printable_mm(paper) * 100 / min_scale(size_pt) / MM_PER_UNIT
    excess = sum(widths) - budget
    room = sum(max(0.0, w - NARROWEST) for w, f in zip(widths, flexible) if f)
    if excess <= 0 or room <= 0:
        return widths
    share = min(1.0, excess / room)
    return [math.floor((w - max(0.0, w - NARROWEST) * share) * 2) / 2 if f else w for w, f in zip(widths, flexible)]


def code_width(values: Iterable[object], length: int = 18) -> float:
    """A column for codes that must stay on one line (统一社会信用代码): `length` digits at least, capital letters
    taken as 1.4 digits (Times' capitals against its digits), and the cell's padding."""
    def units(text: str) -> float:
        return sum(1.4 if c.isupper() else 1.0 for c in text)
    return math.ceil(max([float(length)] + [units(str(v)) for v in values if v]) + 2.5)


def page_setup(ws: Worksheet, widths: Sequence[float], *, header_row: int, rows: int, paper: str = A4,
               size_pt: float) -> None:
    """Column widths, the frozen header and its filter; landscape on `paper` at an explicit scale no less than
    the promised size allows, the header row on every page, page numbers in the footer."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    if rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(widths))}{header_row + rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER[paper][0]
    ws.page_setup.scale = max(min_scale(size_pt), scale_for(widths, paper))
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN_IN
    ws.page_margins.top, ws.page_margins.bottom = TOP_MARGIN_IN, BOTTOM_MARGIN_IN
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


# -- the signing line -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Signing:
    """填表人, 审核人 and 填报日期 at a ledger's foot; an empty name leaves room to sign by hand."""
    operator: str = ""
    reviewer: str = ""
    day: dt.date | None = None

    @classmethod
    def of(cls, store: Store, day: dt.date | str | None = None) -> Signing:
        """The names from 设置 (操作员 as 填表人, 审核人), the date given or today."""
        campaign = store.settings.campaign()
        when = dt.date.fromisoformat(day) if isinstance(day, str) else day
        return cls(campaign.get("operator") or "", campaign.get("reviewer") or "", when or dt.date.today())

    def text(self) -> str:
        def part(label: str, value: str) -> str:
            return f"{label}：{value or SIGN_GAP}"
        day = cn_date(self.day or dt.date.today())
        return SIGN_GAP.join([part("填表人", self.operator), part("审核人", self.reviewer), part("填报日期", day)])
