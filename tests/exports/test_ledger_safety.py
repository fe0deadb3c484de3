"""Ledgers never execute text: formula-like text and Excel's `_xHHHH_` pattern read back as typed, with openpyxl and
through LibreOffice, while numbers stay numbers (issue 11, Deliver 1)."""
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from leifeng_desktop.core import schema as s
from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core import visits as v
from leifeng_desktop.core.xlsx_template import write_template
from leifeng_desktop.exports import xlsx
from leifeng_desktop.exports.activity_ledger import export_activity_ledger
from leifeng_desktop.exports.visit_ledgers import export_aid_ledger, export_visit_ledger

from libreoffice import to_csv

HOSTILE = ["=1+1", '=HYPERLINK("http://x","y")', " =2*3", "@SUM(A1)", "-1+2", "+1", "\t=1+1", "\r=1+1",
           "=cmd|' /C calc'!A0", "  -3", "卫_x000B_十二", "_x0041_x0042_", "a_x005F_x0041_b", "x000B_", "普通文字"]
FORMULA_LIKE = {"=1+1", '=HYPERLINK("http://x","y")', " =2*3", "@SUM(A1)", "-1+2", "+1", "\t=1+1", "\r=1+1",
                "=cmd|' /C calc'!A0", "  -3"}
COLUMNS = [xlsx.Column("序号", xlsx.INT), xlsx.Column("名称"), xlsx.Column("说明", xlsx.LONG),
           xlsx.Column("金额", xlsx.MONEY), xlsx.Column("时长", xlsx.HOURS)]
HEADER_ROW = 3


