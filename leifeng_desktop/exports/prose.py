"""The parts every prose document of the app shares (总结材料, 实施方案), on top of exports.document: GB/T 9704 title,
主送 line, heading levels (一、黑体 / （一）楷体 / 1. 仿宋 bold), body paragraphs of 22 lines a page, the 附件说明 and
signature block kept with the last lines of the text, numbered 附表 pages and bordered tables (the 志愿服务记录证明's
too). Each part is a named style of exports.styles.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from ..core.formatting import cn_date
from . import document as d
from . import styles as st
from . import word_tables as wt

if TYPE_CHECKING:
    from docx.document import Document
    from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
    from docx.table import Table
    from docx.text.paragraph import Paragraph

CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)
BODY_LINE, TITLE_LINE, INDENT = st.BODY_LINE, st.TITLE_LINE, st.INDENT
TABLE_SIZE, TABLE_LINE, ROW_H = d.SIZE_XIAO4, st.TABLE_LINE, 7.5   # 小四 in tables; row height in mm
CN_NUMBERS = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 (section numbers)."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    return "十" + CN_NUMBERS[n - 11] if n < 20 else str(n)


def start(title_lines: list[str], core_title: str, today: dt.date, *, author: str = "",
          created: dt.datetime | None = None) -> Document:
    """A new document with page numbers, the title (2号 小标宋, centred, one line each) and a blank line below;
    file properties: core_title, the unit as author, created now (or `created`)."""
    doc = d.new_document(title=core_title, author=author, created=created)
    d.add_page_numbers(doc)
    d.add_paragraph(doc, "\n".join(title_lines), style=st.TITLE)
    blank(doc)
    return doc


def blank(doc: Document) -> Paragraph:
    return d.add_paragraph(doc, style=st.FLUSH)


def line(doc: Document, text: str, east_asia: str = d.FANGSONG, *, bold: bool | None = None,
         align: WD_PARAGRAPH_ALIGNMENT | None = None, indent: bool = False) -> Paragraph:
    """One unindented (or indented) line of body size, e.g. the 主送 line or 附表1 (顶格正文)."""
    p = d.add_paragraph(doc, text, east_asia, bold=bold, align=align, style=st.FLUSH)
    if indent:
        p.paragraph_format.first_line_indent = Pt(INDENT)
    return p


def body(doc: Document, text: str) -> list[Paragraph]:
    """Body paragraphs (one per line of the text), 正文: 3号 仿宋, first line indented two characters, justified."""
    out = []
    for chunk in str(text or "").split("\n"):
        chunk = chunk.strip()
        if chunk:
            out.append(d.add_paragraph(doc, chunk, style=st.BODY))
    return out


HEADINGS = {1: st.HEADING1, 2: st.HEADING2, 3: st.HEADING3}


def heading(doc: Document, level: int, number: int, title: str) -> Paragraph:
    """一、 in 一级标题 (黑体), （一） in 二级标题 (楷体), 1. in 三级标题 (仿宋 bold): outline levels 1–3, indented like
    the body, kept with what follows."""
    text = {1: f"{cn_number(number)}、{title}", 2: f"（{cn_number(number)}）{title}"}.get(level, f"{number}.{title}")
    return d.add_paragraph(doc, text, style=HEADINGS[min(max(level, 1), 3)])


def run_in(doc: Document, number: int, title: str, text: str) -> Paragraph:
    """（一）标题。 in 楷体 followed by its text in 仿宋 in the same 正文 paragraph, as the seed plan writes its
    items."""
    p = d.add_paragraph(doc, f"（{cn_number(number)}）{title.rstrip('。')}。", d.KAI, style=st.BODY)
    chunks = [c.strip() for c in str(text or "").split("\n") if c.strip()]
    if chunks:
        d.styled_run(p, chunks[0])
    body(doc, "\n".join(chunks[1:]))
    return p


def attachment_note(doc: Document, items: Sequence[str]) -> list[Paragraph]:
    """GB/T 9704 附件说明 after a blank line below the text: "附件：1. 名称", each further item under the first's
    number, a wrapped name under its first character; one item goes unnumbered. Returns the paragraphs, blank line
    first."""
    names = [str(item).strip().rstrip("。；;，,") for item in items if str(item).strip()]
    if not names:
        return []
    out = [blank(doc)]
    if len(names) == 1:
        out.append(d.add_paragraph(doc, f"附件：{names[0]}", style=st.ATTACHMENT))
        return out
    number_w = (len(f"{len(names)}.") * 0.5 + 0.5) * d.SIZE_3      # Times digits are half an em; then a gap
    label_w = 3 * d.SIZE_3                                         # 附件：
    for n, name in enumerate(names, start=1):
        p = d.add_paragraph(doc, f"{'附件：' if n == 1 else ''}{n}.\t{name}", style=st.ATTACHMENT)
        fmt = p.paragraph_format
        fmt.left_indent = Pt(INDENT + label_w + number_w)
        fmt.first_line_indent = Pt(-(number_w + (label_w if n == 1 else 0)))
        fmt.tab_stops.add_tab_stop(Pt(INDENT + label_w + number_w))
        out.append(p)
    return out


def keep_with_last_lines(doc: Document) -> None:
    """keep_with_next on the paragraphs that end the document back to and including its last line of text (or the
    last row of a closing table): what comes next (the signature) never starts a page alone."""
    for el in reversed(list(doc.element.body.iterchildren())):
        if el.tag == qn("w:tbl"):
            for p in el.findall(qn("w:tr"))[-1].iter(qn("w:p")):
                p.get_or_add_pPr().keepNext_val = True
            return
        if el.tag != qn("w:p"):
            continue
        el.get_or_add_pPr().keepNext_val = True
        text = "".join(t.text or "" for t in el.iter(qn("w:t"))).strip()
        if text and el.style not in (st.ATTACHMENT.sid, st.SIGNATURE.sid):
            return


def signature(doc: Document, unit: str, day: dt.date) -> list[Paragraph]:
    """GB/T 9704 without a seal image: a blank line, the unit centred over the date, the date four characters in
    from the right (落款); kept together and with the last lines before it (the 附件说明 and the text's last
    paragraph), so no page holds the signature alone. Returns the three paragraphs."""
    keep_with_last_lines(doc)
    closing = [blank(doc)]
    date = cn_date(day)
    closing.append(d.add_paragraph(doc, unit, style=st.SIGNATURE))
    closing.append(d.add_paragraph(doc, date, style=st.SIGNATURE))
    date_right = d.SIZE_3 * 4
    gap = (d.text_width_mm(date, d.SIZE_3) - d.text_width_mm(unit, d.SIZE_3)) / 2 * 72 / 25.4
    closing[1].paragraph_format.right_indent = Pt(max(0.0, date_right + gap))
    closing[2].paragraph_format.right_indent = Pt(date_right)
    for p in closing[:-1]:
        p.paragraph_format.keep_with_next = True
    return closing


def appendix_page(doc: Document, label: str, title: str) -> None:
    """附表1 (附件标识: 黑体, top left) on a new page, then its title (附件标题: 小标宋 小二, centred)."""
    label_p = d.add_paragraph(doc, label, style=st.APPENDIX_LABEL)
    d.add_page_break_before(label_p)     # the style says it too; on the paragraph it survives a change of style
    d.add_paragraph(doc, title, style=st.APPENDIX_TITLE)


def caption(doc: Document, text: str, *, before: float = 0) -> Paragraph:
    """A table's or picture's caption (题注): 黑体 4号, centred, kept with the table."""
    return d.add_paragraph(doc, text, before=before, style=st.CAPTION)


def note(doc: Document, text: str) -> Paragraph:
    """A small note under a table (表注: 楷体 小四)."""
    return d.add_paragraph(doc, text, style=st.NOTE)


def table(doc: Document, headers: tuple[str, ...], rows: Sequence[Sequence[object]], widths: tuple[float, ...], *,
          aligns: tuple[WD_PARAGRAPH_ALIGNMENT | None, ...] | None = None, total: tuple[object, ...] | None = None,
          empty: str | None = None, size: float = TABLE_SIZE, row_height: float = ROW_H) -> Table:
    """A bordered table: 黑体 header row repeated on each page, 仿宋 rows that never split, an optional 合计 row in
    黑体. `total` spans the first columns of the label so its values line up with the last columns; `empty` is a
    note across the whole table when there are no rows."""
    aligns = aligns or (CENTER,) * len(headers)
    line_h = TABLE_LINE * size / TABLE_SIZE
    note_row = empty is not None and not rows
    # one row written, the others its copies (every cell written: a value and an alignment for each column)
    copied = bool(rows) and len(aligns) >= len(headers) and all(len(r) >= len(headers) for r in rows)
    written = [tuple(wt.PLACEHOLDER.format(n) for n in range(len(headers)))] if copied else rows
    table: Table = doc.add_table(rows=1 + (len(written) or int(note_row)) + (1 if total else 0), cols=len(headers))
    wt.set_table_borders(table)
    wt.set_cell_margins(table, left=1.0, right=1.0, top=0.6, bottom=0.6)
    for row in table.rows:
        wt.cant_split(row)
        wt.set_row_height(row, row_height)
    header = table.rows[0]
    wt.repeat_header(header)
    for cell, label in zip(header.cells, headers):
        wt.write_cell(cell, label, size=size, align=CENTER, line=line_h, style=st.TABLE_HEAD)
    for row, values in zip(table.rows[1:], written):
        for cell, value, align in zip(wt.plain_cells(row, table), values, aligns):
            wt.write_cell(cell, "" if value is None else str(value), size=size, align=align, line=line_h)
    if note_row:
        wt.write_cell(wt.merge_across(table.rows[1], 0, len(headers) - 1), empty, size=size, align=CENTER,
                     line=line_h)
    if total:
        row = table.rows[-1]
        span = len(headers) - len(total) + 1
        cells = [wt.merge_across(row, 0, span - 1) if span > 1 else row.cells[0], *row.cells[span:]]
        for cell, value in zip(cells, total):
            wt.write_cell(cell, str(value), size=size, align=CENTER, line=line_h, style=st.TABLE_HEAD)
    wt.set_col_widths(table, list(widths))
    if copied:
        wt.repeat_row(table.rows[1], [["" if v is None else str(v) for v in r[:len(headers)]] for r in rows])
    return table
