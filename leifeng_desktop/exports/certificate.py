"""志愿服务记录证明 (2021 《志愿服务记录与证明出具办法（试行）》): who, which organisation, the period, how many
activities and hours, the list of activities, the issuing unit, the date and room for its seal.

GB/T 9704 page and fonts (exports/document.py), the table and signature of exports/prose.py. The 身份证号 is
masked unless reveal=True. No certificate for a member without service in the period (UserError); the office's
contact person and phone (设置) go under the date, as GB/T 9704's 附注, so the receiver can verify it.
"""
from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

from docx.shared import Pt

from ..core import schema as s
from ..core.errors import UserError
from ..core.formatting import cn_date, display
from ..core.service_record import ServiceRecord, member_record
from ..core.validation import minutes_to_hours
from . import document as d
from . import prose as pr
from . import table_fit as tf
from .files import file_name, private, save_atomic
from .prose import BODY_LINE, CENTER, INDENT, LEFT, TABLE_LINE, TABLE_SIZE

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import _Row

    from ..core.store import Store

TITLE = "志愿服务记录证明"
HEADERS = ("序号", "日期", "活动名称", "服务内容", "时长（小时）")
COLS = (12, 27, 66, 23, 28)         # mm, 156 in all: the GB/T 9704 text block
ALIGNS = (CENTER, CENTER, LEFT, CENTER, CENTER)
ROW_H = 7.0                         # row height in mm
TITLE_LINE, TITLE_AFTER, INTRO_AFTER, CLOSING_BEFORE = BODY_LINE * 1.2, BODY_LINE / 2, 6, 6   # points
PAGE_TEXT_H = d.PAGE_H - d.MARGIN_TOP - d.MARGIN_BOTTOM       # 225 mm
_Rows = list[tuple[tuple[str, ...], str]]   # (values, kind) per table row after the header
TRAVEL = "按实际服务时间计算，不含往返路途时间"


def _period(record: ServiceRecord, today: dt.date) -> str:
    """于…至…期间 from the asked period, else the first and last activity."""
    start = record.date_from or (record.items[0].date if record.items else None)
    end = record.date_to or (record.items[-1].date if record.items else None)
    if not start:
        return f"截至{cn_date(end) or cn_date(today)}，"
    return f"于{cn_date(start)}至{cn_date(end) or cn_date(today)}期间"


def _who(record: ServiceRecord, reveal: bool) -> str:
    member = record.member
    ids = []
    if member.get("id_number"):
        ids.append(f"身份证号：{display(s.MEMBER.field('id_number'), member['id_number'], reveal=reveal)}")
    if member.get("volunteer_no"):
        ids.append(f"志愿者注册编号：{member['volunteer_no']}")
    name: str = member["name"]
    return name + (f"（{'；'.join(ids)}）" if ids else "")


def body_text(record: ServiceRecord, *, reveal: bool = False, today: dt.date | None = None) -> str:
    team = record.team.get("name") or ""
    return (f"兹证明{_who(record, reveal)}为{team}志愿者，{_period(record, today or dt.date.today())}"
            f"参加志愿服务活动{record.activity_count}次，累计服务时长{record.total_hours or '0'}小时"
            f"（{TRAVEL}）。具体记录如下：")


def refuse_without_service(record: ServiceRecord) -> None:
    """UserError when the member has no service to certify in the period (no activity, or 0 hours)."""
    if record.total_minutes > 0:
        return
    name, team = record.member["name"], record.team.get("name")
    who = f"{name}（{team}）" if team else name
    start, end = cn_date(record.date_from), cn_date(record.date_to)
    period = (f"在{start}至{end}期间" if start and end else f"在{start}以后" if start else
              f"在{end}以前" if end else "")
    raise UserError(f"{who}{period}没有志愿服务记录（参加活动 {record.activity_count} 次，服务时长 0 小时），"
                    f"不能出具志愿服务记录证明。")


def contact_line(store: Store) -> str:
    """（联系人：…，联系电话：…） from 设置 (the 操作员, else the 负责人); '' when neither is set."""
    campaign = store.settings.campaign()
    person = campaign.get("operator") or campaign.get("leader") or ""
    phone = campaign.get("contact_phone") or ""
    parts = ([f"联系人：{person}"] if person else []) + ([f"联系电话：{phone}"] if phone else [])
    return f"（{'，'.join(parts)}）" if parts else ""


def issuing_unit(store: Store, record: ServiceRecord) -> str:
    unit: str = record.team.get("unit") or store.our_unit()
    return unit


def certificate_filename(record: ServiceRecord) -> str:
    return file_name(TITLE, record.member["name"], record.team.get("name"))


def build_certificate(store: Store, member_id: str, *, date_from: str | None = None, date_to: str | None = None,
                      reveal: bool = False, today: dt.date | None = None) -> Document:
    """The certificate as a python-docx Document."""
    record = member_record(store, member_id, date_from=date_from, date_to=date_to)
    return build_from_record(store, record, reveal=reveal, today=today)


