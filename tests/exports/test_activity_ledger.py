"""活动台账 and the generic ledger writer: labels from the schema, one row per activity, exact totals, frozen header,
print set-up, filters, atomic files and LibreOffice."""
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from leifeng_desktop.core import schema as s
from leifeng_desktop.core import service_record as sr
from leifeng_desktop.exports import xlsx
from leifeng_desktop.exports.activity_ledger import (
    HOURS,
    PARTICIPANTS,
    SEQ,
    export_activity_ledger,
)

from libreoffice import pdf_info, to_pdf

HEADER_ROW = 3     # title, 填报单位/period line, header


@pytest.fixture
def teams(store, team_values):
    return [store.insert("team", team_values), store.insert("team", {**team_values, "name": "第二服务队"})]


@pytest.fixture
def activities(store, teams):
    """Nine activities over three months, two teams, 1–3 participants each; one with no team."""
    ids = []
    for n in range(9):
        team = teams[n % 2]
        people = [store.insert("member", {"team_id": team, "name": f"队员{n}-{k}"}) for k in range(1 + n % 3)]
        day = dt.date(2026, 8, 25) + dt.timedelta(days=7 * n)
        ids.append(sr.save_activity(store, None, {
            "title": f"活动{n}", "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:30", "category": "便民利民",
            "service_form": "上门服务", "team_id": team if n != 8 else None, "beneficiaries": 10 * n or None,
            "evaluation": "优秀", "summary": "活动简述" * (5 + n)},
            [{"member_id": m, "minutes": 60 + 25 * k} for k, m in enumerate(people)]))
    return ids


def read(path):
    ws = openpyxl.load_workbook(path).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[-1][0].startswith("填表人：") and not any(rows[-2])    # the signing line under a blank row
    rows = rows[:-2]
    return ws, [str(v).replace("\n", "") for v in rows[HEADER_ROW - 1]], rows[HEADER_ROW:]


def hand_count(store, where="1 = 1", params=()):
    return store.db.execute(
        "SELECT COUNT(DISTINCT a.id), COUNT(p.id), COALESCE(SUM(p.minutes), 0), "
        f"(SELECT COALESCE(SUM(beneficiaries), 0) FROM activity a WHERE {where}) "
        f"FROM activity a LEFT JOIN participant p ON p.activity_id = a.id WHERE {where}",
        [*params, *params]).fetchone()


def test_header_labels_come_from_the_schema_and_every_field_is_there(store, activities, tmp_path):
    ws, header, _ = read(export_activity_ledger(store, tmp_path / "台账.xlsx"))
    labels = [f.label for f in s.ACTIVITY.fields]
    assert header[0] == SEQ and set(labels) <= set(header)
    assert {PARTICIPANTS, HOURS, s.ACTIVITY.field("unit").label} <= set(header)
    assert header[-1] == s.ACTIVITY.field("summary").label          # long text last
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws["A1"].value.endswith("学雷锋职工志愿服务活动台账") and "A1" in ws.merged_cells
    assert ws.cell(HEADER_ROW, 1).font.b and ws.cell(HEADER_ROW, 1).fill.fgColor.rgb.endswith(xlsx.HEADER_FILL)


