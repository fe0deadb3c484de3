"""Word tables on top of exports.document: borders, fixed column widths, cell padding, rows that repeat or never
split, merges, and write_cell (one paragraph of text in 表格文字 or 表头).

python-docx styles a cell in about a millisecond (each property found or inserted in schema order), and a city's
附表 or a large roster has thousands of cells; write_cell therefore styles one paragraph per kind of cell (style,
alignment, line, font, size, bold) once per thread and copies it into each fresh cell, setting only its text. The
copy is the same XML the slow path writes (tests/exports/test_word_tables.py compares them). A table of many
alike rows goes further: one row is written so, and repeat_row copies it whole for the others.
"""
from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from . import styles as st
from .document import SIZE_5, apply_style, set_text, styled_paragraph, styled_run

if TYPE_CHECKING:
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.table import Table, _Row

# -- tables -----------------------------------------------------------------------------------------------------
# Child order the schema demands (Word refuses, LibreOffice ignores, elements out of order).
_ORDER = {
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:trPr": ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
               "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"),
    "w:tblCellMar": ("w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right"),
}


def _child(parent: BaseOxmlElement, tag: str) -> BaseOxmlElement:
    """The parent's `tag` child, created in its schema position if missing."""
    found: BaseOxmlElement | None = parent.find(qn(tag))
    if found is not None:
        return found
    el = OxmlElement(tag)
    order = _ORDER[next(k for k in _ORDER if parent.tag == qn(k))]
    later = {qn(t) for t in order[order.index(tag) + 1:]}
    for sibling in parent:
        if sibling.tag in later:
            sibling.addprevious(el)
            return el
    parent.append(el)
    return el


def set_table_borders(table: Table, *, size: int = 4) -> None:
    """Single lines around and between all cells; size in eighths of a point."""
    borders = _child(table._tbl.tblPr, "w:tblBorders")
    for el in list(borders):
        borders.remove(el)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), str(size))
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)


_TC_PR, _TC_W, _W_TYPE, _W_W, _W_VAL = qn("w:tcPr"), qn("w:tcW"), qn("w:type"), qn("w:w"), qn("w:val")


