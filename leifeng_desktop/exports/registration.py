"""《学雷锋职工志愿服务队登记表》: one Word form per team, filled from the store.

Layout (domain.md, Documents): title, 填报单位/填报日期 line, a label/value table of every team field, the roster
(registration_roster: header row repeats on a new page, rows never split, numbers never split), 单位意见 with room
for the seal. Each form is a section of its own (registration_pages): 第 n 页 共 m 页 on every page, the team named at
the top of every page after the first. A team of 15 members whose values are of usual length prints on one A4 page,
whichever Latin font the office has.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ..core import schema as s
from ..core.formatting import cn_date, form_value
from . import ExportCancelled, styles
from . import document as d
from . import registration_pages as pages
from . import registration_roster as rr
from . import word_tables as wt
from .files import explain_os_error, file_name, private, staged_files, unique_names
from .registration_stream import CombinedForms

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
_Item = s.Field | tuple[str, str]       # a field of the team, or a (label, value) of its own

# Millimetres; each table is 156 mm, the GB/T 9704 text block.
TEAM_COLS = (27, 51, 27, 51)
OPINION_COLS = (27, 129)
CELL_PAD, CELL_PAD_V = rr.PAD, rr.PAD_V     # cell padding left/right and top/bottom (mm)
ROW_H, OPINION_H = 5.4, 20.0

FONT_SIZE, LINE = d.SIZE_5, 13.0         # 五号 in exact 13 pt lines
TITLE_LINE, TITLE_AFTER = 26, 2          # points
FILL_LINE, FILL_AFTER = 16, 2
CAPTION_LINE, CAPTION_BEFORE, CAPTION_AFTER = 15, 2, 1
GAP_LINE = 4
ONE_PAGE = 15                            # members a form keeps on one page (its text set smaller if need be)
COLLECT_EVERY = 4                        # teams between collections of the documents' cycles (flat memory)
SAFETY = 4.0                             # mm the one-page estimate keeps free for what it does not measure


# -- file names ----------------------------------------------------------------------------------------------
def registration_filename(team: dict[str, Any]) -> str:
    return file_name("登记表", team.get("unit"), team.get("name"))


# -- the form ------------------------------------------------------------------------------------------------
def _load_team(store: Store, team_id: str) -> dict[str, Any]:
    team: dict[str, Any] | None = store.get("team", team_id)
    if team is None:
        raise ValueError(f"找不到要导出的志愿服务队（编号 {team_id}），可能已被删除")
    return team


def build_registration(store: Store, team_ids: list[str], *, reveal: bool = False,
                       day: dt.date | None = None) -> Document:
    """One document with the 登记表 of every given team, each in its own section starting on a new page;
    填报日期 is `day` (default today)."""
    teams = [_load_team(store, tid) for tid in team_ids]
    doc = d.new_document(title=f"{TITLE}（{teams[0].get('name')}）" if len(teams) == 1 else TITLE,
                         author=_author(store, teams))
    day = day or dt.date.today()
    for i, team in enumerate(teams):
        members = store.rows("member", where="team_id = ?", params=[team["id"]])
        section = pages.form_section(doc, first=i == 0)
        count = _add_form(doc, team, members, reveal=reveal, day=day)
        pages.page_furniture(section, f"{TITLE}（续）　队伍名称：{team.get('name') or ''}",
                             own_count=len(teams) > 1, pages=count)
    marked: Document = private(doc, reveal)   # full numbers: the file is the owner's only
    return marked


def _author(store: Store, teams: list[dict[str, Any]]) -> str:
    """The file's author: the teams' unit, or 设置's 本单位 when they are of several."""
    units = {t.get("unit") or "" for t in teams}
    return units.pop() if len(units) == 1 else str(store.settings.campaign().get("our_unit") or "")


def _add_form(doc: Document, team: dict[str, Any], members: list[dict[str, Any]], *, reveal: bool,
              day: dt.date) -> int:
    """The form's paragraphs and tables; returns the pages it is estimated to take."""
    d.add_paragraph(doc, TITLE, style=styles.TITLE, line=TITLE_LINE, after=TITLE_AFTER)
    d.add_paragraph(doc, f"填报单位（盖章）：{team.get('unit') or ''}　　　　填报日期：{cn_date(day)}",
                    style=styles.TABLE_TEXT, line=FILL_LINE, after=FILL_AFTER)
    team_heights = _team_table(doc, team, len(members), reveal)
    caption = d.add_paragraph(doc, f"队员名单（{COUNT_LABEL}：{len(members)} 人）", style=styles.TABLE_TEXT,
                              line=CAPTION_LINE, before=CAPTION_BEFORE, after=CAPTION_AFTER)
    caption.paragraph_format.keep_with_next = True
    top = _pt(TITLE_LINE + TITLE_AFTER + FILL_LINE + FILL_AFTER + CAPTION_LINE + CAPTION_BEFORE + CAPTION_AFTER)
    roster, count = _fitted_roster(members, reveal, top + sum(team_heights))
    table = rr.add_roster_table(doc, roster, _new_table)
    gap = d.add_paragraph(doc, line=GAP_LINE)    # keeps the two tables apart (Word would join adjacent tables)
    # 单位意见 never stands alone on a page: the last roster row goes over with it
    for paragraph in [*(p for cell in table.rows[-1].cells for p in cell.paragraphs), gap]:
        paragraph.paragraph_format.keep_with_next = True
    _opinion_table(doc)
    pages.end_of_form(doc)
    return count


