"""CLI: export certificate (name look-up, teams for a shared name, period, masking) and export ledger activities."""
import docx
import openpyxl
import pytest

from leifeng_desktop import cli
from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core.masking import mask_id_number


@pytest.fixture
def db(store, team_values, fake_id, db_path):
    """Two teams, each with a 张伟; the first 张伟 in three activities, the second in one."""
    first = store.insert("team", team_values)
    second = store.insert("team", {**team_values, "name": "自来水公司职工志愿服务队", "unit": "XX市自来水公司工会"})
    a = store.insert("member", {"team_id": first, "name": "张伟", "id_number": fake_id()})
    b = store.insert("member", {"team_id": second, "name": "张伟"})
    for n, (day, who, team) in enumerate([("2026-08-30", a, first), ("2026-09-05", a, first),
                                          ("2026-10-01", a, first), ("2026-09-10", b, second)]):
        sr.save_activity(store, None, {"title": f"活动{n}", "starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00",
                                       "category": "便民利民", "team_id": team}, [{"member_id": who, "minutes": 90}])
    return str(db_path)


def test_certificate_for_a_member_of_a_team(db, tmp_path, capsys, fake_id):
    out = tmp_path / "证明" / "张伟.docx"
    assert cli.main(["--db", db, "export", "certificate", "--member", "张伟", "--team", "供电公司职工志愿服务队",
                     "--from", "2026-09-01", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == str(out)
    assert "张伟（供电公司职工志愿服务队）" in lines[1] and "参加活动 2 次，累计服务时长 3 小时" in lines[1]
    text = "".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert mask_id_number(fake_id()) in text and fake_id() not in text
    assert cli.main(["--db", db, "export", "certificate", "--member", "张伟", "--team", "供电公司职工志愿服务队",
                     "--out", str(out), "--full"]) == 0
    assert "完整身份证号" in capsys.readouterr().out
    assert fake_id() in "".join(p.text for p in docx.Document(str(out)).paragraphs)


def test_a_shared_name_lists_the_teams(db, tmp_path, capsys):
    assert cli.main(["--db", db, "export", "certificate", "--member", "张伟", "--out", str(tmp_path / "x.docx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：有 2 名志愿者叫“张伟”") and "自来水公司职工志愿服务队" in err and "--team" in err
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize("args, message", [
    (["--member", "李四"], "找不到名为“李四”的志愿者"),
    (["--member", "张伟", "--team", "没有这个队"], "找不到名为“没有这个队”的服务队"),
    (["--member", "张伟", "--team", "供电公司职工志愿服务队", "--from", "2026-9-1x"], "--from 的日期"),
    (["--member", "张伟", "--team", "供电公司职工志愿服务队", "--from", "2026-10-01", "--to", "2026-09-01"], "晚于"),
    (["--member", "张伟", "--unit", "XX市供电公司工会"], "--unit 只能与 --team 一起使用"),
])
def test_certificate_errors(db, tmp_path, capsys, args, message):
    out = tmp_path / "x.docx"
    assert cli.main(["--db", db, "export", "certificate", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and message in err and not out.exists()


def test_certificate_needs_a_docx_name(db, tmp_path, capsys):
    assert cli.main(["--db", db, "export", "certificate", "--member", "张伟", "--team", "供电公司职工志愿服务队",
                     "--out", str(tmp_path / "x.pdf")]) == 2
    assert ".docx" in capsys.readouterr().err


def test_ledger_activities(db, tmp_path, capsys):
    out = tmp_path / "台账.xlsx"
    assert cli.main(["--db", db, "export", "ledger", "activities", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [str(out), "已导出活动台账：4 场活动，参加 4 人次，服务总时长 6 小时，受益 0 人次"]
    assert cli.main(["--db", db, "export", "ledger", "activities", "--from", "2026-09-01", "--to", "2026-09-30",
                     "--team", "自来水公司职工志愿服务队", "--out", str(out)]) == 0
    assert "1 场活动" in capsys.readouterr().out
    ws = openpyxl.load_workbook(out).active
    assert ws.max_row == 3 + 1 + 1 + 2 and ws.cell(4, 2).value == "活动3"     # … 合计, a blank row, 填表人


def test_ledger_is_a_group_and_refuses_bad_arguments(db, tmp_path, capsys):
    assert cli.main(["--db", db, "export", "ledger", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert capsys.readouterr().err.startswith("错误：")
    assert cli.main(["--db", db, "export", "ledger", "activities", "--out", str(tmp_path / "x.docx")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    missing = tmp_path / "none.db"
    assert cli.main(["--db", str(missing), "export", "ledger", "activities", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "不存在" in capsys.readouterr().err and not missing.exists()
