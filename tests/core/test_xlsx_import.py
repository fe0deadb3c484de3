"""The schema-driven .xlsx importer: header matching, cell conversion, per-row report, duplicates, one transaction,
the template, and the files it must refuse with a clear Chinese message."""
import datetime as dt
import zipfile

import openpyxl
import pytest
from stdnum.cn import ric

from leifeng_desktop.core import schema as s
from leifeng_desktop.core import xlsx_import as xi
from leifeng_desktop.core import xlsx_template as xt
from leifeng_desktop.core.store import StoreError


def rid(birth: str = "19850312", seq: str = "991") -> str:
    """A checksum-valid made-up 身份证号 (region 110101, sequence 99x: odd last digit = man)."""
    first17 = f"110101{birth}{seq}"
    return first17 + ric.calc_check_digit(first17 + "0")


def bad_check(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


MAN, WOMAN, OTHER = rid("19850312", "991"), rid("19900718", "992"), rid("19780101", "993")
HEADERS = ["联系电话", "姓 名*", "性别", "备注2", "身份证号码（必填）", "出生年月", "政治面貌", "服务技能"]
ROWS = {   # Excel row number → cells, in HEADERS order; the header is row 3 under a title and a blank row
    4: [13812345678, "张三", "男", "x", MAN, dt.datetime(1985, 3, 1), "中共党员", "电工"],
    5: ["1381234", "李四", "女", None, bad_check(WOMAN), "1990-07", "群众", None],
    6: [13900001111, None, "女", None, None, "1991.5", None, None],
    7: ["13900002222", "王五", "男的", None, None, None, None, None],
    8: ["13900003333", "孙七", "女", None, 1.10101199007189e17, None, None, None],
    9: [None, "   ", None, "只有备注", None, None, None, None],
    10: ["13900004444", "张三", "男", None, MAN, None, None, None],
    11: ["13600002222", "赵六", "男", None, None, "1980年1月", None, None],
    12: [13700001111.0, "周八", "女", None, WOMAN, "1990/07", "共青团员", "心理咨询"],
}


def make_book(path, headers=HEADERS, rows=ROWS, title="XX供电公司职工志愿服务队队员名单", header_row=3):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.cell(1, 1, title)
    for col, text in enumerate(headers, start=1):
        ws.cell(header_row, col, text)
    for number, cells in rows.items():
        for col, value in enumerate(cells, start=1):
            ws.cell(number, col, value)
    wb.save(path)
    return path


@pytest.fixture
def team_id(store, team_values):
    tid = store.insert("team", team_values)
    store.insert("member", {"team_id": tid, "name": "赵六", "phone": "13600002222"})
    return tid


@pytest.fixture
def preview(tmp_path, store, team_id):
    existing = store.rows("member", where="team_id = ?", params=[team_id])
    return xi.read_workbook(make_book(tmp_path / "名单.xlsx"), "member", choices=store.settings.choices(),
                            existing=existing)


def by_row(preview):
    return {r.row: r for r in preview.rows}


# -- the spec ---------------------------------------------------------------------------------------------------
def test_member_spec_takes_labels_from_the_schema():
    spec = xi.spec_for("member")
    headers = spec.header_map()
    for key in spec.fields:
        assert headers[xi.fold_header(s.MEMBER.field(key).label)] == key
    assert headers[xi.fold_header("服务技能/特长")] == headers[xi.fold_header("服务技能")] == "skills"
    assert "team_id" not in spec.fields and spec.given == ("team_id",)
    assert set(spec.fields) == set(s.MEMBER.keys) - {"team_id"}


@pytest.mark.parametrize("text", ["姓名", " 姓 名 ", "姓名*", "姓名＊", "*姓名", "姓名（必填）", "姓名(必填)",
                                  "姓名："])
def test_header_folding(text):
    assert xi.fold_header(text) == xi.fold_header("姓名")


def test_fullwidth_header_matches():
    assert xi.spec_for("member").header_map()[xi.fold_header("服务技能／特长")] == "skills"


def test_unknown_record_type():
    with pytest.raises(xi.XlsxImportError, match="暂不支持"):
        xi.spec_for("aid")


# -- reading ----------------------------------------------------------------------------------------------------
def test_preview_columns_and_rows(preview):
    assert preview.header_row == 3
    assert preview.columns == {"phone": "联系电话", "name": "姓 名*", "gender": "性别",
                               "id_number": "身份证号码（必填）", "birth_month": "出生年月", "politics": "政治面貌",
                               "skills": "服务技能"}
    assert preview.unknown_columns == ["备注2"]
    assert [r.row for r in preview.rows] == [4, 5, 6, 7, 8, 10, 11, 12]   # row 9 is blank but for 备注2
    assert (preview.valid, preview.invalid) == (2, 6)
    assert [r.row for r in preview.valid_rows] == [4, 12]


def test_converted_values(preview):
    rows = by_row(preview)
    assert rows[4].values == {"phone": "13812345678", "name": "张三", "gender": "男", "id_number": MAN,
                              "birth_month": "1985-03", "politics": "中共党员", "skills": "电工"}
    assert rows[12].values["phone"] == "13700001111"
    assert rows[12].values["birth_month"] == "1990-07"
    assert rows[11].values["birth_month"] == "1980-01"
    assert rows[6].values["birth_month"] == "1991-05"


def test_row_errors(preview):
    rows = by_row(preview)
    assert rows[5].errors == {"phone": "电话应为11位手机号，或带区号的座机号（如 010-12345678）",
                              "id_number": "身份证号校验位不正确，请核对"}
    assert rows[6].errors == {"name": "请填写姓名"}
    assert rows[7].errors == {"gender": "“男的”不是性别的可选项"}
    assert "文本" in rows[8].errors["id_number"] and "数字" in rows[8].errors["id_number"]
    assert rows[10].errors == {"id_number": "与第 4 行重复（身份证号相同）"}
    assert rows[11].errors == {"name": "名单中已有此人（姓名和电话相同）"}


def test_report_lines(preview):
    lines = xi.format_report(preview)
    assert "第 5 行：电话应为11位手机号，或带区号的座机号（如 010-12345678）；身份证号校验位不正确，请核对" in lines
    assert "第 6 行：请填写姓名" in lines
    assert "第 7 行：“男的”不是性别的可选项" in lines
    assert any(line.startswith("第 8 行：身份证号被 Excel 存成了数字") for line in lines)
    assert "第 10 行：与第 4 行重复（身份证号相同）" in lines
    assert "第 11 行：名单中已有此人（姓名和电话相同）" in lines
    assert "未识别的列（已忽略）：备注2" in lines
    assert lines[-1] == "共 8 行：可导入 2 行，有问题 6 行"
    assert not any(line.startswith(("第 4 行", "第 9 行", "第 12 行")) for line in lines)


def test_the_values_match_what_the_form_would_save(store, preview):
    for row in preview.valid_rows:
        store.prepare(s.MEMBER, {**row.values, "team_id": "x"})   # raises if the store would refuse it


def test_warnings_for_an_id_that_disagrees(tmp_path, store):
    path = make_book(tmp_path / "w.xlsx", ["姓名", "性别", "出生年月", "身份证号"],
                     {2: ["甲", "女", "1985-04", MAN]}, title=None, header_row=1)
    rows = xi.read_workbook(path, "member", choices=store.settings.choices()).rows
    assert rows[0].ok
    assert rows[0].warnings == ["性别与身份证号不符（身份证号显示为男）",
                                "出生年月与身份证号不符（身份证号显示为1985-03）"]
    assert "第 2 行（提示）：性别与身份证号不符（身份证号显示为男）" in xi.format_report(
        xi.read_workbook(path, "member", choices=store.settings.choices()))


def test_duplicate_within_file_of_someone_on_the_roster(tmp_path, store, team_id):
    path = make_book(tmp_path / "d.xlsx", ["姓名", "联系电话"],
                     {2: ["赵六", "13600002222"], 3: ["赵六", "13600002222"]}, title=None, header_row=1)
    existing = store.rows("member", where="team_id = ?", params=[team_id])
    rows = xi.read_workbook(path, "member", choices=store.settings.choices(), existing=existing).rows
    assert [r.errors for r in rows] == [{"name": "名单中已有此人（姓名和电话相同）"}] * 2


def test_choice_with_fullwidth_or_spaces_is_the_choice(tmp_path, store):
    path = make_book(tmp_path / "c.xlsx", ["姓名", "政治面貌", "性别"], {2: ["甲", "中共 党员", " 女 "]},
                     title=None, header_row=1)
    row = xi.read_workbook(path, "member", choices=store.settings.choices()).rows[0]
    assert row.ok and row.values["politics"] == "中共党员" and row.values["gender"] == "女"


def test_duplicate_column_is_reported(tmp_path, store):
    path = make_book(tmp_path / "dc.xlsx", ["序号", "姓名", "电话", "手机"], {2: [1, "甲", "13800000000", "139"]},
                     title=None, header_row=1)
    preview = xi.read_workbook(path, "member", choices=store.settings.choices())
    assert preview.columns["phone"] == "电话"
    assert preview.unknown_columns == ["手机（与“电话”重复，已忽略）"]   # 序号 is silently left out
    assert preview.rows[0].ok


def test_rows_with_only_a_serial_number_are_blank(tmp_path, store):
    path = make_book(tmp_path / "sn.xlsx", ["序号", "姓名"], {2: [1, "甲"], 3: [2, None], 4: [3, "  "]},
                     title=None, header_row=1)
    assert [r.row for r in xi.read_workbook(path, "member", choices=store.settings.choices()).rows] == [2]


# -- cell conversion --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [dt.datetime(1985, 3, 1), dt.date(1985, 3, 9), "1985-03", "1985.3", "1985/03",
                                 "1985年3月", "1985 年 03 月", "1985年3月12日", "1985-03-12", "198503", 198503,
                                 1985.03, 1985.3])
