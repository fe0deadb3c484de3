"""CLI: export ledger oplog — the 操作日志 as .xlsx, filtered by period and operator, never a full ID number."""
import openpyxl
import pytest

from leifeng_desktop import cli
from leifeng_desktop.core import oplog


@pytest.fixture
def db(store, team_values, fake_id, db_path):
    store.settings.set({"operator": "王小红"})
    team = store.insert("team", team_values)
    store.insert("member", {"team_id": team, "name": "张伟", "id_number": fake_id()})
    store.settings.set({"operator": "李明"})
    store.update("team", team, {"leader": "王建设"})
    store.db.execute("UPDATE oplog SET at = '2026-01-05T10:00:00+08:00' WHERE operator = '王小红'")
    return str(db_path)


def cells(path) -> list[tuple]:
    """The entries and the 合计, without the blank row and the signing line under them (操作员 as 填表人)."""
    rows = list(openpyxl.load_workbook(path).active.iter_rows(min_row=4, values_only=True))
    assert rows[-1][0].startswith("填表人：李明") and not any(rows[-2])
    return rows[:-2]


def test_every_entry_oldest_first(db, store, tmp_path, capsys, fake_id):
    out = tmp_path / "日志" / "操作日志.xlsx"
    assert cli.main(["--db", db, "export", "ledger", "oplog", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [str(out), f"已导出操作日志：{oplog.count(store)} 条"]
    rows = cells(out)
    assert len(rows) == oplog.count(store) + 1 and rows[-1][:2] == ("合计", f"共 {oplog.count(store)} 条")
    member = next(r for r in rows if r[4] == "队员")
    assert member[2:4] == ("王小红", "新增") and member[5] == "张伟"
    assert fake_id()[:6] + "********" + fake_id()[-4:] in member[6] and fake_id() not in member[6]
    assert rows[-2][2:7] == ("李明", "修改", "志愿服务队", "供电公司职工志愿服务队", "队长姓名：王建国 → 王建设")


def test_period_and_operator(db, tmp_path, capsys):
    out = tmp_path / "一月.xlsx"
    assert cli.main(["--db", db, "export", "ledger", "oplog", "--from", "2026-01-01", "--to", "2026-01-31",
                     "--out", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "已导出操作日志：3 条"   # 操作员 set, the team, the member
    assert {r[2] for r in cells(out)[:-1]} == {"王小红"}
    sheet = openpyxl.load_workbook(out).active
    assert sheet.cell(2, 1).value == "填报单位：XX市总工会　　期间：2026-01-01 至 2026-01-31"
    assert cli.main(["--db", db, "export", "ledger", "oplog", "--operator", "李明", "--out", str(out)]) == 0
    assert [r[3] for r in cells(out)[:-1]] == ["修改设置", "修改"]   # the new 操作员 signs their own setting


def test_needs_an_xlsx_name(db, tmp_path, capsys):
    assert cli.main(["--db", db, "export", "ledger", "oplog", "--out", str(tmp_path / "x.docx")]) == 2
    assert capsys.readouterr().err.startswith("错误：")