def build_from_record(store: Store, record: ServiceRecord, *, reveal: bool = False,
                      today: dt.date | None = None) -> Document:
    """The certificate; UserError (one sentence naming the member) when there is no service to certify."""
    refuse_without_service(record)
    day = today or dt.date.today()
    doc = d.new_document()
    d.add_page_numbers(doc)
    d.add_paragraph(doc, TITLE, d.XIAOBIAOSONG, size=d.SIZE_2, align=CENTER, line=TITLE_LINE, after=TITLE_AFTER)
    text = body_text(record, reveal=reveal, today=day)
    intro = d.add_paragraph(doc, text, line=BODY_LINE, after=INTRO_AFTER)
    intro.paragraph_format.first_line_indent = Pt(INDENT)
    intro.paragraph_format.keep_with_next = True
    rows = _rows(record)
    contact = contact_line(store)
    split = _split_at(text, rows, extra_lines=1 if contact else 0)
    parts = [rows[:split], rows[split:]] if split else [rows]
    for n, part in enumerate(parts):
        if n:    # a continuation on a new page, with its own header row
            d.add_page_break_before(d.add_paragraph(doc, line=1))
        if part:
            last_row = _table(doc, part)
    closing = d.add_paragraph(doc, "特此证明。", line=BODY_LINE, before=CLOSING_BEFORE)
    closing.paragraph_format.first_line_indent = Pt(INDENT)
    # the blank line of the signature keeps the seal's top within a line of the text
    signed = pr.signature(doc, f"{issuing_unit(store, record)}（盖章）", day)
    if contact:    # GB/T 9704 附注: under the date, two characters in, in brackets
        signed[-1].paragraph_format.keep_with_next = True
        note = d.add_paragraph(doc, contact, line=BODY_LINE)
        note.paragraph_format.first_line_indent = Pt(INDENT)
    # Word keeps the 合计 row with the closing lines; LibreOffice does not, hence _split_at
    for paragraph in [*(p for cell in last_row.cells for p in cell.paragraphs), closing]:
        paragraph.paragraph_format.keep_with_next = True
    return private(doc, reveal)   # full numbers: the file is the owner's only


def _rows(record: ServiceRecord) -> _Rows:
    """(values, kind) per table row after the header: the items, then 合计."""
    category = s.ACTIVITY.field("category")
    rows: _Rows = [((str(i), it.date.replace("-", "."), tf.balance(it.title, COLS[2], TABLE_SIZE),
                     display(category, it.category), minutes_to_hours(it.minutes)), "item")
                   for i, it in enumerate(record.items, start=1)]
    return rows + [((f"合计（{record.activity_count}次）", record.total_hours or "0"), "total")]


def _row_mm(values: tuple[str, ...], kind: str) -> float:
    if kind != "item":
        return ROW_H
    lines = sum(max(1, math.ceil(d.text_width_mm(part, TABLE_SIZE) / (COLS[2] - 2.5)))
                for part in values[2].split("\n"))
    return max(ROW_H, lines * TABLE_LINE * 25.4 / 72 + 1.6)


def _split_at(intro: str, rows: _Rows, *, extra_lines: int = 0) -> int | None:
    """Where to start a new page so that the seal block never stands alone: an estimate of the printed layout
    (22 lines of 仿宋 in a 225 mm block). When the 合计 row or the closing lines would begin a page, the last two
    activities go over with them. None when no break is needed."""
    pt = 25.4 / 72
    used = (TITLE_LINE + TITLE_AFTER + INTRO_AFTER) * pt
    used += math.ceil((d.text_width_mm(intro, d.SIZE_3) + INDENT * pt) / d.TEXT_W * 1.04) * BODY_LINE * pt
    used += ROW_H
    page, page_of_row = 0, []
    for values, kind in rows:
        height = _row_mm(values, kind)
        if used + height > PAGE_TEXT_H:
            page, used = page + 1, ROW_H     # below the repeated header
        page_of_row.append(page)
        used += height
    closing = CLOSING_BEFORE * pt + (4 + extra_lines) * BODY_LINE * pt
    alone = used + closing > PAGE_TEXT_H or (len(rows) > 1 and page_of_row[-1] != page_of_row[-2])
    if not alone:
        return None
    return max(0, len(rows) - 3)


def _table(doc: Document, rows: _Rows) -> _Row:
    """One bordered table of these rows (prose.table, the header repeating); returns its last row."""
    items = [values for values, kind in rows if kind == "item"]
    total = next((values for values, kind in rows if kind == "total"), None)
    table = pr.table(doc, HEADERS, items, COLS, aligns=ALIGNS, total=total, row_height=ROW_H)
    return table.rows[-1]


def export_certificate(store: Store, member_id: str, path: str | os.PathLike[str], *, date_from: str | None = None,
                       date_to: str | None = None, reveal: bool = False, today: dt.date | None = None) -> Path:
    """Write the certificate (atomic) and return its path."""
    doc = build_certificate(store, member_id, date_from=date_from, date_to=date_to, reveal=reveal, today=today)
    return save_atomic(doc, Path(path))