def test_month_forms(raw):
    assert xi.convert(s.MEMBER.field("birth_month"), raw, {}, []) == "1985-03"


def test_month_that_excel_made_ambiguous():
    with pytest.raises(ValueError, match="1月还是10月"):
        xi.convert(s.MEMBER.field("birth_month"), 1985.1, {}, [])
    assert xi.convert(s.MEMBER.field("birth_month"), 1985.12, {}, []) == "1985-12"


def test_unreadable_month_gets_the_forms_message(tmp_path, store):
    path = make_book(tmp_path / "m.xlsx", ["姓名", "出生年月"], {2: ["甲", "85年"], 3: ["乙", "1985-13"]},
                     title=None, header_row=1)
    rows = xi.read_workbook(path, "member", choices=store.settings.choices()).rows
    assert [r.errors for r in rows] == [{"birth_month": "出生年月应为年月，如 1985-06"}] * 2


@pytest.mark.parametrize("raw", [dt.datetime(2026, 8, 25), "2026-08-25", "2026.8.25", "2026/08/25", "2026年8月25日",
                                 "20260825", 46259])
def test_date_forms(raw):
    assert xi.convert(s.HOUSEHOLD.field("filed_on"), raw, {}, []) == "2026-08-25"


def test_numbers_as_text():
    phone = s.MEMBER.field("phone")
    assert xi.convert(phone, 13812345678, {}, []) == "13812345678"
    assert xi.convert(phone, 13812345678.0, {}, []) == "13812345678"
    assert xi.convert(phone, " 010-12345678 ", {}, []) == "010-12345678"
    assert xi.convert(s.MEMBER.field("volunteer_no"), 20260001, {}, []) == "20260001"
    assert xi.convert(phone, "   ", {}, []) is None