@pytest.fixture
def hostile_ledger(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    rows = [[n, text, f"说明{text}", 1234 * n, 90] for n, text in enumerate(HOSTILE, start=1)]
    return xlsx.write_ledger(out / "台账.xlsx", title="=1+1", subtitle="@填报单位", columns=COLUMNS, rows=rows,
                             totals={0: xlsx.COUNT, 3: xlsx.SUM})


def sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet"))


def test_the_helper_marks_exactly_the_formula_like_texts():
    assert {t for t in HOSTILE if xlsx.looks_like_formula(t)} == FORMULA_LIKE


def test_hostile_text_reads_back_as_typed_with_openpyxl(hostile_ledger):
    assert "<f>" not in sheet_xml(hostile_ledger)            # not one formula in the file
    ws = openpyxl.load_workbook(hostile_ledger).active
    assert ws["A1"].value == "=1+1" and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    assert ws["A2"].value == "@填报单位" and ws["A2"].quotePrefix
    for n, text in enumerate(HOSTILE, start=1):
        r = HEADER_ROW + n
        name, note = ws.cell(r, 2), ws.cell(r, 3)
        assert (name.value, note.value) == (text, f"说明{text}")
        assert name.data_type == note.data_type == "s"
        assert bool(name.quotePrefix) == (text in FORMULA_LIKE)
        assert ws.cell(r, 1).value == n and ws.cell(r, 1).data_type == "n"
        assert Decimal(str(ws.cell(r, 4).value)) == Decimal(1234 * n) / 100 and ws.cell(r, 4).data_type == "n"
        assert ws.cell(r, 5).value == 1.5
    total = ws.cell(HEADER_ROW + len(HOSTILE) + 1, 4).value
    assert Decimal(str(total)) == Decimal(1234 * sum(range(1, len(HOSTILE) + 1))) / 100


def test_hostile_text_reads_back_as_typed_through_libreoffice(hostile_ledger, tmp_path):
    rows, raw = to_csv(hostile_ledger, tmp_path)
    assert rows[0][0] == "=1+1" and rows[1][0] == "@填报单位"
    body = rows[HEADER_ROW:HEADER_ROW + len(HOSTILE)]
    assert [r[1] for r in body] == HOSTILE
    assert [r[2] for r in body] == [f"说明{t}" for t in HOSTILE]
    assert [r[0] for r in body] == [str(n) for n in range(1, len(HOSTILE) + 1)]
    assert [r[3] for r in body] == [f"{1234 * n / 100:,.2f}" for n in range(1, len(HOSTILE) + 1)]
    # numbers are numbers to Calc: the CSV quotes text cells only
    for n in range(1, len(HOSTILE) + 1):
        assert re.search(rf'(^|\n){n},"', raw), n


@pytest.fixture
def hostile_store(store, fake_id, team_values):
    store.settings.set({"year": 2026})
    team = store.insert("team", {**team_values, "name": "=1+1", "unit": "@SUM(A1)", "leader": "-1+2"})
    member = store.insert("member", {"team_id": team, "name": "+1"})
    sr.save_activity(store, None, {
        "title": '=HYPERLINK("http://x","y")', "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T11:00",
        "category": "便民利民", "service_form": "上门服务", "team_id": team, "summary": "\t=1+1 卫_x000B_十二"},
        [{"member_id": member, "minutes": 60}])
    hh = store.insert("household", {"name": "=2*3", "id_number": fake_id(seq=7), "address": "卫_x000B_十二"})
    store.insert("aid", {"household_id": hh, "date": "2026-01-20", "programme": "送温暖", "amount": 12345,
                         "goods": "@SUM(A1)", "handler": "-1+2", "note": "=cmd|' /C calc'!A0"})
    group = store.rows("working_group")[0]["id"]
    v.save_enterprise_visit(store, None, {"date": "2026-05-10", "group_id": group, "enterprise": "=1+1",
                                          "note": "卫_x000B_十二"},
                            [{"content": "@SUM(A1)", "reply": "-1+2"}])
    return store


def stored_texts(store, type_key: str) -> set[str]:
    rt = s.RECORD_TYPES[type_key]
    keys = [f.key for f in rt.fields if f.type in (s.TEXT, s.LONGTEXT)]
    return {r[k] for r in store.rows(type_key) for k in keys if r.get(k)}


def cell_texts(path) -> set[str]:
    ws = openpyxl.load_workbook(path).active
    return {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


@pytest.mark.parametrize("which", ["activity", "aid", "visit"])
def test_real_ledgers_write_stored_text_as_typed(hostile_store, tmp_path, which):
    path = tmp_path / f"{which}.xlsx"
    if which == "activity":
        export_activity_ledger(hostile_store, path)
        expected = stored_texts(hostile_store, "activity") | {"=1+1"}            # the team's name
    elif which == "aid":
        export_aid_ledger(hostile_store, path, year=2026, reveal=True)
        expected = {"=2*3", "@SUM(A1)", "-1+2", "=cmd|' /C calc'!A0"}
    else:
        export_visit_ledger(hostile_store, path, year=2026, today="2026-11-26")
        expected = {"=1+1", "卫_x000B_十二", "@SUM(A1)", "-1+2"}
    assert expected <= stored_texts(hostile_store, {"activity": "activity", "aid": "aid", "visit":
                                                    "enterprise_visit"}[which]) | stored_texts(
        hostile_store, "household") | stored_texts(hostile_store, "demand") | stored_texts(hostile_store, "team")
    assert expected <= cell_texts(path)
    assert "<f>" not in sheet_xml(path)


def test_the_import_template_writes_choice_texts_as_typed(tmp_path):
    choices = {name: [*items, "=1+1", "卫_x000B_十二", 'say "hi"'] for name, (_, items) in s.CHOICE_LISTS.items()}
    path = write_template(tmp_path / "模板.xlsx", "household", choices=choices)
    wb = openpyxl.load_workbook(path)
    notes = wb["填写说明"]
    gender = next(r for r in notes.iter_rows(values_only=True) if r[0] == s.HOUSEHOLD.field("gender").label)
    assert gender[3].endswith("、=1+1、卫_x000B_十二、say \"hi\"")
    assert not wb.active.data_validations.dataValidation      # a quote in a choice: described, no drop-down
    with zipfile.ZipFile(path) as z:
        assert not any("<f>" in z.read(n).decode() for n in z.namelist() if "worksheets/sheet" in n)
