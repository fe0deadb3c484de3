"""The 登记表's pages: each form is a section of its own, so a combined file of many teams numbers each form's
pages from 1 ("第 1 页 共 2 页" in the footer) and names the team at the top of every page after its first.

Word and WPS count a form's pages with SECTIONPAGES; LibreOffice (7.4) shows that field's stored result, so the
result written is this module's estimate of the form's pages. A file of one form uses NUMPAGES, which every office
suite counts itself.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from . import document as d

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.text.paragraph import CT_P
    from docx.section import Section
    from docx.text.paragraph import Paragraph

PAGE_TEXT_H = d.PAGE_H - d.MARGIN_TOP - d.MARGIN_BOTTOM     # 225 mm
FOOTER_SIZE, HEADER_SIZE = d.SIZE_5, d.SIZE_5


def form_section(doc: Document, first: bool) -> Section:
    """The section the next form goes into: the document's own for the first form, else a new one on a new page.
    The paragraph that ends the previous section is made 1 pt high, so it never pushes a full page over."""
    if first:
        return doc.sections[0]
    section: Section = doc.add_section(WD_SECTION.NEW_PAGE)
    ender = doc.element.body.xpath("./w:p[w:pPr/w:sectPr]")[-1]
    _make_tiny(ender)
    return section


def end_of_form(doc: Document) -> None:
    """A 1 pt paragraph after the form's last table: Word needs a paragraph there and would otherwise add one of
    full height, which can spill onto an empty page."""
    paragraph = d.add_paragraph(doc, line=1)
    _make_tiny(paragraph._p)


def _make_tiny(p: CT_P) -> None:
    ppr = p.get_or_add_pPr()
    spacing = ppr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        sect = ppr.find(qn("w:sectPr"))
        jc = ppr.find(qn("w:jc"))
        anchor = jc if jc is not None else sect
        if anchor is not None:
            anchor.addprevious(spacing)
        else:
            ppr.append(spacing)
    for attr, value in (("w:before", "0"), ("w:after", "0"), ("w:line", "20"), ("w:lineRule", "exact")):
        spacing.set(qn(attr), value)
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        sect = ppr.find(qn("w:sectPr"))
        if sect is not None:
            sect.addprevious(rpr)
        else:
            ppr.append(rpr)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    rpr.append(size)


def page_furniture(section: Section, running_head: str, *, own_count: bool, pages: int) -> None:
    """The form's header (from its second page: `running_head`) and footer (every page: 第 n 页 共 m 页), page
    numbers starting at 1. own_count: the file holds several forms, so count this section's pages."""
    section.different_first_page_header_footer = True
    pg = section._sectPr.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        later = [section._sectPr.find(qn(t)) for t in ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
                                                        "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter",
                                                        "w:docGrid", "w:printerSettings", "w:sectPrChange")]
        anchor = next((e for e in later if e is not None), None)
        if anchor is not None:
            anchor.addprevious(pg)
        else:
            section._sectPr.append(pg)
    pg.set(qn("w:start"), "1")
    head = section.header
    for part in (section.first_page_header, head, section.first_page_footer, section.footer):
        part.is_linked_to_previous = False     # the first page's header stays empty: the title names the team
    paragraph = head.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_run(paragraph, running_head, size=HEADER_SIZE)
    for footer in (section.first_page_footer, section.footer):
        _page_of(footer.paragraphs[0], "SECTIONPAGES" if own_count else "NUMPAGES", pages)


def _page_of(paragraph: Paragraph, count_field: str, pages: int) -> None:
    """第 n 页 共 m 页, centred, n and m Word fields."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    d.add_run(paragraph, "第 ", d.SONG, size=FOOTER_SIZE)
    _field(paragraph, "PAGE", "1")
    d.add_run(paragraph, " 页　共 ", d.SONG, size=FOOTER_SIZE)
    _field(paragraph, count_field, str(pages))
    d.add_run(paragraph, " 页", d.SONG, size=FOOTER_SIZE)


def _field(paragraph: Paragraph, instruction: str, result: str) -> None:
    """A simple field as Word writes it: begin, instruction, separate, the result to show until updated, end."""
    for part, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("result", result),
                       ("end", None)):
        run = d.add_run(paragraph, "", d.SONG, size=FOOTER_SIZE)
        if text is None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), part)
        else:
            el = OxmlElement("w:instrText" if part == "instr" else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def estimate_pages(top: float, head: float, rows: Sequence[float], tail: float) -> int:
    """Pages a form takes (heights in mm): `top` (title to the roster's caption) on the first page, then the
    roster rows (a row never splits; the repeated header `head` above each page's first), then `tail`
    (单位意见), which takes the last row along when it does not fit."""
    pages, used = 1 + int(top // PAGE_TEXT_H), top % PAGE_TEXT_H + head
    for row in rows:
        if used + row > PAGE_TEXT_H:
            pages, used = pages + 1, head
        used += row
    if used + tail > PAGE_TEXT_H:
        pages += 1
    return pages