def test_id_number_stored_as_a_number():
    f = s.MEMBER.field("id_number")
    for raw in (float(MAN), int(MAN[:15] + "000")):
        with pytest.raises(ValueError, match="文本"):
            xi.convert(f, raw, {}, [])
    warnings = []
    digits = rid("19850312", "995")
    assert digits[-1] != "X" and not digits.endswith("000")
    assert xi.convert(f, int(digits), {}, warnings) == digits   # exact in the file: kept, with advice
    assert warnings and "文本" in warnings[0]


def test_other_types():
    assert xi.convert(s.HOUSEHOLD.field("family_size"), 4.0, {}, []) == 4
    assert xi.convert(s.HOUSEHOLD.field("income"), "1,200.50", {}, []) == 120050
    assert xi.convert(s.HOUSEHOLD.field("income"), 350.5, {}, []) == 35050
    assert xi.convert(s.PARTICIPANT.field("minutes"), 1.5, {}, []) == 90
    assert xi.convert(s.UNIT_T.field("expected"), "是", {}, []) == 1
    choices = {"hardship_cause": ["失业", "下岗", "残疾"]}
    assert xi.convert(s.HOUSEHOLD.field("other_causes"), "失业、下岗，残疾", choices, []) == ["失业", "下岗", "残疾"]
    with pytest.raises(ValueError, match="金额"):
        xi.convert(s.HOUSEHOLD.field("income"), "一千", {}, [])


