"""The named paragraph styles every Word document of the app carries (word/styles.xml), so the office can restyle a
document and Word's navigation pane (导航窗格) lists its headings: 标题 (Word's Title), 一级/二级/三级标题 with outline
levels 1–3, 正文 (Word's Body Text, shown as 正文文本), 顶格正文, 表格文字, 表头, 题注 (Caption), 表注, 附件说明, 落款,
附件标识 and 附件标题. Paragraphs name a style; runs carry direct formatting only where the style cannot say it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from .fonts import FANGSONG, HEI, KAI, LATIN, SIZE_2, SIZE_3, SIZE_4, SIZE_XIAO2, SIZE_XIAO4, XIAOBIAOSONG

if TYPE_CHECKING:
    from docx.document import Document

BODY_LINE = 28.9                    # 22 lines in the 225 mm text block (points)
TITLE_LINE = 36.0                   # 2号 title lines
INDENT = SIZE_3 * 2                 # first line indented two characters
TABLE_LINE = 16.0                   # 小四 table text


@dataclass(frozen=True)
class Style:
    sid: str                         # w:styleId
    name: str                        # w:name (Word's English name for its built-in styles)
    font: str                        # East Asian font; Latin text is always Times New Roman
    size: float
    bold: bool = False
    align: str | None = None         # w:jc: left, center, right, both
    line: float | None = None        # exact line height in points; None: single
    first: float = 0                 # first-line indent (points); negative: hanging
    left: float = 0
    before: float = 0
    after: float = 0
    outline: int | None = None       # 0 = level 1 in the navigation pane
    keep_next: bool = False
    page_break: bool = False
    builtin: bool = False            # replaces the template's style of that id


TITLE = Style("Title", "Title", XIAOBIAOSONG, SIZE_2, align="center", line=TITLE_LINE, keep_next=True, builtin=True)
HEADING1 = Style("GwHeading1", "一级标题", HEI, SIZE_3, align="both", line=BODY_LINE, first=INDENT, outline=0,
                 keep_next=True)
HEADING2 = Style("GwHeading2", "二级标题", KAI, SIZE_3, align="both", line=BODY_LINE, first=INDENT, outline=1,
                 keep_next=True)
HEADING3 = Style("GwHeading3", "三级标题", FANGSONG, SIZE_3, bold=True, align="both", line=BODY_LINE, first=INDENT,
                 outline=2, keep_next=True)
BODY = Style("BodyText", "Body Text", FANGSONG, SIZE_3, align="both", line=BODY_LINE, first=INDENT, builtin=True)
FLUSH = Style("GwFlush", "顶格正文", FANGSONG, SIZE_3, line=BODY_LINE)
TABLE_TEXT = Style("GwTableText", "表格文字", FANGSONG, SIZE_XIAO4)
TABLE_HEAD = Style("GwTableHead", "表头", HEI, SIZE_XIAO4, align="center")
CAPTION = Style("Caption", "caption", HEI, SIZE_4, align="center", line=BODY_LINE, keep_next=True, builtin=True)
NOTE = Style("GwNote", "表注", KAI, SIZE_XIAO4, line=TABLE_LINE * 1.3, before=3)
# 附件：名称 — a wrapped name lines up under its first character (the 1. of numbered items: paragraph indents)
ATTACHMENT = Style("GwAttachment", "附件说明", FANGSONG, SIZE_3, align="both", line=BODY_LINE, left=INDENT + 3 * SIZE_3,
                   first=-3 * SIZE_3)
SIGNATURE = Style("GwSignature", "落款", FANGSONG, SIZE_3, align="right", line=BODY_LINE)
APPENDIX_LABEL = Style("GwAppendixLabel", "附件标识", HEI, SIZE_3, line=BODY_LINE, keep_next=True, page_break=True)
APPENDIX_TITLE = Style("GwAppendixTitle", "附件标题", XIAOBIAOSONG, SIZE_XIAO2, align="center", line=BODY_LINE * 1.2,
                       after=BODY_LINE / 2, keep_next=True)

STYLES = {s.sid: s for s in (TITLE, HEADING1, HEADING2, HEADING3, BODY, FLUSH, TABLE_TEXT, TABLE_HEAD, CAPTION, NOTE,
                             ATTACHMENT, SIGNATURE, APPENDIX_LABEL, APPENDIX_TITLE)}


def _twips(points: float) -> int:
    return round(points * 20)


def _ppr(s: Style) -> str:
    """pPr children in the schema's order."""
    parts = ["<w:keepNext/>" if s.keep_next else "", "<w:pageBreakBefore/>" if s.page_break else "",
             '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>']
    line = f'w:line="{_twips(s.line)}" w:lineRule="exact"' if s.line else 'w:line="240" w:lineRule="auto"'
    parts.append(f'<w:spacing w:before="{_twips(s.before)}" w:after="{_twips(s.after)}" {line}/>')
    first = f'w:firstLine="{_twips(s.first)}"' if s.first >= 0 else f'w:hanging="{_twips(-s.first)}"'
    parts.append(f'<w:ind w:left="{_twips(s.left)}" w:right="0" {first}/>')
    if s.align:
        parts.append(f'<w:jc w:val="{s.align}"/>')
    if s.outline is not None:
        parts.append(f'<w:outlineLvl w:val="{s.outline}"/>')
    return "".join(parts)


def _rpr(s: Style) -> str:
    bold = "<w:b/><w:bCs/>" if s.bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    half = round(s.size * 2)
    return (f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{s.font}" w:cs="{LATIN}"/>{bold}'
            f'<w:color w:val="000000"/><w:kern w:val="0"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')


def style_xml(s: Style) -> str:
    custom = "" if s.builtin else ' w:customStyle="1"'
    next_style = f'<w:next w:val="{BODY.sid}"/>' if s.keep_next or s is BODY else ""
    return (f'<w:style {nsdecls("w")} w:type="paragraph"{custom} w:styleId="{s.sid}"><w:name w:val="{s.name}"/>'
            f'<w:basedOn w:val="Normal"/>{next_style}<w:uiPriority w:val="{10 if s.outline is None else 9}"/>'
            f'<w:qFormat/><w:pPr>{_ppr(s)}</w:pPr><w:rPr>{_rpr(s)}</w:rPr></w:style>')


def define_styles(doc: Document) -> None:
    """Write every style of STYLES into styles.xml, replacing the template's Title, Body Text and caption."""
    root = doc.styles.element
    for s in STYLES.values():
        for old in root.findall(qn("w:style")):
            if old.get(qn("w:styleId")) == s.sid:
                root.remove(old)
        root.append(parse_xml(style_xml(s)))
