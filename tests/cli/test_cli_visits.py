"""`import households`, `import template households`, `export ledger visits|aid`: output, files and exit codes."""
import openpyxl
import pytest

from leifeng_desktop import cli
from leifeng_desktop.core import visits as v
from leifeng_desktop.core.masking import mask_id_number
from leifeng_desktop.core.store import Store


def run(db_path, *args) -> int:
    return cli.main(["--db", str(db_path), *[str(a) for a in args]])


@pytest.fixture
def db(store, db_path, fake_id):
    store.settings.set({"year": 2026})
    g = store.rows("working_group")[0]["id"]
    v.save_enterprise_visit(store, None, {"date": "2026-05-10", "group_id": g, "enterprise": "甲公司"},
                            [{"content": "加班费", "status": "已办结"}, {"content": "食堂"}])
    v.save_enterprise_visit(store, None, {"date": "2025-05-10", "group_id": g, "enterprise": "乙公司"}, [])
    hh = store.insert("household", {"name": "张三", "id_number": fake_id(seq=1)})
    store.insert("aid", {"household_id": hh, "date": "2026-01-20", "programme": "送温暖", "amount": 80010})
    store.insert("aid", {"household_id": hh, "date": "2025-01-20", "programme": "送温暖", "amount": 5})
    return db_path


def households_book(path, rows):
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", "家庭月人均收入"])
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_import_households(db, tmp_path, capsys, fake_id):
    book = households_book(tmp_path / "h.xlsx", [["李四", fake_id(seq=2), "650.5"], ["王五", None, 300],
                                                 ["重复", fake_id(seq=1), 1], ["坏", None, "1.005"]])
    assert run(db, "import", "households", book, "--dry-run") == 1
    out = capsys.readouterr().out
    assert "第 4 行：已有此困难职工档案（身份证号相同）" in out
    assert "第 5 行：家庭月人均收入“1.005”：金额最多保留两位小数（到分）" in out
    assert "试运行：未写入数据库（去掉 --dry-run 将导入 2 户困难职工档案）" in out
    with Store.open(db) as st:
        assert st.count("household") == 1
    assert run(db, "import", "households", book) == 1
    assert "已导入 2 户困难职工档案" in capsys.readouterr().out
    with Store.open(db) as st:
        assert {h["name"]: h["income"] for h in st.rows("household")} == {"张三": None, "李四": 65050, "王五": 30000}


def test_import_template_households(db, tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert run(db, "import", "template", "households", "--out", out) == 0
    header = [c.value for c in openpyxl.load_workbook(out).active[1]]
    assert header[:3] == ["姓名*", "性别", "身份证号"]
    assert run(db, "import", "template", "households", "--out", out) == 2     # never overwrites
    assert "已存在" in capsys.readouterr().err


def test_export_ledger_visits(db, tmp_path, capsys):
    out = tmp_path / "台账" / "走访.xlsx"
    assert run(db, "export", "ledger", "visits", "--year", 2026, "--out", out) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == str(out)
    assert lines[1].startswith("已导出走访台账：走访 1 次，涉及企业 1 家，职工诉求 2 条（已办结 1 条，逾期未办结 ")
    assert openpyxl.load_workbook(out).active.title == "走访台账"
    assert run(db, "export", "ledger", "visits", "--out", tmp_path / "全部.xlsx") == 0
    assert "走访 2 次，涉及企业 2 家" in capsys.readouterr().out


def test_export_ledger_aid_masked_unless_full(db, tmp_path, capsys, fake_id):
    out = tmp_path / "帮扶.xlsx"
    assert run(db, "export", "ledger", "aid", "--year", 2026, "--out", out) == 0
    assert "帮扶 1 笔，1 户，金额合计 800.10 元（身份证号已部分隐藏）" in capsys.readouterr().out
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row]
    assert mask_id_number(fake_id(seq=1)) in cells and fake_id(seq=1) not in cells
    assert run(db, "export", "ledger", "aid", "--out", out, "--full") == 0
    assert "帮扶 2 笔，1 户，金额合计 800.15 元（含完整身份证号，请妥善保管）" in capsys.readouterr().out
    cells = [c for row in openpyxl.load_workbook(out).active.iter_rows(values_only=True) for c in row]
    assert fake_id(seq=1) in cells


@pytest.mark.parametrize("args,message", [
    (["visits", "--out", "x.docx"], "--out 应是以 .xlsx 结尾的文件名"),
    (["aid", "--year", "26", "--out", "x.xlsx"], "--year 的年度“26”不合理"),
])
def test_export_ledger_errors(db, tmp_path, capsys, args, message):
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    assert run(db, "export", "ledger", *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and message in err


def test_export_ledger_needs_an_existing_database(tmp_path, capsys):
    assert run(tmp_path / "无.db", "export", "ledger", "aid", "--out", tmp_path / "a.xlsx") == 2
    assert "不存在" in capsys.readouterr().err and not (tmp_path / "无.db").exists()
