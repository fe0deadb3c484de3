"""How every 台账 prints: at least 9 pt (an explicit scale, A4 or a deliberate A3), the header on every page, the
统一社会信用代码 on one line, one number format for hours, and 填表人/审核人/填报日期 at the foot."""
import datetime as dt
import re

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store
from leifeng_desktop.exports import xlsx
from leifeng_desktop.exports import xlsx_print as xp
from leifeng_desktop.exports.activity_ledger import HOURS, export_activity_ledger
from leifeng_desktop.exports.oplog_ledger import export_oplog
from leifeng_desktop.exports.visit_ledgers import export_aid_ledger, export_visit_ledger

from libreoffice import LATIN_FONTS, page_texts, to_pdf

DAY = dt.date(2026, 12, 3)
HEADER_ROW = 3
USCC = "统一社会信用代码"
PAPERS = {"activities": 8, "visits": 8, "aid": 9, "oplog": 9}       # A3, A3, A4, A4


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    load_demo(st)
    st.settings.set({"operator": "刘敏", "reviewer": "陈建华"})
    yield st
    st.close()


def export(store, which, path):
    if which == "activities":
        return export_activity_ledger(store, path, day=DAY)
    if which == "visits":
        return export_visit_ledger(store, path, year=2026, today=DAY, day=DAY)
    if which == "aid":
        return export_aid_ledger(store, path, day=DAY)
    return export_oplog(store, path, day=DAY)[0]


def header(ws):
    return [str(c.value or "").replace("\n", "") for c in ws[HEADER_ROW]]


def widths(ws):
    return [ws.column_dimensions[get_column_letter(i)].width for i in range(1, ws.max_column + 1)]


@pytest.mark.parametrize("which", list(PAPERS))
def test_printed_text_is_at_least_9_pt_on_the_chosen_paper(demo, tmp_path, which):
    ws = openpyxl.load_workbook(export(demo, which, tmp_path / f"{which}.xlsx")).active
    setup = ws.page_setup
    assert setup.orientation == "landscape" and int(setup.paperSize) == PAPERS[which]
    assert not ws.sheet_properties.pageSetUpPr.fitToPage       # an explicit scale: fit could shrink without end
    scale = int(setup.scale)
    sizes = {ws.cell(r, c).font.sz for r in range(HEADER_ROW, ws.max_row + 1) for c in range(1, ws.max_column + 1)
             if ws.cell(r, c).value is not None}
    assert min(sizes) * scale / 100 >= xp.MIN_PT, (sizes, scale)
    assert scale >= xp.min_scale(min(sizes)) == 90
    # and the columns fit the paper's width at that scale, with the wider reader's unit
    paper = xp.A3 if PAPERS[which] == 8 else xp.A4
    assert sum(widths(ws)) * xp.MM_PER_UNIT * scale / 100 <= xp.printable_mm(paper)
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"


@pytest.mark.parametrize("which", list(PAPERS))
def test_the_signing_line_names_the_settings_people_and_the_day(demo, tmp_path, which):
    ws = openpyxl.load_workbook(export(demo, which, tmp_path / f"{which}.xlsx")).active
    last = ws.cell(ws.max_row, 1).value
    assert re.fullmatch(r"填表人：刘敏　+审核人：陈建华　+填报日期：2026年12月3日", last), last
    assert f"A{ws.max_row}:{get_column_letter(ws.max_column)}{ws.max_row}" in ws.merged_cells
    assert not any(c.value for c in ws[ws.max_row - 1])


def test_empty_names_leave_room_to_sign_and_the_day_defaults_to_today(store, tmp_path):
    ws = openpyxl.load_workbook(export_activity_ledger(store, tmp_path / "a.xlsx")).active
    last = ws.cell(ws.max_row, 1).value
    assert last.startswith("填表人：　　") and "审核人：　　" in last
    today = dt.date.today()
    assert last.endswith(f"填报日期：{today.year}年{today.month}月{today.day}日")


def test_every_hours_cell_has_the_one_number_format_and_is_a_number(demo, tmp_path):
    ws = openpyxl.load_workbook(export(demo, "activities", tmp_path / "a.xlsx")).active
    col = header(ws).index(HOURS) + 1
    cells = [ws.cell(r, col) for r in range(HEADER_ROW + 1, ws.max_row - 1)]     # every activity and the 合计
    assert len(cells) == demo.count("activity") + 1
    assert {c.number_format for c in cells} == {"0.00"} == {xlsx.FORMATS[xlsx.HOURS]}
    assert all(isinstance(c.value, (int, float)) for c in cells)


def test_the_credit_code_column_never_wraps_and_holds_18_characters(demo, tmp_path):
    ws = openpyxl.load_workbook(export(demo, "visits", tmp_path / "v.xlsx")).active
    col = header(ws).index(USCC) + 1
    codes = [ws.cell(r, col) for r in range(HEADER_ROW + 1, ws.max_row - 2) if ws.cell(r, col).value]
    assert codes and all(len(c.value) == 18 for c in codes)
    assert not any(c.alignment.wrap_text for c in codes)
    width = ws.column_dimensions[get_column_letter(col)].width
    assert width >= 18 + 2 and width >= xp.code_width([c.value for c in codes])


def test_fit_narrows_only_text_columns_and_only_as_far_as_needed():
    assert xp.fit([10, 20, 30], [True, True, False], xp.A4, 10) == [10, 20, 30]     # fits already
    wide = [20.0] * 10 + [30.0]
    flexible = [True] * 10 + [False]
    narrowed = xp.fit(wide, flexible, xp.A4, 10)
    budget = xp.printable_mm(xp.A4) / 0.9 / xp.MM_PER_UNIT
    assert narrowed[-1] == 30 and all(xp.NARROWEST <= w < 20 for w in narrowed[:-1])
    assert sum(narrowed) <= budget and xp.scale_for(narrowed, xp.A4) >= 90
    assert xp.scale_for([50], xp.A4) == 100


@pytest.mark.parametrize("latin", list(LATIN_FONTS))
def test_libreoffice_prints_each_credit_code_whole_on_one_line(demo, tmp_path, latin):
    text = "".join(page_texts(to_pdf(export(demo, "visits", tmp_path / "visits.xlsx"), tmp_path, latin=latin)))
    codes = {r[0] for r in demo.db.execute("SELECT uscc FROM enterprise_visit WHERE uscc <> '' AND date LIKE '2026%'")}
    assert codes
    printed = set(re.findall(r"[0-9A-Z]{18}", text))
    assert codes <= printed
    assert "填表人：刘敏" in text.replace(" ", "") and "审核人：陈建华" in text.replace(" ", "")