# -- writing ----------------------------------------------------------------------------------------------------
def test_import_inserts_only_valid_rows_in_one_transaction(store, team_id, preview):
    heard = []
    store.subscribe(heard.append)
    ids = xi.import_rows(store, preview, parent_values={"team_id": team_id}, unit="XX市供电公司工会")
    assert len(ids) == 2
    got = [store.get("member", i) for i in ids]
    assert [m["name"] for m in got] == ["张三", "周八"]
    assert {m["team_id"] for m in got} == {team_id} and {m["unit"] for m in got} == {"XX市供电公司工会"}
    assert store.count("member", where="team_id = ?", params=[team_id]) == 3
    assert heard == ["member"]   # one notice: one transaction


def test_a_failure_mid_import_inserts_nothing(store, team_id, preview, monkeypatch):
    before, real, calls, heard = store.count("member"), store.insert, [], []
    store.subscribe(heard.append)

    def flaky(key, values, **kw):
        calls.append(key)
        if len(calls) == 2:
            raise StoreError("磁盘已满")
        return real(key, values, **kw)

    monkeypatch.setattr(store, "insert", flaky)
    with pytest.raises(StoreError):
        xi.import_rows(store, preview, parent_values={"team_id": team_id})
    assert len(calls) == 2 and store.count("member") == before and heard == []


def test_a_row_the_store_refuses_names_the_row_and_inserts_nothing(store, team_id, preview):
    store.settings.set_choices("politics", ["群众", "共青团员"])   # row 4's 中共党员 is no longer a choice
    with pytest.raises(xi.XlsxImportError, match="第 4 行无法保存.*未导入任何数据"):
        xi.import_rows(store, preview, parent_values={"team_id": team_id})
    assert store.count("member") == 1


def test_template_round_trip(tmp_path, store, team_id):
    path = xt.write_template(tmp_path / "模板.xlsx", "member", choices=store.settings.choices())
    wb = openpyxl.load_workbook(path)
    ws, notes = wb.worksheets[0], wb["填写说明"]
    labels = [s.MEMBER.field(k).label for k in xi.spec_for("member").fields]
    assert [c.value for c in ws[1]] == ["姓名*"] + labels[1:]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    col = {c.value.rstrip("*"): c.column_letter for c in ws[1]}
    assert ws.column_dimensions[col["身份证号"]].number_format == "@"
    assert ws.column_dimensions[col["联系电话"]].number_format == "@"
    assert ws.column_dimensions[col["身份证号"]].width >= 20
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"{col['性别']}2"] == '"男,女"' and "中共党员" in lists[f"{col['政治面貌']}2"]
    lines = list(notes.iter_rows(values_only=True))
    assert lines[0] == ("列名", "是否必填", "填写格式", "可选值")
    assert lines[1][:2] == ("姓名", "必填") and lines[2] == ("性别", "选填", "从可选值中选一项", "男、女")
    assert any("身份证号" == line[0] and "文本" in line[2] for line in lines)

    for number, person in ((2, {"姓名": "甲", "性别": "男", "身份证号": MAN, "出生年月": "1985-03"}),
                           (3, {"姓名": "乙", "联系电话": "13900000000", "政治面貌": "群众"})):
        for label, value in person.items():
            ws[f"{col[label]}{number}"] = value
    wb.save(path)
    preview = xi.read_workbook(path, "member", choices=store.settings.choices())
    assert (preview.header_row, preview.valid, preview.invalid, preview.unknown_columns) == (1, 2, 0, [])
    ids = xi.import_rows(store, preview, parent_values={"team_id": team_id})
    assert [store.get("member", i)["name"] for i in ids] == ["甲", "乙"]