def test_one_row_per_activity_and_totals_equal_a_hand_count(store, activities, teams, tmp_path):
    _, header, rows = read(export_activity_ledger(store, tmp_path / "台账.xlsx"))
    data, total = rows[:-1], rows[-1]
    col = {label: header.index(label) for label in header}
    assert len(data) == len(activities) == 9
    assert [r[col[SEQ]] for r in data] == list(range(1, 10))
    first = data[0]
    assert first[col["活动名称"]] == "活动0" and first[col["组织队伍"]] == "供电公司职工志愿服务队"
    assert first[col["开始时间"]] == dt.datetime(2026, 8, 25, 9, 0)
    assert first[col["服务形式"]] == "上门服务" and first[col["服务质量评价"]] == "优秀"
    assert data[8][col["组织队伍"]] is None                    # an activity without a team
    assert Decimal(str(data[2][col[HOURS]])) == Decimal(60 + 85 + 110) / 60 == Decimal("4.25")
    count, people, minutes, beneficiaries = hand_count(store)
    assert total[0] == "合计" and total[col["活动名称"]] == f"共 {count} 场"
    assert total[col[PARTICIPANTS]] == people == sum(r[col[PARTICIPANTS]] for r in data)
    assert Decimal(str(total[col[HOURS]])) == (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    assert total[col["受益人数"]] == beneficiaries == 360


def test_filters_by_period_and_team(store, activities, teams, tmp_path):
    path = export_activity_ledger(store, tmp_path / "九月.xlsx", date_from="2026-09-01", date_to="2026-09-29",
                                  team_id=teams[0])
    ws, header, rows = read(path)
    where, params = "date(a.starts_at) BETWEEN ? AND ? AND a.team_id = ?", ["2026-09-01", "2026-09-29", teams[0]]
    count, people, _minutes, _ = hand_count(store, where, params)
    titles = [r[header.index("活动名称")] for r in rows[:-1]]
    assert titles == ["活动2", "活动4"] and count == 2
    assert rows[-1][header.index(PARTICIPANTS)] == people
    assert "统计期间：2026-09-01 至 2026-09-29" in ws["A2"].value and "供电公司职工志愿服务队" in ws["A2"].value


def test_print_setup_formats_and_widths(store, activities, tmp_path):
    ws, header, _ = read(export_activity_ledger(store, tmp_path / "台账.xlsx"))
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 8     # A3, deliberately
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.scale) >= 90    # 10 pt → ≥ 9 pt
    assert ws.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
    first = HEADER_ROW + 1
    fmt = {label: ws.cell(first, i + 1).number_format for i, label in enumerate(header)}
    assert fmt[HOURS] == "0.00" and fmt[PARTICIPANTS] == "0" and fmt["开始时间"] == "yyyy-mm-dd hh:mm"
    summary = header.index("活动简述") + 1
    assert ws.cell(first, summary).alignment.wrap_text
    letter = openpyxl.utils.get_column_letter(header.index("组织队伍") + 1)
    assert ws.column_dimensions[letter].width >= 12        # 12 CJK characters wrap onto two lines, not ###
    last = ws.max_row - 2      # the 合计, above the blank row and the signing line
    assert all(ws.cell(last, c).font.b for c in range(1, len(header) + 1))


def test_generic_writer_money_masking_count_and_sum(tmp_path):
    cols = [xlsx.Column("序号", xlsx.INT), xlsx.Column.of(s.AID.field("amount")),
            xlsx.Column.of(s.HOUSEHOLD.field("id_number")), xlsx.Column.of(s.HOUSEHOLD.field("income")),
            xlsx.Column.of(s.HOUSEHOLD.field("other_causes")), xlsx.Column.of(s.AID.field("date"))]
    rows = [[1, 10, "110101198503120014", 150000, ["失业", "灾害"], "2026-09-01"],
            [2, 20, None, None, [], "2026-09-02"], [3, 30_000_01, "", 1, None, None]]
    path = xlsx.write_ledger(tmp_path / "l.xlsx", title="帮扶台账", columns=cols, rows=rows,
                             totals={0: xlsx.COUNT, 1: xlsx.SUM})
    ws = openpyxl.load_workbook(path).active
    labels = [c.value.replace("\n", "") for c in ws[2]]      # a long label breaks into even lines
    assert labels == ["序号", "金额（元）", "身份证号", "家庭月人均收入", "次要原因", "帮扶日期"]
    assert ws["D2"].value == "家庭月人\n均收入"
    assert [ws.cell(r, 2).value for r in (3, 4, 5)] == [0.1, 0.2, 30000.01]
    assert ws.cell(3, 3).value == "110101********0014" and ws.cell(3, 4).value == "（已隐藏）"
    assert ws.cell(3, 5).value == "失业、灾害" and ws.cell(3, 6).value == dt.datetime(2026, 9, 1)
    assert ws.cell(6, 1).value == 3 and Decimal(str(ws.cell(6, 2).value)) == Decimal("30000.31")
    assert ws.cell(3, 2).number_format == "#,##0.00" and ws.freeze_panes == "A3"
    assert xlsx.hours(515) == Decimal("8.58") and xlsx.yuan(1) == Decimal("0.01") and xlsx.text_width("台账ab") == 6


def test_save_is_atomic(tmp_path, monkeypatch):
    from openpyxl import Workbook

    def broken(self, stream):   # save_atomic hands a stream, then writes the temporary file itself
        stream.write(b"half")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(Workbook, "save", broken)
    with pytest.raises(OSError):
        xlsx.write_ledger(tmp_path / "x.xlsx", title="t", columns=[xlsx.Column("a")], rows=[["1"]])
    assert list(tmp_path.iterdir()) == []


def test_libreoffice_prints_the_ledger_landscape_a3(store, activities, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    pages, width, height = pdf_info(to_pdf(export_activity_ledger(store, out / "台账.xlsx"), tmp_path))
    assert pages >= 1 and abs(width - 1190.6) < 1 and abs(height - 841.9) < 1
