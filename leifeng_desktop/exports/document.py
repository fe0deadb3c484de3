"""GB/T 9704-2012 page set-up and the python-docx plumbing every Word document of the app shares.

python-docx knows nothing of East Asian text: `font.name` sets only the Latin fonts, its default template says
ja-JP and uses theme fonts that override any font name we write. new_document() fixes the defaults and defines the
named paragraph styles (exports.styles) with their w:eastAsia fonts; a paragraph made with style= carries only what
differs from its style, one made without carries its fonts on each run (set_run_font).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import styles as st

# the fonts and sizes, re-exported: callers say d.FANGSONG, d.SIZE_3
from .fonts import FALLBACKS as FALLBACKS
from .fonts import FANGSONG as FANGSONG
from .fonts import HEI as HEI
from .fonts import KAI as KAI
from .fonts import LATIN as LATIN
from .fonts import SIZE_2 as SIZE_2
from .fonts import SIZE_3 as SIZE_3
from .fonts import SIZE_4 as SIZE_4
from .fonts import SIZE_5 as SIZE_5
from .fonts import SIZE_XIAO2 as SIZE_XIAO2
from .fonts import SIZE_XIAO3 as SIZE_XIAO3
from .fonts import SIZE_XIAO4 as SIZE_XIAO4
from .fonts import SONG as SONG
from .fonts import XIAOBIAOSONG as XIAOBIAOSONG
from .fonts import register_fonts
from .properties import drop_template_leftovers
from .properties import set_properties as set_properties

if TYPE_CHECKING:
    from docx.blkcntnr import BlockItemContainer
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.table import Table, _Cell, _Row
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

PAGE_W, PAGE_H = 210, 297
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 37, 35, 28, 26
TEXT_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT     # 156 mm

# XML 1.0 refuses these (and lxml with them); \t and \n stay.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: object) -> str:
    """Text safe for a document: line ends as \\n, XML-illegal characters dropped, everything else kept."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_XML.sub("", text)


def text_width_mm(text: str, size_pt: float) -> float:
    """Rough printed width: CJK one em, digits about half, and the gap LibreOffice leaves where scripts change."""
    ems, last = 0.0, None
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if wide:
            ems += 1.0
        elif ch.isupper():
            ems += 0.72
        elif ch == " ":
            ems += 0.25
        else:
            ems += 0.56      # Times digits are 0.5 em; LibreOffice's stand-ins are wider
        if last is not None and wide != last and ch != " ":
            ems += 0.2
        last = wide
    return ems * size_pt * 25.4 / 72


# -- the document -----------------------------------------------------------------------------------------------
def new_document(*, title: str = "", author: str = "", created: dt.datetime | None = None) -> DocumentObject:
    """An empty A4 document with GB/T 9704 margins, zh-CN language, 仿宋 as the default CJK font, the named
    paragraph styles (exports.styles) and its file properties (set_properties)."""
    doc = Document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):   # the template's empty first paragraph
        body.remove(p)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP), Mm(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT), Mm(MARGIN_RIGHT)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)
    _set_defaults(doc)
    register_fonts(doc)
    st.define_styles(doc)
    drop_template_leftovers(doc)
    set_properties(doc, title=title, author=author, created=created)
    return doc


def _set_defaults(doc: DocumentObject) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):   # themes beat names
        fonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", LATIN), ("w:hAnsi", LATIN), ("w:eastAsia", FANGSONG), ("w:cs", LATIN)):
        fonts.set(qn(attr), name)
    for tag, half_points in (("w:sz", SIZE_3 * 2), ("w:szCs", SIZE_3 * 2)):
        rpr.find(qn(tag)).set(qn("w:val"), str(half_points))
    lang = rpr.find(qn("w:lang"))
    # Latin text (digits, XX) as English, East Asian text as zh-CN: LibreOffice breaks a line anywhere inside a
    # number tagged zh-CN ("9月1|2日", "49|4人")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    # no extra quarter-em between Chinese and Latin/digits: "2026年8月1日" as typed, and form cells keep their room
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "0")
        spacing.addprevious(el)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


# -- runs and paragraphs ----------------------------------------------------------------------------------------
def set_run_font(run: Run, east_asia: str = FANGSONG, *, size: float | None = None, bold: bool | None = None,
                 latin: str = LATIN) -> None:
    """Latin and East Asian fonts of one run (python-docx's font.name writes only the Latin ones)."""
    rpr = run._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), name)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def add_run(paragraph: Paragraph, text: object, east_asia: str | None = FANGSONG, *, size: float | None = None,
            bold: bool | None = None) -> Run:
    """A run of cleaned text; \\n becomes a line break and \\t a tab (python-docx's run.text does both).
    east_asia None: the paragraph style's fonts, nothing written on the run."""
    run = paragraph.add_run()
    run.text = clean_text(text)
    if east_asia is not None:
        set_run_font(run, east_asia, size=size, bold=bold)
    else:
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold
    return run


def styled_run(paragraph: Paragraph, text: object, east_asia: str | None = None, *, size: float | None = None,
               bold: bool | None = None) -> Run:
    """A run in a paragraph that names a style: fonts, size and bold written only where they differ from it."""
    style = st.STYLES.get(paragraph._p.style or "")
    if style is None:
        return add_run(paragraph, text, east_asia or FANGSONG, size=SIZE_3 if size is None else size, bold=bold)
    return add_run(paragraph, text, None if east_asia in (None, style.font) else east_asia,
                   size=None if size in (None, style.size) else size,
                   bold=None if bold is None or bold == style.bold else bold)