def test_template_without_choices_uses_the_schema_defaults(tmp_path):
    path = xt.write_template(tmp_path / "t.xlsx", "member")
    formulas = [dv.formula1 for dv in openpyxl.load_workbook(path).worksheets[0].data_validations.dataValidation]
    assert '"男,女"' in formulas


# -- files it refuses -------------------------------------------------------------------------------------------
def refused(path, store) -> str:
    with pytest.raises(xi.XlsxImportError) as info:
        xi.read_workbook(path, "member", choices=store.settings.choices())
    return str(info.value)


def test_missing_file(tmp_path, store):
    assert "找不到文件" in refused(tmp_path / "无.xlsx", store)


def test_old_xls(tmp_path, store):
    path = tmp_path / "名单.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "Workbook".encode("utf-16-le"))
    assert "97-2003" in refused(path, store) and ".xlsx" in refused(path, store)
    path.write_bytes(b"not really excel")
    assert "另存为" in refused(path, store)


def test_csv_renamed(tmp_path, store):
    path = tmp_path / "名单.xlsx"
    path.write_text("姓名,联系电话\n张三,13812345678\n", encoding="utf-8")
    assert "不是 Excel 工作簿" in refused(path, store)


def test_encrypted_workbook(tmp_path, store):
    path = tmp_path / "加密.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1000)
    assert "工作簿已加密，请在 Excel 中取消密码后再导入" in refused(path, store)


def test_zip_that_is_not_a_workbook(tmp_path, store):
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "hello")
    assert "不是有效的 Excel 工作簿" in refused(path, store)


def test_empty_file_and_folder(tmp_path, store):
    (tmp_path / "e.xlsx").write_bytes(b"")
    assert "不是 Excel 工作簿" in refused(tmp_path / "e.xlsx", store)
    assert "文件夹" in refused(tmp_path, store)


def test_no_name_column_lists_what_it_saw(tmp_path, store):
    path = make_book(tmp_path / "n.xlsx", ["编号", "联系电话", "性别"], {4: [1, "13800000000", "男"]})
    message = refused(path, store)
    assert "找不到“姓名”列" in message and "编号、联系电话、性别" in message


def test_header_below_row_ten_is_not_found(tmp_path, store):
    path = make_book(tmp_path / "deep.xlsx", ["姓名"], {12: ["甲"]}, header_row=11)
    assert "前 10 行" in refused(path, store)


def test_empty_sheet(tmp_path, store):
    path = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(path)
    assert "是空的" in refused(path, store)


def test_no_data_rows(tmp_path, store):
    path = make_book(tmp_path / "h.xlsx", HEADERS, {5: [None] * 8, 6: ["", " ", None]})
    assert "没有数据行" in refused(path, store)


# -- one bad cell is one row's problem (issue 11: values the core let through, import messages) -----------------
HOUSEHOLD_HEADERS = ["姓名", "身份证号码", "家庭人口", "家庭月人均收入（元）", "出生日期", "建档日期"]


def household_book(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HOUSEHOLD_HEADERS)
    for cells in rows:
        ws.append(cells)
    wb.save(path)
    return path


def read_households(store, path):
    return xi.read_workbook(path, "household", choices=store.settings.choices(), existing=store.rows("household"))


def test_a_huge_number_is_that_rows_problem_only(tmp_path, store):
    path = household_book(tmp_path / "h.xlsx", [
        ["张三", MAN, 3, 1e25, None, None],
        ["李四", WOMAN, 10**30, 800, None, None],
        ["王五", OTHER, 2, 650.5, dt.datetime(1978, 1, 1), "2026/9/1"],
    ])
    preview = read_households(store, path)
    assert [r.errors for r in preview.rows[:2]] == [{"income": "家庭月人均收入不能超过10000000.00元"},
                                                    {"family_size": "家庭人口不能超过50"}]
    assert preview.valid == 1 and preview.rows[2].values["filed_on"] == "2026-09-01"
    assert xi.import_rows(store, preview, parent_values={}) and store.count("household") == 1
    assert store.rows("household")[0]["income"] == 65050


@pytest.mark.parametrize("cell,message", [(-3, "家庭人口不能为负数"), ("-3", "家庭人口不能为负数"),
                                          (2.5, "家庭人口应为整数"), ("三口", "家庭人口应为整数")])
