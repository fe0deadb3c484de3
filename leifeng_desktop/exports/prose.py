"""The parts every prose document of the app shares (总结材料, 实施方案), on top of exports.document: GB/T 9704 title,
主送 line, heading levels (一、黑体 / （一）楷体 / 1. 仿宋 bold), body paragraphs of 22 lines a page, the signature
block, numbered 附表 pages and bordered tables (the 志愿服务记录证明's too).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ..core.formatting import cn_date
from . import document as d

if TYPE_CHECKING:
    from docx.document import Document
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
    from docx.table import Table
    from docx.text.paragraph import Paragraph

CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)
BODY_LINE = 28.9                    # 22 lines in the 225 mm text block (points)
TITLE_LINE = 36.0                   # 2号 title lines
INDENT = d.SIZE_3 * 2               # first line indented two characters
TABLE_SIZE, TABLE_LINE, ROW_H = d.SIZE_XIAO4, 16.0, 7.5   # 小四 in tables; row height in mm
CN_NUMBERS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 (section numbers)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    return "十" + CN_NUMBERS[n - 11] if n < 20 else str(n)


def start(title_lines: list[str], core_title: str, today: dt.date) -> Document:
    """A new document with page numbers, the title (2号 小标宋, centred, one line each) and a blank line below."""
    doc = d.new_document()
    d.add_page_numbers(doc)
    title = d.add_paragraph(doc, "\n".join(title_lines), d.XIAOBIAOSONG, size=d.SIZE_2, align=CENTER,
                            line=TITLE_LINE)
    title.paragraph_format.keep_with_next = True
    blank(doc)
    stamp = dt.datetime(today.year, today.month, today.day)    # same inputs, same file
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = core_title, "", ""
    props.created = props.modified = stamp
    props.revision = 1
    return doc


def blank(doc: Document) -> Paragraph:
    return d.add_paragraph(doc, line=BODY_LINE)


def line(doc: Document, text: str, east_asia: str = d.FANGSONG, *, bold: bool | None = None,
         align: WD_PARAGRAPH_ALIGNMENT | None = None, indent: bool = False) -> Paragraph:
    """One unindented (or indented) line of body size, e.g. the 主送 line or 附表1."""
    p = d.add_paragraph(doc, text, east_asia, size=d.SIZE_3, bold=bold, align=align, line=BODY_LINE)
    if indent:
        p.paragraph_format.first_line_indent = Pt(INDENT)
    return p


def body(doc: Document, text: str) -> list[Paragraph]:
    """Body paragraphs (one per line of the text), 3号 仿宋, first line indented two characters, justified."""
    out = []
    for chunk in str(text or "").split("\n"):
        chunk = chunk.strip()
        if chunk:
            p = d.add_paragraph(doc, chunk, line=BODY_LINE, align=JUSTIFY)
            p.paragraph_format.first_line_indent = Pt(INDENT)
            out.append(p)
    return out


def heading(doc: Document, level: int, number: int, title: str) -> Paragraph:
    """一、黑体 (level 1), （一）楷体 (level 2), 1. 仿宋 bold (level 3); indented like the body, kept with what
    follows."""
    if level == 1:
        text, font, bold = f"{cn_number(number)}、{title}", d.HEI, None
    elif level == 2:
        text, font, bold = f"（{cn_number(number)}）{title}", d.KAI, None
    else:
        text, font, bold = f"{number}.{title}", d.FANGSONG, True
    p = d.add_paragraph(doc, text, font, size=d.SIZE_3, bold=bold, line=BODY_LINE, align=JUSTIFY)
    p.paragraph_format.first_line_indent = Pt(INDENT)
    p.paragraph_format.keep_with_next = True
    return p


def run_in(doc: Document, number: int, title: str, text: str) -> Paragraph:
    """（一）标题。 in 楷体 followed by its text in 仿宋 in the same paragraph, as the seed plan writes its items."""
    p = d.add_paragraph(doc, f"（{cn_number(number)}）{title.rstrip('。')}。", d.KAI, size=d.SIZE_3, line=BODY_LINE,
                        align=JUSTIFY)
    p.paragraph_format.first_line_indent = Pt(INDENT)
    chunks = [c.strip() for c in str(text or "").split("\n") if c.strip()]
    if chunks:
        d.add_run(p, chunks[0], d.FANGSONG, size=d.SIZE_3)
    body(doc, "\n".join(chunks[1:]))
    return p


def signature(doc: Document, unit: str, day: dt.date) -> list[Paragraph]:
    """GB/T 9704 without a seal image: a blank line, the unit centred over the date, the date four characters in
    from the right; kept together. Returns the three paragraphs."""
    closing = [blank(doc)]
    date = cn_date(day)
    closing.append(d.add_paragraph(doc, unit, line=BODY_LINE, align=RIGHT))
    closing.append(d.add_paragraph(doc, date, line=BODY_LINE, align=RIGHT))
    date_right = d.SIZE_3 * 4
    gap = (d.text_width_mm(date, d.SIZE_3) - d.text_width_mm(unit, d.SIZE_3)) / 2 * 72 / 25.4
    closing[1].paragraph_format.right_indent = Pt(max(0.0, date_right + gap))
    closing[2].paragraph_format.right_indent = Pt(date_right)
    for p in closing[:-1]:
        p.paragraph_format.keep_with_next = True
    return closing


def appendix_page(doc: Document, label: str, title: str) -> None:
    """附表1 (黑体, top left) on a new page, then its title (小标宋 小二, centred)."""
    p = line(doc, label, d.HEI)
    d.add_page_break_before(p)
    p.paragraph_format.keep_with_next = True
    t = d.add_paragraph(doc, title, d.XIAOBIAOSONG, size=d.SIZE_XIAO2, align=CENTER, line=BODY_LINE * 1.2,
                        after=BODY_LINE / 2)
    t.paragraph_format.keep_with_next = True


def caption(doc: Document, text: str, *, before: float = 0) -> Paragraph:
    """A table's or picture's caption: 黑体 4号, centred."""
    p = d.add_paragraph(doc, text, d.HEI, size=d.SIZE_4, align=CENTER, line=BODY_LINE, before=before)
    p.paragraph_format.keep_with_next = True
    return p


def note(doc: Document, text: str) -> Paragraph:
    """A small note under a table (楷体 小四)."""
    return d.add_paragraph(doc, text, d.KAI, size=TABLE_SIZE, line=TABLE_LINE * 1.3, before=3)


def table(doc: Document, headers: tuple[str, ...], rows: Sequence[Sequence[object]], widths: tuple[float, ...], *,
          aligns: tuple[WD_PARAGRAPH_ALIGNMENT | None, ...] | None = None, total: tuple[object, ...] | None = None,
          empty: str | None = None, size: float = TABLE_SIZE, row_height: float = ROW_H) -> Table:
    """A bordered table: 黑体 header row repeated on each page, 仿宋 rows that never split, an optional 合计 row in
    黑体. `total` spans the first columns of the label so its values line up with the last columns; `empty` is a
    note across the whole table when there are no rows."""
    aligns = aligns or (CENTER,) * len(headers)
    line_h = TABLE_LINE * size / TABLE_SIZE
    note_row = empty is not None and not rows
    table: Table = doc.add_table(rows=1 + (len(rows) or int(note_row)) + (1 if total else 0), cols=len(headers))
    d.set_table_borders(table)
    d.set_cell_margins(table, left=1.0, right=1.0, top=0.6, bottom=0.6)
    for row in table.rows:
        d.cant_split(row)
        d.set_row_height(row, row_height)
    header = table.rows[0]
    d.repeat_header(header)
    for cell, label in zip(header.cells, headers):
        d.write_cell(cell, label, d.HEI, size=size, align=CENTER, line=line_h)
    for row, values in zip(table.rows[1:], rows):
        for cell, value, align in zip(row.cells, values, aligns):
            d.write_cell(cell, "" if value is None else str(value), size=size, align=align, line=line_h)
    if note_row:
        d.write_cell(d.merge_across(table.rows[1], 0, len(headers) - 1), empty, size=size, align=CENTER,
                     line=line_h)
    if total:
        row = table.rows[-1]
        span = len(headers) - len(total) + 1
        cells = [d.merge_across(row, 0, span - 1) if span > 1 else row.cells[0], *row.cells[span:]]
        for cell, value in zip(cells, total):
            d.write_cell(cell, str(value), d.HEI, size=size, align=CENTER, line=line_h)
    d.set_col_widths(table, list(widths))
    return table
