"""GB/T 9704-2012 page set-up and the python-docx plumbing every Word document of the app shares.

python-docx knows nothing of East Asian text: `font.name` sets only the Latin fonts, its default template says
ja-JP and uses theme fonts that override any font name we write. new_document() fixes the defaults and defines the
named paragraph styles (exports.styles) with their w:eastAsia fonts; a paragraph made with style= carries only what
differs from its style, one made without carries its fonts on each run (set_run_font).
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import re
import threading
import unicodedata
from typing import TYPE_CHECKING

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

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


def xml_escape(text: str, *, quote: bool = False) -> str:
    """Text for XML written as text: &, < and > (and " in an attribute); xml.sax.saxutils.escape without the
    urllib and email modules it imports."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def text_width_mm(text: str, size_pt: float) -> float:
    """Rough printed width: CJK one em, digits about half, and the gap LibreOffice leaves where scripts change."""
    return text_ems(text) * size_pt * 25.4 / 72


def text_ems(text: str, ems: float = 0.0, last: bool | None = None) -> float:
    """text_width_mm in ems; from `ems` when the text follows one whose last character was wide or not (`last`),
    the same sum as the whole text's (table_fit measures a line a character at a time)."""
    for ch in text:
        em, wide = char_ems(ch)
        ems += em
        if last is not None and wide != last and ch != " ":
            ems += 0.2
        last = wide
    return ems


@functools.lru_cache(maxsize=4096)
def char_ems(ch: str) -> tuple[float, bool]:
    """A character's width in ems and whether it is wide (CJK)."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0, True
    if ch.isupper():
        return 0.72, False
    return (0.25 if ch == " " else 0.56), False      # Times digits are 0.5 em; LibreOffice's stand-ins are wider


# -- the document -----------------------------------------------------------------------------------------------
def new_document(*, title: str = "", author: str = "", created: dt.datetime | None = None) -> DocumentObject:
    """An empty A4 document with GB/T 9704 margins, zh-CN language, 仿宋 as the default CJK font, the named
    paragraph styles (exports.styles) and its file properties (set_properties)."""
    blob = _blank()
    # the one _blank built, if this thread built it: as its file read back, without the reading
    doc: DocumentObject | None = _spare.__dict__.pop("doc", None)
    if doc is None:
        doc = Document(io.BytesIO(blob))
    set_properties(doc, title=title, author=author, created=created)
    return doc


_spare = threading.local()    # handed out by the thread that built it only (lxml trees stay with their thread)


@functools.cache
def _blank() -> bytes:
    """The empty document as a file, made once: python-docx's template read and set up takes a tenth of a second,
    and the 登记表 of a city makes a document per team."""
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
    blob = io.BytesIO()
    doc.save(blob)
    _spare.doc = doc
    return blob.getvalue()


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


_AFTER_AUTOSPACE = frozenset(qn(t) for t in (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"))


def _no_autospace(paragraph: Paragraph) -> None:
    """Repeat the document default on the paragraph: LibreOffice ignores w:autoSpaceDE/DN in docDefaults."""
    ppr = paragraph._p.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        if ppr.find(qn(tag)) is None:
            el = OxmlElement(tag)
            el.set(qn("w:val"), "0")
            later = next((child for child in ppr if child.tag in _AFTER_AUTOSPACE), None)   # schema order
            if later is None:
                ppr.append(el)
            else:
                later.addprevious(el)


def add_paragraph(container: DocumentObject | BlockItemContainer, text: str = "", east_asia: str | None = None, *,
                  size: float | None = None, bold: bool | None = None, align: WD_PARAGRAPH_ALIGNMENT | None = None,
                  line: float | None = None, before: float | None = None, after: float | None = None,
                  style: st.Style | None = None) -> Paragraph:
    """A paragraph holding one run; container is the document or a table cell. With a style (exports.styles)
    only what differs from it is written on the paragraph and the run; without one, 仿宋 3号 and no space before
    or after, all written directly."""
    if style is None:
        paragraph = container.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        set_spacing(paragraph, line=line, before=before or 0, after=after or 0)
        if text:
            add_run(paragraph, text, east_asia or FANGSONG, size=SIZE_3 if size is None else size, bold=bold)
        return paragraph
    p = styled_paragraph(style, east_asia, size=size, bold=bold, align=align, line=line, before=before, after=after)
    set_text(p, text)
    if isinstance(container, DocumentObject):     # python-docx's add_paragraph, without its look-ups
        body = container.element.body
        section = body[-1] if len(body) and body[-1].tag == _SECT_PR else body.find(_SECT_PR)   # last, by schema
        if section is None:
            body.append(p)
        else:
            section.addprevious(p)
        return Paragraph(p, container._body)
    placeholder = container.add_paragraph()._p
    placeholder.getparent().replace(placeholder, p)
    return Paragraph(p, container)


_SECT_PR = qn("w:sectPr")
_made = threading.local()    # lxml elements stay with the thread that made them


def styled_paragraph(style: st.Style, east_asia: str | None = None, *, size: float | None = None,
                     bold: bool | None = None, align: WD_PARAGRAPH_ALIGNMENT | None = None, line: float | None = None,
                     before: float | None = None, after: float | None = None) -> BaseOxmlElement:
    """A new paragraph in `style` (apply_style) holding one run (styled_run) whose text is a placeholder for
    set_text. python-docx takes about a millisecond to style one (each property found or inserted in schema
    order) and a city's documents have thousands: each kind is styled once per thread, then copied."""
    key = (style.sid, east_asia, size, bold, align, line, before, after)
    made: dict[tuple[object, ...], BaseOxmlElement] = _made.__dict__.setdefault("paragraphs", {})
    template = made.get(key)
    if template is None:
        template = OxmlElement("w:p")
        paragraph = Paragraph(template, None)  # type: ignore[arg-type]   # styling needs no parent
        apply_style(paragraph, style, align=align, line=line, before=before, after=after)
        styled_run(paragraph, "0", east_asia, size=size, bold=bold)
        made[key] = template
    return copy.deepcopy(template)


def set_text(p: BaseOxmlElement, text: object) -> None:
    """The text of a styled_paragraph's run as add_run writes it (tabs and line breaks as elements; a plain text
    straight into its w:t); no text, no run."""
    run = p[-1]
    if text in (None, ""):
        p.remove(run)
        return
    value = clean_text(text)
    if "\t" in value or "\n" in value or not value:
        _run_text(run, value)
        return
    t = run[-1]
    t.text = value
    if len(value.strip()) < len(value):
        t.set(qn("xml:space"), "preserve")


_BREAKS = re.compile(r"([\t\n])")
_R_PR = qn("w:rPr")


def _run_text(run: BaseOxmlElement, value: str) -> None:
    """python-docx's run.text = value (cleaned text) without its look-ups per character: the run's content but its
    w:rPr replaced by w:tab for a tab, w:br for a line break, the text between in w:t (space preserved at its
    ends)."""
    for child in list(run):
        if child.tag != _R_PR:
            run.remove(child)
    for part in _BREAKS.split(value):
        if part == "\t" or part == "\n":
            run.append(OxmlElement("w:tab" if part == "\t" else "w:br"))
        elif part:
            t = OxmlElement("w:t")
            t.text = part
            if len(part.strip()) < len(part):
                t.set(qn("xml:space"), "preserve")
            run.append(t)


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
