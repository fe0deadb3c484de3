"""走访台账 and 帮扶台账: schema labels, a row per demand under its visit, totals equal to a hand count in raw SQL,
exact money, masked 身份证号, print set-up, and LibreOffice."""
from decimal import Decimal

import openpyxl
import pytest

from leifeng_desktop.core import schema as s
from leifeng_desktop.core import visits as v
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.masking import mask_id_number
from leifeng_desktop.core.store import Store
from leifeng_desktop.exports.visit_ledgers import HEADER_ROW, OVERDUE, export_aid_ledger, export_visit_ledger

from libreoffice import pdf_info, to_pdf

TODAY = "2026-11-26"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("demo") / "demo.db")
    load_demo(st)
    yield st
    st.close()


@pytest.fixture
def small(store, fake_id):
    """Three visits (one with two demands, one with none, one last year) and aid of two households."""
    store.settings.set({"year": 2026})
    g = [x["id"] for x in store.rows("working_group")]
    v.save_enterprise_visit(store, None, {"date": "2026-05-10", "group_id": g[0], "enterprise": "甲公司",
                                          "workers": 120, "note": "复访"},
                            [{"content": "加班费", "status": "办理中"}, {"content": "食堂", "status": "已办结"}])
    v.save_enterprise_visit(store, None, {"date": "2026-06-01", "group_id": g[1], "enterprise": "甲 公司"}, [])
    v.save_enterprise_visit(store, None, {"date": "2025-06-01", "group_id": g[1], "enterprise": "乙公司"},
                            [{"content": "去年的诉求"}])
    a = store.insert("household", {"name": "张三", "id_number": fake_id(seq=1)})
    b = store.insert("household", {"name": "李四", "id_number": fake_id(seq=2)})
    for hh, day, programme, fen in [(a, "2026-01-20", "送温暖", 10), (a, "2026-07-01", "送清凉", 20),
                                    (b, "2026-01-21", "送温暖", 100000001), (b, "2026-03-01", "法律援助", None),
                                    (a, "2025-12-01", "送温暖", 50000)]:
        store.insert("aid", {"household_id": hh, "date": day, "programme": programme, "amount": fen,
                             "goods": "大米一袋", "handler": "第一工作组"})
    return store


def money(cell) -> str | None:
    """A number cell as the 元 text it shows (cells hold what Excel holds: a double, read back exactly)."""
    return None if cell is None else f"{Decimal(str(cell)):.2f}"


def read(path):
    ws = openpyxl.load_workbook(path).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[-1][0].startswith("填表人：") and not any(rows[-2])    # the signing line under a blank row
    rows = rows[:-2]
    return ws, [str(x).replace("\n", "") for x in rows[HEADER_ROW - 1]], rows[HEADER_ROW:]


# -- 走访台账 ---------------------------------------------------------------------------------------------------
def test_visit_ledger_rows_and_labels(small, tmp_path):
    ws, header, body = read(export_visit_ledger(small, tmp_path / "走访.xlsx", year=2026, today=TODAY))
    visit_labels = [f.label for f in s.ENTERPRISE_VISIT.fields]
    assert header[0] == "序号" and set(visit_labels) <= set(header) and OVERDUE in header
    assert {"诉求内容", "诉求类别", "承办人", "答复期限", "办理状态", "答复情况"} <= set(header)
    col = {label: i for i, label in enumerate(header)}
    data, total = body[:-1], body[-1]
    assert [(r[0], r[col["企业名称"]], r[col["诉求内容"]]) for r in data] == [
        (1, "甲公司", "加班费"), (None, None, "食堂"), (2, "甲 公司", "无")]
    assert data[0][col["工作组"]] == "第一工作组" and data[0][col["职工人数"]] == 120
    assert data[0][col["答复期限"]].date().isoformat() == "2026-05-13"
    assert data[0][col[OVERDUE]] == "逾期197天" and data[1][col[OVERDUE]] is None
    assert f"A{HEADER_ROW + 1}:A{HEADER_ROW + 2}" in ws.merged_cells     # the visit spans its two demands
    assert total[0] == "合计" and total[1] == "走访 2 次，涉及企业 1 家"
    assert total[col["诉求内容"]] == "职工诉求 2 条，其中已办结 1 条，逾期未办结 1 条"
    assert ws.title == "走访台账" and ws["A1"].value == "2026年“面对面，心贴心，实打实”大走访企业台账"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}" and ws.page_setup.orientation == "landscape"


def test_visit_ledger_totals_equal_a_hand_count(demo, tmp_path):
    _, header, body = read(export_visit_ledger(demo, tmp_path / "走访.xlsx", year=2026, today=TODAY))
    visits, demands, done = demo.db.execute(
        "SELECT (SELECT COUNT(*) FROM enterprise_visit WHERE date LIKE '2026-%'), COUNT(*), "
        "SUM(d.status = '已办结') FROM demand d JOIN enterprise_visit e ON e.id = d.visit_id "
        "WHERE e.date LIKE '2026-%'").fetchone()
    overdue = demo.db.execute(
        "SELECT COUNT(*) FROM demand d JOIN enterprise_visit e ON e.id = d.visit_id WHERE e.date LIKE '2026-%' "
        "AND d.status <> '已办结' AND COALESCE(d.due_on, date(e.date, '+3 days')) < ?", [TODAY]).fetchone()[0]
    enterprises = demo.db.execute("SELECT COUNT(DISTINCT COALESCE(uscc, enterprise)) FROM enterprise_visit "
                                  "WHERE date LIKE '2026-%'").fetchone()[0]
    assert (visits, enterprises) == (45, 40)
    total = body[-1]
    assert total[1] == f"走访 {visits} 次，涉及企业 {enterprises} 家"
    assert total[header.index("诉求内容")] == f"职工诉求 {demands} 条，其中已办结 {done} 条，逾期未办结 {overdue} 条"
    assert sum(1 for r in body[:-1] if r[0] is not None) == visits
    assert sum(1 for r in body[:-1] if r[header.index("诉求内容")] not in (None, "无")) == demands
    assert sum(1 for r in body[:-1] if r[header.index(OVERDUE)]) == overdue