def set_spacing(paragraph: Paragraph, *, line: float | None = None, before: float = 0, after: float = 0,
                first_indent: float | None = None) -> None:
    """Exact line height in points (fonts with tall ascent, Noto CJK, then take the same room as 仿宋)."""
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    _no_autospace(paragraph)
    if line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    if first_indent is not None:
        fmt.first_line_indent = Pt(first_indent)


def _no_autospace(paragraph: Paragraph) -> None:
    """Repeat the document default on the paragraph: LibreOffice ignores w:autoSpaceDE/DN in docDefaults."""
    ppr = paragraph._p.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        if ppr.find(qn(tag)) is None:
            el = OxmlElement(tag)
            el.set(qn("w:val"), "0")
            ppr.insert_element_before(el, "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                                      "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                                      "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                                      "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                                      "w:pPrChange")


def add_paragraph(container: DocumentObject | BlockItemContainer, text: str = "", east_asia: str | None = None, *,
                  size: float | None = None, bold: bool | None = None, align: WD_PARAGRAPH_ALIGNMENT | None = None,
                  line: float | None = None, before: float | None = None, after: float | None = None,
                  style: st.Style | None = None) -> Paragraph:
    """A paragraph holding one run; container is the document or a table cell. With a style (exports.styles)
    only what differs from it is written on the paragraph and the run; without one, 仿宋 3号 and no space before
    or after, all written directly."""
    paragraph = container.add_paragraph()
    if style is None:
        if align is not None:
            paragraph.alignment = align
        set_spacing(paragraph, line=line, before=before or 0, after=after or 0)
        if text:
            add_run(paragraph, text, east_asia or FANGSONG, size=SIZE_3 if size is None else size, bold=bold)
        return paragraph
    apply_style(paragraph, style, align=align, line=line, before=before, after=after)
    if text:
        styled_run(paragraph, text, east_asia, size=size, bold=bold)
    return paragraph


_JC = {"left": 0, "center": 1, "right": 2, "both": 3}


def apply_style(paragraph: Paragraph, style: st.Style, *, align: WD_PARAGRAPH_ALIGNMENT | None = None,
                line: float | None = None, before: float | None = None, after: float | None = None) -> None:
    """Name the style on the paragraph; alignment, line height and spacing direct only where they differ."""
    paragraph._p.style = style.sid
    _no_autospace(paragraph)
    fmt = paragraph.paragraph_format
    if align is not None and (style.align is None or int(align) != _JC[style.align]):
        paragraph.alignment = align
    if line is not None and line != style.line:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    if before is not None and before != style.before:
        fmt.space_before = Pt(before)
    if after is not None and after != style.after:
        fmt.space_after = Pt(after)


def add_page_numbers(doc: DocumentObject) -> None:
    """GB/T 9704 page numbers: "— 1 —" in 4号 宋体, odd pages at the right and even pages at the left, one
    character in from the edge of the text block."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                        WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        indent = Pt(SIZE_4)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        add_run(paragraph, "— ", SONG, size=SIZE_4)
        for tag, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            run = add_run(paragraph, "", SONG, size=SIZE_4)   # one field part per run, as Word writes them
            if tag:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), tag)
            else:
                el = OxmlElement("w:instrText" if tag is None and text == " PAGE " else "w:t")
                el.set(qn("xml:space"), "preserve")
                el.text = text
            run._r.append(el)
        add_run(paragraph, " —", SONG, size=SIZE_4)


def add_page_break_before(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.page_break_before = True


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
    for col, width in zip(table.columns, widths_mm):
        col.width = Mm(width)
    for row in table.rows:
        for idx, tc in enumerate(row._tr.tc_lst):
            span = tc.grid_span
            col = sum(c.grid_span for c in row._tr.tc_lst[:idx])
            tc.width = Mm(sum(widths_mm[col:col + span]))


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


def merge_across(row: _Row, start: int, end: int) -> _Cell:
    """Merge cells start..end (inclusive) of one row into one; returns the merged cell."""
    merged: _Cell = row.cells[start].merge(row.cells[end])
    return merged


def merge_down(table: Table, col: int, start: int, end: int) -> _Cell:
    """Merge the cells of one column from row start to row end (inclusive)."""
    merged: _Cell = table.cell(start, col).merge(table.cell(end, col))
    return merged


def write_cell(cell: _Cell, text: object, east_asia: str | None = None, *, size: float | None = SIZE_5,
               bold: bool | None = None, align: WD_PARAGRAPH_ALIGNMENT | None = None, valign: str | None = "center",
               line: float | None = None, style: st.Style = st.TABLE_TEXT) -> Paragraph:
    """Replace a cell's content by one paragraph of (multi-line) text in `style` (表格文字; 表头 for header cells);
    font and size written on the run only where they differ from the style."""
    paragraph: Paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)
    apply_style(paragraph, style, align=align, line=line)
    if text not in (None, ""):
        styled_run(paragraph, text, east_asia, size=size, bold=bold)
    if valign:
        set_cell_valign(cell, valign)
    return paragraph
