"""志愿服务记录证明 (2021 《志愿服务记录与证明出具办法（试行）》): who, which organisation, the period, how many
activities and hours, the list of activities, the issuing unit, the date and room for its seal.

GB/T 9704 page and fonts (exports/document.py). The 身份证号 is masked unless reveal=True.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from ..core import schema as s
from ..core.formatting import display
from ..core.service_record import ServiceRecord, member_record
from ..core.validation import minutes_to_hours
from . import document as d
from .files import safe_name
from .registration import cn_date, text_width_mm

CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
TITLE = "志愿服务记录证明"
HEADERS = ("序号", "日期", "活动名称", "服务内容", "时长（小时）")
COLS = (12, 27, 66, 23, 28)         # mm, 156 in all: the GB/T 9704 text block
BODY_LINE = 28.9                    # 22 lines in the 225 mm text block
TABLE_SIZE, TABLE_LINE, ROW_H = d.SIZE_XIAO4, 16.0, 7.0   # 小四; row height in mm
TITLE_LINE, TITLE_AFTER, INTRO_AFTER, CLOSING_BEFORE = BODY_LINE * 1.2, BODY_LINE / 2, 6, 6   # points
PAGE_TEXT_H = d.PAGE_H - d.MARGIN_TOP - d.MARGIN_BOTTOM       # 225 mm
INDENT = d.SIZE_3 * 2               # first line indented two characters
NO_ITEMS = "（该期间无志愿服务记录）"
TRAVEL = "按实际服务时间计算，不含往返路途时间"


def _cn(iso: str | None) -> str:
    return cn_date(dt.date.fromisoformat(iso[:10])) if iso else ""


def _period(record: ServiceRecord, today: dt.date) -> str:
    """于…至…期间 from the asked period, else the first and last activity."""
    start = record.date_from or (record.items[0].date if record.items else None)
    end = record.date_to or (record.items[-1].date if record.items else None)
    if not start:
        return f"截至{_cn(end) or cn_date(today)}，"
    return f"于{_cn(start)}至{_cn(end) or cn_date(today)}期间"


def _who(record: ServiceRecord, reveal: bool) -> str:
    member = record.member
    ids = []
    if member.get("id_number"):
        ids.append(f"身份证号：{display(s.MEMBER.field('id_number'), member['id_number'], reveal=reveal)}")
    if member.get("volunteer_no"):
        ids.append(f"志愿者注册编号：{member['volunteer_no']}")
    return member["name"] + (f"（{'；'.join(ids)}）" if ids else "")


def body_text(record: ServiceRecord, *, reveal: bool = False, today: dt.date | None = None) -> str:
    team = record.team.get("name") or ""
    return (f"兹证明{_who(record, reveal)}为{team}志愿者，{_period(record, today or dt.date.today())}"
            f"参加志愿服务活动{record.activity_count}次，累计服务时长{record.total_hours or '0'}小时"
            f"（{TRAVEL}）。具体记录如下：")


def issuing_unit(store, record: ServiceRecord) -> str:
    return record.team.get("unit") or store.our_unit()


def certificate_filename(record: ServiceRecord) -> str:
    return f"志愿服务记录证明_{safe_name(record.member['name'])}_{safe_name(record.team.get('name') or '')}.docx"


def build_certificate(store, member_id: str, *, date_from: str | None = None, date_to: str | None = None,
                      reveal: bool = False, today: dt.date | None = None):
    """The certificate as a python-docx Document."""
    record = member_record(store, member_id, date_from=date_from, date_to=date_to)
    return build_from_record(store, record, reveal=reveal, today=today)


def build_from_record(store, record: ServiceRecord, *, reveal: bool = False, today: dt.date | None = None):
    day = today or dt.date.today()
    doc = d.new_document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):   # the template's empty first paragraph
        body.remove(p)
    d.add_page_numbers(doc)
    d.add_paragraph(doc, TITLE, d.XIAOBIAOSONG, size=d.SIZE_2, align=CENTER, line=TITLE_LINE, after=TITLE_AFTER)
    text = body_text(record, reveal=reveal, today=day)
    intro = d.add_paragraph(doc, text, line=BODY_LINE, after=INTRO_AFTER)
    intro.paragraph_format.first_line_indent = Pt(INDENT)
    intro.paragraph_format.keep_with_next = True
    rows = _rows(record)
    split = _split_at(text, rows)
    parts = [rows[:split], rows[split:]] if split else [rows]
    for n, part in enumerate(parts):
        if n:    # a continuation on a new page, with its own header row
            d.add_page_break_before(d.add_paragraph(doc, line=1))
        if part:
            last_row = _table(doc, part)
    closing = [d.add_paragraph(doc, "特此证明。", line=BODY_LINE, before=CLOSING_BEFORE)]
    closing[0].paragraph_format.first_line_indent = Pt(INDENT)
    closing.append(d.add_paragraph(doc, line=BODY_LINE))    # the seal's top within a line of the text
    unit = f"{issuing_unit(store, record)}（盖章）"
    date = cn_date(day)
    closing.append(d.add_paragraph(doc, unit, line=BODY_LINE, align=RIGHT))
    closing.append(d.add_paragraph(doc, date, line=BODY_LINE, align=RIGHT))
    # GB/T 9704: the date four characters from the right, the unit centred over it
    date_right = d.SIZE_3 * 4
    gap = (text_width_mm(date, d.SIZE_3) - text_width_mm(unit, d.SIZE_3)) / 2 * 72 / 25.4
    closing[-2].paragraph_format.right_indent = Pt(max(0.0, date_right + gap))
    closing[-1].paragraph_format.right_indent = Pt(date_right)
    # Word keeps the 合计 row with the closing lines; LibreOffice does not, hence _split_at
    for paragraph in [*(p for cell in last_row.cells for p in cell.paragraphs), *closing[:-1]]:
        paragraph.paragraph_format.keep_with_next = True
    return doc


def _rows(record: ServiceRecord) -> list[tuple]:
    """(values, kind) per table row after the header: items (or the empty note), then 合计."""
    category = s.ACTIVITY.field("category")
    rows = [((str(i), it.date.replace("-", "."), it.title, display(category, it.category),
              minutes_to_hours(it.minutes)), "item") for i, it in enumerate(record.items, start=1)]
    rows = rows or [((NO_ITEMS,), "empty")]
    return rows + [((f"合计（{record.activity_count}次）", record.total_hours or "0"), "total")]


def _row_mm(values: tuple, kind: str) -> float:
    if kind != "item":
        return ROW_H
    lines = max(1, math.ceil(text_width_mm(values[2], TABLE_SIZE) / (COLS[2] - 2.5)))
    return max(ROW_H, lines * TABLE_LINE * 25.4 / 72 + 1.6)


def _split_at(intro: str, rows: list[tuple]) -> int | None:
    """Where to start a new page so that the seal block never stands alone: an estimate of the printed layout
    (22 lines of 仿宋 in a 225 mm block). When the 合计 row or the closing lines would begin a page, the last two
    activities go over with them. None when no break is needed."""
    pt = 25.4 / 72
    used = (TITLE_LINE + TITLE_AFTER + INTRO_AFTER) * pt
    used += math.ceil((text_width_mm(intro, d.SIZE_3) + INDENT * pt) / d.TEXT_W * 1.04) * BODY_LINE * pt
    used += ROW_H
    page, page_of_row = 0, []
    for values, kind in rows:
        height = _row_mm(values, kind)
        if used + height > PAGE_TEXT_H:
            page, used = page + 1, ROW_H     # below the repeated header
        page_of_row.append(page)
        used += height
    closing = CLOSING_BEFORE * pt + 4 * BODY_LINE * pt
    alone = used + closing > PAGE_TEXT_H or (len(rows) > 1 and page_of_row[-1] != page_of_row[-2])
    if not alone:
        return None
    return max(0, len(rows) - 3)


def _table(doc, rows: list[tuple]):
    """A bordered table with a repeating header row; returns its last row."""
    table = doc.add_table(rows=len(rows) + 1, cols=len(COLS))
    d.set_table_borders(table)
    d.set_cell_margins(table, left=1.0, right=1.0, top=0.6, bottom=0.6)
    header = table.rows[0]
    d.repeat_header(header)
    d.set_row_height(header, ROW_H)
    for cell, label in zip(header.cells, HEADERS):
        d.write_cell(cell, label, d.HEI, size=TABLE_SIZE, align=CENTER, line=TABLE_LINE)
    for row, (values, kind) in zip(table.rows[1:], rows):
        d.cant_split(row)
        d.set_row_height(row, ROW_H)
        if kind == "empty":
            d.write_cell(d.merge_across(row, 0, len(COLS) - 1), values[0], size=TABLE_SIZE, align=CENTER,
                         line=TABLE_LINE)
        elif kind == "total":
            cells = [d.merge_across(row, 0, len(COLS) - 2), row.cells[-1]]
            for cell, value in zip(cells, values):
                d.write_cell(cell, value, d.HEI, size=TABLE_SIZE, align=CENTER, line=TABLE_LINE)
        else:
            for cell, value, align in zip(row.cells, values, (CENTER, CENTER, LEFT, CENTER, CENTER)):
                d.write_cell(cell, value, size=TABLE_SIZE, align=align, line=TABLE_LINE)
    d.set_col_widths(table, list(COLS))
    return table.rows[-1]


def export_certificate(store, member_id: str, path, *, date_from: str | None = None, date_to: str | None = None,
                       reveal: bool = False, today: dt.date | None = None) -> Path:
    """Write the certificate (atomic) and return its path."""
    doc = build_certificate(store, member_id, date_from=date_from, date_to=date_to, reveal=reveal, today=today)
    return d.save_atomic(doc, Path(path))