def test_a_negative_or_broken_count_is_named(tmp_path, store, cell, message):
    preview = read_households(store, household_book(tmp_path / "n.xlsx", [["张三", MAN, cell, 800, None, None]]))
    assert preview.rows[0].errors == {"family_size": message}
    assert f"第 2 行：{message}" in xi.format_report(preview)


def test_negative_money_is_named(tmp_path, store):
    preview = read_households(store, household_book(tmp_path / "m.xlsx", [["张三", MAN, 3, -800, None, None]]))
    assert "不能为负数" in preview.rows[0].errors["income"]


def test_dates_from_cells_are_padded_or_refused_in_the_row(tmp_path, store):
    preview = read_households(store, household_book(tmp_path / "d.xlsx", [
        ["张三", MAN, 3, 800, "1985.3.12", 46266],            # a serial number in an unformatted cell
        ["李四", WOMAN, 3, 800, "1990年7月18日", "2026-02-30"],
        ["王五", OTHER, 3, 800, "1978-1-1", "1999-12-31"],
    ]))
    assert preview.rows[0].errors == {} and preview.rows[0].values["birth_date"] == "1985-03-12"
    assert preview.rows[0].values["filed_on"] == "2026-09-01"
    assert preview.rows[1].errors == {"filed_on": "建档日期应为日期，如 2026-08-25"}
    assert preview.rows[2].errors == {"filed_on": "建档日期的年份应在 2000 年至 2100 年之间"}


def test_a_formula_without_a_result_says_so(tmp_path, store):
    """openpyxl (like other programs) writes formulas without their results; nobody has opened the file in Excel."""
    path = household_book(tmp_path / "f.xlsx", [["张三", MAN, "=1+2", "=B5*2", None, None],
                                                ["李四", WOMAN, 3, 800, None, None]])
    preview = read_households(store, path)
    assert preview.rows[0].errors == {
        "family_size": "家庭人口单元格是公式（=1+2），没有计算结果（请在 Excel 中打开并保存后再导入，或改填数值）",
        "income": "家庭月人均收入单元格是公式（=B5*2），没有计算结果（请在 Excel 中打开并保存后再导入，或改填数值）"}
    assert preview.rows[1].ok


def test_a_formula_with_its_result_is_read_as_the_result(tmp_path, store):
    path = household_book(tmp_path / "f.xlsx", [["张三", MAN, "=1+2", 800, None, None]])
    # What Excel writes after a save: the formula and its cached value <v>.
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>")
    assert b"<f>1+2</f><v>3</v>" in parts[sheet]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    preview = read_households(store, path)
    assert preview.rows[0].ok and preview.rows[0].values["family_size"] == 3


def test_a_row_of_uncomputed_formulas_is_not_skipped_as_empty(tmp_path, store):
    path = household_book(tmp_path / "f.xlsx", [["=A1", None, None, None, None, None]])
    preview = read_households(store, path)
    assert len(preview.rows) == 1 and "单元格是公式（=A1），没有计算结果" in preview.rows[0].errors["name"]


@pytest.mark.parametrize("cell,stored", [("是", 1), ("否", 0), (True, 1), (False, 0)])
def test_boolean_cells(cell, stored):
    assert xi.convert(s.UNIT_T.field("expected"), cell, {}, []) == stored


def test_a_boolean_cell_refuses_other_numbers():
    from leifeng_desktop.core.validation import check_field
    f = s.UNIT_T.field("expected")
    assert check_field(f, xi.convert(f, 7, {}, [])) == "应报送应为“是”或“否”"


@pytest.mark.parametrize("income,size,messages", [
    (1e30, 3, {"income": "家庭月人均收入不能超过10000000.00元"}),
    (1e300, 1e300, {"income": "家庭月人均收入“100000000000000005…”：金额过大，请核对",
                    "family_size": "家庭人口不能超过50"}),
    ("1e100000000", "9" * 5000, {"income": "家庭月人均收入“1e100000000”：金额过大，请核对",
                                  "family_size": "家庭人口不能超过50"}),
])
def test_absurd_numbers_are_row_messages_not_crashes(tmp_path, store, income, size, messages):
    preview = read_households(store, household_book(tmp_path / "x.xlsx", [["张三", MAN, size, income, None, None]]))
    assert preview.rows[0].errors == messages
