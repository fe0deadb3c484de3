"""《学雷锋职工志愿服务队登记表》: one Word form per team, filled from the store.

Layout (domain.md, Documents): title, 填报单位/填报日期 line, a label/value table of every team field, the roster
(header row repeats on a new page, rows never split), 单位意见 with room for the seal. The sizes below are chosen so
that a team of 15 members whose 工作单位及职务 fits one line prints on one A4 page.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ..core import schema as s
from ..core.formatting import cn_date, form_value
from . import ExportCancelled
from . import document as d
from .files import explain_os_error, file_name, staged_files, unique_names

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table

    from ..core.store import Store

CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
TITLE = "学雷锋职工志愿服务队登记表"

# The team table: short fields two to a row, in pairs that read together; WIDE fields take a whole row. A field the
# schema gains later and this layout lacks is shown as a whole row (see _team_rows).
PAIRS = (("name", "kind"), ("unit", "founded_on"), ("leader", "leader_title"), ("contact", "contact_phone"))
PAIRED_WITH_COUNT = "leader_phone"      # shares its row with 队员人数, counted from the roster
COUNT_LABEL = "队员人数"
WIDE = ("categories", "service_forms", "area", "intro", "note")
TALL = {"intro": 14.0}                  # minimum row height (mm): room for a plan written by hand

ROSTER = ("name", "gender", "birth_month", "politics", "work", "phone", "id_number")
ROSTER_SHORT_LABELS: dict[str, str] = {}   # header label → shorter label, should a column ever need one
SEQ_LABEL = "序号"
_Item = s.Field | tuple[str, str]       # a field of the team, or a (label, value) of its own

# Millimetres; each table is 156 mm, the GB/T 9704 text block.
TEAM_COLS = (27, 51, 27, 51)
ROSTER_COLS = (9.5, 15, 9.5, 16.5, 20.5, 33.5, 21, 30.5)   # 序号 + ROSTER; no header may wrap
OPINION_COLS = (27, 129)
CELL_PAD, CELL_PAD_V = 0.6, 0.35        # cell padding left/right and top/bottom (mm)
ROW_H, OPINION_H = 5.6, 21.0

FONT_SIZE, SMALL_SIZE = d.SIZE_5, 9.0    # 五号; 小五 for a roster column with a value too long for one line
LINE, SMALL_LINE = 13.0, 10.0            # exact line heights (pt)


# -- values and file names -----------------------------------------------------------------------------------
def roster_value(field: s.Field, value: object, *, reveal: bool = False) -> str:
    """In the narrow roster columns a month reads 1984.02, as on printed rosters; the rest as on the form."""
    if field.type == s.MONTH and value and re.fullmatch(r"\d{4}-\d{2}", str(value)):
        return str(value).replace("-", ".")
    return form_value(field, value, reveal=reveal)


def registration_filename(team: dict[str, Any]) -> str:
    return file_name("登记表", team.get("unit"), team.get("name"))


# -- the form ------------------------------------------------------------------------------------------------
def _load_team(store: Store, team_id: str) -> dict[str, Any]:
    team: dict[str, Any] | None = store.get("team", team_id)
    if team is None:
        raise ValueError(f"找不到要导出的志愿服务队（编号 {team_id}），可能已被删除")
    return team


def build_registration(store: Store, team_ids: list[str], *, reveal: bool = False,
                       today: dt.date | None = None) -> Document:
    """One document with the 登记表 of every given team, each starting on a new page."""
    teams = [_load_team(store, tid) for tid in team_ids]
    doc = d.new_document()
    day = today or dt.date.today()
    for i, team in enumerate(teams):
        members = store.rows("member", where="team_id = ?", params=[team["id"]])
        _add_form(doc, team, members, reveal=reveal, day=day, new_page=i > 0)
    return doc


def _add_form(doc: Document, team: dict[str, Any], members: list[dict[str, Any]], *, reveal: bool, day: dt.date,
              new_page: bool) -> None:
    title = d.add_paragraph(doc, TITLE, d.XIAOBIAOSONG, size=d.SIZE_2, align=CENTER, line=28, after=2)
    if new_page:
        d.add_page_break_before(title)
    d.add_paragraph(doc, f"填报单位（盖章）：{team.get('unit') or ''}　　　　填报日期：{cn_date(day)}",
                    size=d.SIZE_XIAO4, line=16, after=2)
    _team_table(doc, team, len(members), reveal)
    caption = d.add_paragraph(doc, f"队员名单（{COUNT_LABEL}：{len(members)} 人）", size=d.SIZE_XIAO4,
                              line=16, before=3, after=1)
    caption.paragraph_format.keep_with_next = True
    roster = _roster_table(doc, members, reveal)
    gap = d.add_paragraph(doc, line=4)    # keeps the two tables apart (Word would join adjacent tables)
    # 单位意见 never stands alone on a page: the last roster row goes over with it
    for paragraph in [*(p for cell in roster.rows[-1].cells for p in cell.paragraphs), gap]:
        paragraph.paragraph_format.keep_with_next = True
    _opinion_table(doc)


def _new_table(doc: Document, rows: int, widths: Sequence[float]) -> Table:
    table: Table = doc.add_table(rows=rows, cols=len(widths))
    d.set_table_borders(table)
    d.set_cell_margins(table, left=CELL_PAD, right=CELL_PAD, top=CELL_PAD_V, bottom=CELL_PAD_V)
    return table


def _team_rows(team_count_value: str) -> list[tuple[_Item, ...]]:
    """[(field or label, …)] per row: 2 items for a paired row, 1 for a whole row."""
    rows: list[tuple[_Item, ...]] = [(s.TEAM.field(a), s.TEAM.field(b)) for a, b in PAIRS[:3]]
    rows.append((s.TEAM.field(PAIRED_WITH_COUNT), (COUNT_LABEL, team_count_value)))
    rows += [(s.TEAM.field(a), s.TEAM.field(b)) for a, b in PAIRS[3:]]
    placed = {k for pair in PAIRS for k in pair} | {PAIRED_WITH_COUNT} | set(WIDE)
    rows += [(s.TEAM.field(k),) for k in WIDE]
    rows += [(f,) for f in s.TEAM.fields if f.key not in placed]
    return rows


def _team_table(doc: Document, team: dict[str, Any], count: int, reveal: bool) -> None:
    layout = _team_rows(f"{count} 人")
    table = _new_table(doc, len(layout), TEAM_COLS)
    for row, items in zip(table.rows, layout):
        wide = len(items) == 1
        first = items[0]
        key = first.key if isinstance(first, s.Field) else ""
        long_plan = wide and isinstance(first, s.Field) and first.type == s.LONGTEXT
        if not long_plan:   # a long plan may run over a page; never cut it off
            d.cant_split(row)
        d.set_row_height(row, TALL.get(key, ROW_H))
        if wide:
            d.merge_across(row, 1, 3)
        cells = row.cells
        for n, item in enumerate(items):
            if isinstance(item, s.Field):
                label, value = item.label, form_value(item, team.get(item.key), reveal=reveal)
            else:
                label, value = item
            d.write_cell(cells[2 * n], label, size=FONT_SIZE, align=CENTER, line=LINE)
            long_text = wide and isinstance(item, s.Field) and item.type in (s.LONGTEXT, s.MULTI, s.TEXT)
            d.write_cell(cells[2 * n + 1], value, size=FONT_SIZE, align=LEFT if long_text else CENTER,
                         line=LINE)
    d.set_col_widths(table, list(TEAM_COLS))


def _roster_table(doc: Document, members: list[dict[str, Any]], reveal: bool) -> Table:
    fields = [s.MEMBER.field(k) for k in ROSTER]
    table = _new_table(doc, 1 + max(1, len(members)), ROSTER_COLS)
    header = table.rows[0]
    d.repeat_header(header)
    d.cant_split(header)
    d.set_row_height(header, ROW_H)
    labels = [SEQ_LABEL] + [ROSTER_SHORT_LABELS.get(f.label, f.label) for f in fields]
    for cell, label in zip(header.cells, labels):
        d.write_cell(cell, label, size=FONT_SIZE, bold=True, align=CENTER, line=LINE)
    if not members:
        row = table.rows[1]
        d.set_row_height(row, ROW_H)
        d.write_cell(d.merge_across(row, 0, len(ROSTER)), "（暂无队员）", size=FONT_SIZE, align=CENTER, line=LINE)
    values = [[str(n)] + [roster_value(f, m.get(f.key), reveal=reveal) for f in fields]
              for n, m in enumerate(members, start=1)]
    # a column with a value too wide for one line at 五号 is set in 小五 throughout: most values then fit one
    # line, the rest wrap in less height, and the column reads evenly
    small = [any(d.text_width_mm(v[c], FONT_SIZE) > width - 2 * CELL_PAD - 0.3 for v in values)
             for c, width in enumerate(ROSTER_COLS)]
    for row, row_values in zip(table.rows[1:], values):
        d.cant_split(row)
        d.set_row_height(row, ROW_H)
        for cell, value, is_small in zip(row.cells, row_values, small):
            d.write_cell(cell, value, size=SMALL_SIZE if is_small else FONT_SIZE, align=CENTER,
                         line=SMALL_LINE if is_small else LINE)
    d.set_col_widths(table, list(ROSTER_COLS))
    return table


def _opinion_table(doc: Document) -> None:
    table = _new_table(doc, 1, OPINION_COLS)
    row = table.rows[0]
    d.cant_split(row)
    d.set_row_height(row, OPINION_H)
    label, box = row.cells
    d.write_cell(label, "单位意见", size=FONT_SIZE, align=CENTER, line=LINE)
    d.write_cell(box, "（盖章）", size=FONT_SIZE, align=RIGHT, valign="bottom", line=LINE + 4)
    date = d.add_paragraph(box, "年　月　日", size=FONT_SIZE, align=RIGHT, line=LINE + 4, after=3)
    for p in box.paragraphs:
        p.paragraph_format.right_indent = Pt(FONT_SIZE * 3)
    date.paragraph_format.right_indent = Pt(FONT_SIZE * 1.5)
    d.set_col_widths(table, list(OPINION_COLS))


# -- export --------------------------------------------------------------------------------------------------
def export_registration(store: Store, team_ids: list[str], out_dir: Path, *, reveal: bool = False,
                        combined: bool = True, today: dt.date | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        cancelled: Callable[[], bool] | None = None) -> list[Path]:
    """One .docx per team in out_dir, plus one combined file for several teams. Returns the paths written.

    All files or none (staged_files): a failure, a cancel (ExportCancelled) or a kill leaves none of them, and a
    folder this call made is removed again when it stayed empty.
    """
    teams = [_load_team(store, tid) for tid in team_ids]    # an unknown id fails before anything is written
    out_dir = Path(out_dir)
    made = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise explain_os_error(exc, out_dir) from exc
    day = today or dt.date.today()
    names = unique_names([registration_filename(t) for t in teams])
    jobs = [([t["id"]], out_dir / name) for t, name in zip(teams, names)]
    if combined and len(teams) > 1:
        jobs.append(([t["id"] for t in teams], out_dir / file_name("登记表", "汇总", f"{day:%Y%m%d}")))
    try:
        with staged_files(out_dir) as save:   # every file, or none: all are renamed into place at the end
            for done, (ids, path) in enumerate(jobs, start=1):
                if cancelled and cancelled():
                    raise ExportCancelled()
                save(build_registration(store, ids, reveal=reveal, today=day), path)
                if progress:
                    progress(done, len(jobs))
    except BaseException:
        if made:
            with contextlib.suppress(OSError):   # the folder this call made, if nothing else went into it
                out_dir.rmdir()
        raise
    return [path for _, path in jobs]