# -- 帮扶台账 ---------------------------------------------------------------------------------------------------
def test_aid_ledger_money_masking_and_programmes(small, tmp_path, fake_id):
    ws, header, body = read(export_aid_ledger(small, tmp_path / "帮扶.xlsx", year=2026))
    assert header == ["序号", "帮扶日期", "姓名", "身份证号", "帮扶项目", "金额（元）", "物品", "经办人/工作组", "备注"]
    data = body[:4]
    assert [(r[2], r[4], money(r[5])) for r in data] == [
        ("张三", "送温暖", "0.10"), ("李四", "送温暖", "1000000.01"), ("李四", "法律援助", None),
        ("张三", "送清凉", "0.20")]
    assert data[0][3] == mask_id_number(fake_id(seq=1)) and fake_id(seq=1) not in str(body)
    total, parts = body[4], body[5:]
    assert total[0] == "合计" and total[1] == "共 4 笔，2 户" and Decimal(str(total[5])) == Decimal("1000000.31")
    assert [(p[4], p[1], money(p[5])) for p in parts] == [
        ("送温暖", "2 笔，2 户", "1000000.11"), ("送清凉", "1 笔，1 户", "0.20"), ("金秋助学", "0 笔，0 户", "0.00"),
        ("日常救助", "0 笔，0 户", "0.00"), ("法律援助", "1 笔，1 户", "0.00")]
    assert parts[0][0] == "其中" and f"A{HEADER_ROW + 6}:A{HEADER_ROW + 10}" in ws.merged_cells
    assert ws.cell(HEADER_ROW + 1, 6).number_format == "#,##0.00"
    assert ws["A1"].value == "2026年困难职工帮扶台账"
    _, _, full = read(export_aid_ledger(small, tmp_path / "帮扶全.xlsx", year=2026, reveal=True))
    assert full[0][3] == fake_id(seq=1)


def test_aid_ledger_totals_equal_a_hand_count(demo, tmp_path):
    _, _, body = read(export_aid_ledger(demo, tmp_path / "帮扶.xlsx"))
    n = demo.count("aid")
    records, households, fen = demo.db.execute(
        "SELECT COUNT(*), COUNT(DISTINCT household_id), SUM(amount) FROM aid").fetchone()
    total = body[n]
    assert total[0] == "合计" and total[1] == f"共 {records} 笔，{households} 户"
    assert Decimal(str(total[5])) == Decimal(fen) / 100
    cells = sum(Decimal(str(r[5])) for r in body[:n] if r[5] is not None)
    assert cells == Decimal(fen) / 100                        # every cell exact, so their sum is too
    by_hand = dict(demo.db.execute("SELECT programme, COALESCE(SUM(amount), 0) FROM aid GROUP BY programme"))
    assert {r[4]: Decimal(str(r[5])) for r in body[n + 1:]} == {p: Decimal(f) / 100 for p, f in by_hand.items()}
    ids = [r[3] for r in body[:n] if r[3]]
    assert ids and all("********" in i for i in ids)


def test_empty_ledgers(store, tmp_path):
    _, _, body = read(export_visit_ledger(store, tmp_path / "v.xlsx", year=2030))
    assert body == [["合计", "走访 0 次，涉及企业 0 家"] + [None] * 9
                    + ["职工诉求 0 条，其中已办结 0 条，逾期未办结 0 条"] + [None] * 7]
    _, _, body = read(export_aid_ledger(store, tmp_path / "a.xlsx", year=2030))
    assert body[0][1] == "共 0 笔，0 户" and len(body) == 6


def test_a_failed_export_leaves_no_file(small, tmp_path, monkeypatch):
    from openpyxl import Workbook

    def half_then_full(self, stream):   # save_atomic hands a stream, then writes the temporary file itself
        stream.write(b"half")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(Workbook, "save", half_then_full)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError, match="磁盘空间不足"):
        export_aid_ledger(small, out / "a.xlsx")
    assert list(out.iterdir()) == []


# -- LibreOffice ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["visits", "aid"])
def test_libreoffice_converts_the_ledgers(demo, tmp_path, which):
    path = tmp_path / f"{which}.xlsx"
    if which == "visits":
        export_visit_ledger(demo, path, year=2026, today=TODAY)
    else:
        export_aid_ledger(demo, path, year=2026)
    pages, width, height = pdf_info(to_pdf(path, tmp_path))
    paper = (1190.6, 841.9) if which == "visits" else (841.9, 595.3)     # A3 and A4 landscape
    assert abs(width - paper[0]) < 1 and abs(height - paper[1]) < 1
    assert 1 <= pages <= (8 if which == "visits" else 14)     # 45 visits, 167 aid records at 9 pt or more
