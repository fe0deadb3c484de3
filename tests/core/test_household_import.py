"""Importing 困难职工档案 from .xlsx: sensitive fields, money in 元 to exact fen, 身份证号 checks and duplicates."""
import openpyxl
import pytest

from leifeng_desktop.core import xlsx_import as xi
from leifeng_desktop.core.xlsx_template import write_template

HEADER = ["序号", "姓名", "性别", "身份证号码", "所在单位", "困难类别", "主要致困原因", "次要原因", "家庭人口",
          "家庭月人均收入（元）", "健康状况", "银行卡号", "联系电话"]


def book(path, rows, header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["困难职工档案"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def row(name, id_number, income, **kw):
    base = {"序号": 1, "姓名": name, "性别": kw.get("gender"), "身份证号码": id_number, "所在单位": "XX机械厂",
            "困难类别": "低保户", "主要致困原因": "本人患大病", "次要原因": "子女就学、失业", "家庭人口": 3,
            "家庭月人均收入（元）": income, "健康状况": "慢性病", "银行卡号": kw.get("bank"), "联系电话": "13812345678"}
    return [base[h] for h in HEADER]


def read(store, path):
    return xi.read_workbook(path, "household", choices=store.settings.choices(), existing=store.rows("household"))


def test_rows_are_read_with_money_in_exact_fen(store, tmp_path, fake_id):
    path = book(tmp_path / "a.xlsx", [row("张三", fake_id(seq=1), "1,200.50"), row("李四", fake_id(seq=2), 0.3),
                                      row("王五", fake_id(seq=3), 800), row("赵六", fake_id(seq=4), None)])
    preview = read(store, path)
    assert preview.invalid == 0, xi.format_report(preview)
    assert [r.values.get("income") for r in preview.rows] == [120050, 30, 80000, None]
    first = preview.rows[0].values
    assert first["other_causes"] == ["子女就学", "失业"] and first["health"] == "慢性病" and first["family_size"] == 3
    ids = xi.import_rows(store, preview, parent_values={})
    assert [store.get("household", i)["income"] for i in ids] == [120050, 30, 80000, None]


@pytest.mark.parametrize("cell,message", [
    ("12.345", "家庭月人均收入“12.345”：金额最多保留两位小数（到分）"),
    (12.345, "家庭月人均收入“12.345”：金额最多保留两位小数（到分）"),
    ("-5", "家庭月人均收入“-5”：金额不能为负数"),
    (-5, "家庭月人均收入“-5”：金额不能为负数"),
    ("八百", "家庭月人均收入“八百”：金额应为数字，如 1200 或 350.50")])
def test_bad_money_is_refused_with_the_column_named(store, tmp_path, fake_id, cell, message):
    preview = read(store, book(tmp_path / "m.xlsx", [row("张三", fake_id(), cell)]))
    assert preview.rows[0].errors == {"income": message}


def test_id_checks_and_duplicates(store, tmp_path, fake_id):
    store.insert("household", {"name": "已建档", "id_number": fake_id(seq=9)})
    wrong = fake_id(seq=1)[:-1] + ("0" if fake_id(seq=1)[-1] != "0" else "1")
    path = book(tmp_path / "d.xlsx", [row("甲", fake_id(seq=1), 100), row("乙", wrong, 100),
                                      row("丙", fake_id(seq=1), 100), row("丁", fake_id(seq=9), 100),
                                      row("戊", None, 100)])
    preview = read(store, path)
    errors = {r.values.get("name"): r.errors for r in preview.rows}
    assert errors["甲"] == {}
    assert errors["乙"] == {"id_number": "身份证号校验位不正确，请核对"}
    assert errors["丙"] == {"id_number": "与第 3 行重复（身份证号相同）"}
    assert errors["丁"] == {"id_number": "已有此困难职工档案（身份证号相同）"}
    assert errors["戊"] == {}     # no 身份证号: allowed, nothing to compare


def test_numbers_excel_broke_are_refused(store, tmp_path, fake_id):
    path = book(tmp_path / "n.xlsx", [row("张三", 110101198503120000.0, 100),
                                      row("李四", fake_id(), 100, bank=6222020200112233445.0)])
    preview = read(store, path)
    assert "后几位已丢失" in preview.rows[0].errors["id_number"]
    assert "银行卡号被 Excel 存成了数字" in preview.rows[1].errors["bank_account"]


def test_gender_and_birth_are_compared_with_the_id(store, tmp_path, fake_id):
    header = HEADER + ["出生日期"]
    line = row("张三", fake_id("19850312", seq=2), 100, gender="男") + ["1985-03-13"]
    preview = read(store, book(tmp_path / "g.xlsx", [line], header))
    assert preview.rows[0].ok
    assert set(preview.rows[0].warnings) == {"性别与身份证号不符（身份证号显示为女）",
                                              "出生日期与身份证号不符（身份证号显示为1985-03-12）"}


def test_the_template_reads_back(store, tmp_path, fake_id):
    path = write_template(tmp_path / "t.xlsx", "household", choices=store.settings.choices())
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    assert header[0] == "姓名*" and "身份证号" in header and "家庭月人均收入" in header
    assert ws.title == "困难职工名单" and "填写说明" in wb.sheetnames
    column = header.index("家庭月人均收入") + 1
    ws.cell(2, 1, "张三")
    ws.cell(2, header.index("身份证号") + 1, fake_id())
    ws.cell(2, column, "350.05")
    wb.save(path)
    preview = read(store, path)
    assert preview.valid == 1 and preview.rows[0].values["income"] == 35005