def set_col_widths(table: Table, widths_mm: list[float]) -> None:
    """Fixed column widths: tblGrid for LibreOffice, tcW on every cell for Word, no autofit."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    tbl_w = _child(tbl_pr, "w:tblW")
    tbl_w.set(qn("w:w"), str(int(Mm(sum(widths_mm)).twips)))
    tbl_w.set(qn("w:type"), "dxa")
    layout = _child(tbl_pr, "w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    for column, mm in zip(table.columns, widths_mm):
        column.width = Mm(mm)
    spans: dict[tuple[int, int], Mm] = {}    # (first column, span) → width: rows share their few shapes
    for tr in table._tbl.tr_lst:
        col = 0
        for tc in tr.tc_lst:
            tc_pr = tc.find(_TC_PR)     # python-docx's tc.grid_span and tc.width, without their look-ups
            grid_span = tc_pr.find(_GRID_SPAN) if tc_pr is not None else None
            span = int(grid_span.get(_W_VAL)) if grid_span is not None else 1
            width = spans.get((col, span))
            if width is None:
                width = spans[(col, span)] = Mm(sum(widths_mm[col:col + span]))
            tc_w = tc_pr.find(_TC_W) if tc_pr is not None else None
            if tc_w is None:
                tc.width = width
            else:        # python-docx's setter, without its look-ups
                tc_w.set(_W_TYPE, "dxa")
                tc_w.set(_W_W, str(width.twips))
            col += span


def set_cell_margins(table: Table, *, left: float = 1.0, right: float = 1.0, top: float = 0, bottom: float = 0) -> None:
    """Default padding of every cell of the table, in millimetres."""
    mar = _child(table._tbl.tblPr, "w:tblCellMar")
    for edge, mm in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        el = _child(mar, f"w:{edge}")
        el.set(qn("w:w"), str(int(Mm(mm).twips)))
        el.set(qn("w:type"), "dxa")


def _tr_pr(row: _Row) -> BaseOxmlElement:
    tr_pr: BaseOxmlElement = row._tr.get_or_add_trPr()
    return tr_pr


def repeat_header(row: _Row) -> None:
    """The row repeats at the top of every page the table runs onto (w:tblHeader)."""
    _child(_tr_pr(row), "w:tblHeader").set(qn("w:val"), "true")


def cant_split(row: _Row) -> None:
    """A row is never broken across two pages (w:cantSplit)."""
    _child(_tr_pr(row), "w:cantSplit").set(qn("w:val"), "true")


def set_row_height(row: _Row, mm: float, *, exact: bool = False) -> None:
    row.height = Mm(mm)
    tr_height = _tr_pr(row).find(qn("w:trHeight"))
    tr_height.set(qn("w:hRule"), "exact" if exact else "atLeast")


def set_cell_valign(cell: _Cell, where: str = "center") -> None:
    """Vertical alignment of a cell's content: top, center or bottom."""
    cell.vertical_alignment = {"top": WD_CELL_VERTICAL_ALIGNMENT.TOP, "center": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
                               "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM}[where]


def plain_cells(row: _Row, table: Table) -> list[_Cell]:
    """row.cells of a row without merged cells, without python-docx's look-ups of spans and merges per cell."""
    return [_Cell(tc, table) for tc in row._tr.tc_lst]


def merge_across(row: _Row, start: int, end: int) -> _Cell:
    """Merge cells start..end (inclusive) of one row into one; returns the merged cell. In a row of plain cells
    (no spans yet) whose cells after the first are empty, the merge is done as python-docx's would leave it,
    without its measuring of the whole table (a fiftieth of a second per merge)."""
    tcs = row._tr.tc_lst
    if end > start and all(_unmerged(tc) for tc in tcs) and all(tc._is_empty for tc in tcs[start + 1:end + 1]):
        first = tcs[start]
        for tc in tcs[start + 1:end + 1]:
            first._add_width_of(tc)
            tc.getparent().remove(tc)
        first.grid_span = end - start + 1
        return _Cell(first, row.table)
    merged: _Cell = row.cells[start].merge(row.cells[end])
    return merged


_GRID_SPAN, _V_MERGE = qn("w:gridSpan"), qn("w:vMerge")


def _unmerged(tc: BaseOxmlElement) -> bool:
    tc_pr = tc.tcPr
    return tc_pr is None or (tc_pr.find(_GRID_SPAN) is None and tc_pr.find(_V_MERGE) is None)


def merge_down(table: Table, col: int, start: int, end: int) -> _Cell:
    """Merge the cells of one column from row start to row end (inclusive)."""
    merged: _Cell = table.cell(start, col).merge(table.cell(end, col))
    return merged


def write_cell(cell: _Cell, text: object, east_asia: str | None = None, *, size: float | None = SIZE_5,
               bold: bool | None = None, align: WD_PARAGRAPH_ALIGNMENT | None = None, valign: str | None = "center",
               line: float | None = None, style: st.Style = st.TABLE_TEXT) -> Paragraph:
    """Replace a cell's content by one paragraph of (multi-line) text in `style` (表格文字; 表头 for header cells);
    font and size written on the run only where they differ from the style. A fresh cell (one empty paragraph)
    gets a copy of the kind's styled paragraph."""
    tc = cell._tc
    paragraphs = tc.p_lst
    if len(paragraphs) == 1 and len(paragraphs[0]) == 0 and not paragraphs[0].attrib:
        p = styled_paragraph(style, east_asia, size=size, bold=bold, align=align, line=line)
        set_text(p, text)
        tc.replace(paragraphs[0], p)
        paragraph = Paragraph(p, cell)
    else:
        paragraph = cell.paragraphs[0]
        for extra in cell.paragraphs[1:]:
            extra._p.getparent().remove(extra._p)
        for old in list(paragraph.runs):
            old._r.getparent().remove(old._r)
        apply_style(paragraph, style, align=align, line=line)
        if text not in (None, ""):
            styled_run(paragraph, text, east_asia, size=size, bold=bold)
    if valign:
        _valign(tc, valign)
    return paragraph


_VALIGN = {"top": "top", "center": "center", "bottom": "bottom"}
_AFTER_VALIGN = frozenset(qn(t) for t in ("w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge",
                                           "w:tcPrChange"))


def _valign(tc: BaseOxmlElement, where: str) -> None:
    """set_cell_valign without python-docx's look-ups: w:vAlign in its schema place."""
    tc_pr = tc.find(_TC_PR)
    if tc_pr is None:
        tc_pr = tc.get_or_add_tcPr()
    el = tc_pr.find(qn("w:vAlign"))
    if el is None:
        el = OxmlElement("w:vAlign")
        later = next((child for child in tc_pr if child.tag in _AFTER_VALIGN), None)
        if later is None:
            tc_pr.append(el)
        else:
            later.addprevious(el)
    el.set(qn("w:val"), _VALIGN[where])


# -- rows copied --------------------------------------------------------------------------------------------------
PLACEHOLDER = "@@cell{}@@"      # the text write_cell puts in column n of the row repeat_row copies
_TC = qn("w:tc")


def repeat_row(template: _Row, rows: Sequence[Sequence[str]]) -> None:
    """Replace `template`, a finished row (widths set) whose cells write_cell wrote with a text (PLACEHOLDER), by
    one copy per entry of `rows`, each cell's text set by set_text: the XML write_cell writes, at a copy of the row
    per row instead of a styled copy per cell (a city's 附表 has thousands of cells)."""
    tr = template._tr
    for values in rows:
        row = copy.deepcopy(tr)
        for tc, value in zip(row.iterchildren(_TC), values):
            set_text(tc[-1], value)
        tr.addprevious(row)
    tr.getparent().remove(tr)
