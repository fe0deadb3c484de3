"""`leifeng-desktop import members|template`: the printed report, what lands in the database, and the exit codes."""
from pathlib import Path

import openpyxl
import pytest
from stdnum.cn import ric

from leifeng_desktop import cli
from leifeng_desktop.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
TEAM = "供电公司职工志愿服务队"


def rid(birth: str, seq: str) -> str:
    first17 = f"110101{birth}{seq}"
    return first17 + ric.calc_check_digit(first17 + "0")


def book(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["队员名单"])
    ws.append(["姓名", "性别", "联系电话", "身份证号", "备注2"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


GOOD = [["张三", "男", "13812345678", rid("19850312", "991")], ["李四", "女", 13900001111, None]]
BAD = [["王五", "男的", "13700000000", None], ["赵六", "男", "12345", rid("19800101", "993")[:-1] + "0"]]


@pytest.fixture
def db(db_path, team_values):
    with Store.open(db_path) as store:
        store.insert("team", team_values, unit=team_values["unit"])
        store.insert("team", {**team_values, "name": "同名服务队", "unit": "甲单位工会"})
        store.insert("team", {**team_values, "name": "同名服务队", "unit": "乙单位工会"})
    return db_path


def members(db_path, team=TEAM) -> list[dict]:
    with Store.open(db_path) as store:
        return store.rows("member", where="team_id IN (SELECT id FROM team WHERE name = ?)", params=[team])


def run(db_path, *args) -> int:
    return cli.main(["--db", str(db_path), *[str(a) for a in args]])


def test_all_rows_imported(db, tmp_path, capsys):
    code = run(db, "import", "members", "--team", TEAM, book(tmp_path / "a.xlsx", GOOD))
    out = capsys.readouterr().out
    assert code == 0
    assert "未识别的列（已忽略）：备注2" in out
    assert "共 2 行：可导入 2 行，有问题 0 行" in out
    assert f"已导入 2 名队员到服务队“{TEAM}”（XX市供电公司工会）" in out
    got = members(db)
    assert [m["name"] for m in got] == ["张三", "李四"] and got[1]["phone"] == "13900001111"
    assert {m["unit"] for m in got} == {"XX市供电公司工会"}


def test_some_rows_rejected(db, tmp_path, capsys):
    code = run(db, "import", "members", "--team", TEAM, book(tmp_path / "b.xlsx", GOOD + BAD))
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert "第 5 行：“男的”不是性别的可选项" in out
    assert "第 6 行：电话应为11位手机号，或带区号的座机号（如 010-12345678）；身份证号校验位不正确，请核对" in out
    assert "共 4 行：可导入 2 行，有问题 2 行" in out
    assert len(members(db)) == 2   # the valid rows are still imported

    code = run(db, "import", "members", "--team", TEAM, tmp_path / "b.xlsx")   # the same file again
    out = capsys.readouterr().out
    assert code == 1 and "第 3 行：名单中已有此人（身份证号相同）" in out and "没有可导入的行，数据库未作修改" in out
    assert len(members(db)) == 2


def test_dry_run_writes_nothing(db, tmp_path, capsys):
    code = run(db, "import", "members", "--team", TEAM, "--dry-run", book(tmp_path / "c.xlsx", GOOD + BAD))
    out = capsys.readouterr().out
    assert code == 1 and "试运行：未写入数据库（去掉 --dry-run 将导入 2 名队员）" in out
    assert members(db) == []
    assert run(db, "import", "members", "--team", TEAM, "--dry-run", tmp_path / "a.xlsx") == 2   # no such file


def test_ambiguous_team_needs_unit(db, tmp_path, capsys):
    path = book(tmp_path / "d.xlsx", GOOD)
    assert run(db, "import", "members", "--team", "同名服务队", path) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "甲单位工会、乙单位工会" in err and "--unit" in err
    assert run(db, "import", "members", "--team", "同名服务队", "--unit", "乙单位工会", path) == 0
    assert "（乙单位工会）" in capsys.readouterr().out
    assert len(members(db, "同名服务队")) == 2


def test_unknown_team(db, tmp_path, capsys):
    assert run(db, "import", "members", "--team", "供电公司", book(tmp_path / "e.xlsx", GOOD)) == 2
    err = capsys.readouterr().err
    assert "找不到名为“供电公司”的服务队" in err and TEAM in err   # suggests the similar name
    assert run(db, "import", "members", "--team", TEAM, "--unit", "丙单位工会", tmp_path / "e.xlsx") == 2
    assert "XX市供电公司工会" in capsys.readouterr().err


def test_bad_files_exit_2(db, tmp_path, capsys):
    xls = tmp_path / "名单.xls"
    xls.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + "Workbook".encode("utf-16-le"))
    assert run(db, "import", "members", "--team", TEAM, xls) == 2
    assert "97-2003" in capsys.readouterr().err
    enc = tmp_path / "加密.xlsx"
    enc.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100)
    assert run(db, "import", "members", "--team", TEAM, enc) == 2
    assert "错误：“加密.xlsx”：工作簿已加密，请在 Excel 中取消密码后再导入" in capsys.readouterr().err


def test_missing_database(tmp_path, capsys):
    assert run(tmp_path / "none.db", "import", "members", "--team", TEAM, tmp_path / "a.xlsx") == 2
    assert "不存在" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_template_then_import(db, tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert run(db, "import", "template", "members", "--out", out) == 0
    assert "已生成导入模板" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    ws.append(["甲", "男"])
    ws.append(["乙", "女"])
    wb.save(out)
    assert run(db, "import", "members", "--team", TEAM, out) == 0
    assert [m["name"] for m in members(db)] == ["甲", "乙"]
    assert run(db, "import", "template", "members", "--out", out) == 2   # never overwrites
    assert "已存在" in capsys.readouterr().err


def test_template_needs_no_database(tmp_path, capsys):
    assert run(tmp_path / "none.db", "import", "template", "members", "--out", tmp_path / "t.xlsx") == 0
    assert (tmp_path / "t.xlsx").exists() and not (tmp_path / "none.db").exists()
    assert run(tmp_path / "none.db", "import", "template", "members", "--out", tmp_path / "t.xls") == 2


def test_usage_errors(db, capsys):
    assert run(db, "import") == 2
    assert capsys.readouterr().err.startswith("错误：缺少要执行的命令")
    assert run(db, "import", "members", "x.xlsx") == 2   # --team is required
    assert "--team" in capsys.readouterr().err
    assert run(db, "import", "template", "activities", "--out", "x.xlsx") == 2   # not importable
    assert "可选：members、households" in capsys.readouterr().err


def test_import_runs_without_pyside(db, tmp_path, cli_without_qt):
    done = cli_without_qt("--db", db, "import", "members", "--team", TEAM, book(tmp_path / "q.xlsx", GOOD + BAD))
    assert done.returncode == 1, done.stderr.decode()
    assert "共 4 行：可导入 2 行，有问题 2 行" in done.stdout.decode("utf-8")