def _fitted_roster(members: list[dict[str, Any]], reveal: bool, top: float) -> tuple[rr.Roster, int]:
    """The roster in the largest text size that keeps a team of up to ONE_PAGE members on one page (estimated
    with a margin), with the pages the form is estimated to take; a larger team's in the normal size."""
    tail = _pt(GAP_LINE) + OPINION_H
    size, line = rr.TEXT_SIZES[0]
    normal = rr.roster_of(members, reveal=reveal, size=size, line=line)
    if len(members) <= ONE_PAGE:   # each smaller size made only when the one before does not fit
        for roster in (normal, *(rr.roster_of(members, reveal=reveal, size=size, line=line)
                                 for size, line in rr.TEXT_SIZES[1:])):
            if pages.estimate_pages(top + SAFETY, rr.ROW_H, roster.row_heights(), tail) == 1:
                return roster, 1
    return normal, pages.estimate_pages(top, rr.ROW_H, normal.row_heights(), tail)


def _pt(points: float) -> float:
    return points * 25.4 / 72


def _new_table(doc: Document, rows: int, widths: Sequence[float]) -> Table:
    table: Table = doc.add_table(rows=rows, cols=len(widths))
    wt.set_table_borders(table)
    wt.set_cell_margins(table, left=CELL_PAD, right=CELL_PAD, top=CELL_PAD_V, bottom=CELL_PAD_V)
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


def _team_table(doc: Document, team: dict[str, Any], count: int, reveal: bool) -> list[float]:
    """The team's fields as label/value pairs; returns each row's estimated height (mm)."""
    layout = _team_rows(f"{count} 人")
    table = _new_table(doc, len(layout), TEAM_COLS)
    heights = []
    for row, items in zip(table.rows, layout):
        wide = len(items) == 1
        first = items[0]
        key = first.key if isinstance(first, s.Field) else ""
        long_plan = wide and isinstance(first, s.Field) and first.type == s.LONGTEXT
        if not long_plan:   # a long plan may run over a page; never cut it off
            wt.cant_split(row)
        wt.set_row_height(row, TALL.get(key, ROW_H))
        if wide:
            wt.merge_across(row, 1, 3)
        cells, lines = row.cells, 1
        for n, item in enumerate(items):
            if isinstance(item, s.Field):
                label, value = item.label, form_value(item, team.get(item.key), reveal=reveal)
            else:
                label, value = item
            wt.write_cell(cells[2 * n], label, size=FONT_SIZE, align=CENTER, line=LINE)
            long_text = wide and isinstance(item, s.Field) and item.type in (s.LONGTEXT, s.MULTI, s.TEXT)
            wt.write_cell(cells[2 * n + 1], value, size=FONT_SIZE, align=LEFT if long_text else CENTER,
                         line=LINE)
            width = sum(TEAM_COLS[1:]) if wide else TEAM_COLS[2 * n + 1]
            lines = max(lines, rr.line_count(value, width, FONT_SIZE), rr.line_count(label, TEAM_COLS[0], FONT_SIZE))
        heights.append(max(TALL.get(key, ROW_H), _pt(lines * LINE) + 2 * CELL_PAD_V))
    wt.set_col_widths(table, list(TEAM_COLS))
    return heights


def _opinion_table(doc: Document) -> None:
    table = _new_table(doc, 1, OPINION_COLS)
    row = table.rows[0]
    wt.cant_split(row)
    wt.set_row_height(row, OPINION_H)
    label, box = row.cells
    wt.write_cell(label, "单位意见", size=FONT_SIZE, align=CENTER, line=LINE)
    wt.write_cell(box, "（盖章）", size=FONT_SIZE, align=RIGHT, valign="bottom", line=LINE + 4)
    date = d.add_paragraph(box, "年　月　日", size=FONT_SIZE, align=RIGHT, line=LINE + 4, after=3)
    for p in box.paragraphs:
        p.paragraph_format.right_indent = Pt(FONT_SIZE * 3)
    date.paragraph_format.right_indent = Pt(FONT_SIZE * 1.5)
    wt.set_col_widths(table, list(OPINION_COLS))


# -- export --------------------------------------------------------------------------------------------------
def export_registration(store: Store, team_ids: list[str], out_dir: Path, *, reveal: bool = False,
                        combined: bool = True, day: dt.date | None = None,
                        progress: Callable[[int, int], None] | None = None,
                        cancelled: Callable[[], bool] | None = None) -> list[Path]:
    """One .docx per team in out_dir, plus one combined file for several teams, 填报日期 `day` (default today).
    Returns the paths written.

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
    day = day or dt.date.today()
    names = unique_names([registration_filename(t) for t in teams])
    paths = [out_dir / name for name in names]
    together = combined and len(teams) > 1
    if together:
        paths.append(out_dir / file_name("登记表", "汇总", f"{day:%Y%m%d}"))
    try:
        with staged_files(out_dir) as save:   # every file, or none: all are renamed into place at the end
            # one team's document at a time: saved, its form appended to the combined file, then let go
            forms = CombinedForms(title=TITLE, author=_author(store, teams), folder=out_dir) if together else None
            gc.freeze()     # what lived before the export is not searched for cycles by each collection below
            try:
                for done, (team, path) in enumerate(zip(teams, paths), start=1):
                    if cancelled and cancelled():
                        raise ExportCancelled()
                    doc = build_registration(store, [team["id"]], reveal=reveal, day=day)
                    save(doc, path)
                    if forms is not None:
                        forms.add(doc)
                    if done % COLLECT_EVERY == 0:   # a document's objects hold cycles: let them go now and then
                        gc.collect()
                    if progress:
                        progress(done, len(paths))
                if forms is not None:
                    save(private(forms, reveal), paths[-1])
                    if progress:
                        progress(len(paths), len(paths))
            finally:
                gc.unfreeze()
                if forms is not None:
                    forms.close()
    except BaseException:
        if made:
            with contextlib.suppress(OSError):   # the folder this call made, if nothing else went into it
                out_dir.rmdir()
        raise
    return paths

