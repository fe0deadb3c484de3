"""CLI: export certificate refuses a member without service and prints the contact; ledgers take --date."""
import docx
import openpyxl

from leifeng_desktop import cli
from leifeng_desktop.core import service_record as sr


def _db(store, team_values, db_path):
    team = store.insert("team", team_values)
    busy = store.insert("member", {"team_id": team, "name": "张伟"})
    store.insert("member", {"team_id": team, "name": "王芳"})
    sr.save_activity(store, None, {"title": "社区义诊", "starts_at": "2026-09-05T09:00", "ends_at": "2026-09-05T11:00",
                                   "category": "便民利民", "team_id": team}, [{"member_id": busy, "minutes": 90}])
    store.settings.set({"operator": "刘敏", "contact_phone": "0571-87001234"})
    return str(db_path)


def test_a_member_without_service_is_refused(store, team_values, db_path, tmp_path, capsys):
    db = _db(store, team_values, db_path)
    out = tmp_path / "证明" / "王芳.docx"
    assert cli.main(["--db", db, "export", "certificate", "--member", "王芳", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("错误：王芳（供电公司职工志愿服务队）没有志愿服务记录（参加活动 0 次，服务时长 0 小时），"
                   "不能出具志愿服务记录证明。")
    assert not out.exists() and not out.parent.exists()


def test_no_service_in_the_period_is_refused(store, team_values, db_path, tmp_path, capsys):
    db = _db(store, team_values, db_path)
    out = tmp_path / "张伟.docx"
    assert cli.main(["--db", db, "export", "certificate", "--member", "张伟", "--from", "2026-10-01",
                     "--out", str(out)]) == 2
    assert "张伟（供电公司职工志愿服务队）在2026年10月1日以后没有志愿服务记录" in capsys.readouterr().err
    assert not out.exists()


def test_the_certificate_carries_the_contact(store, team_values, db_path, tmp_path, capsys):
    db = _db(store, team_values, db_path)
    out = tmp_path / "张伟.docx"
    assert cli.main(["--db", db, "export", "certificate", "--member", "张伟", "--out", str(out)]) == 0
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paragraphs[-1] == "（联系人：刘敏，联系电话：0571-87001234）"


def test_ledgers_take_the_filing_date(store, team_values, db_path, tmp_path, capsys):
    db = _db(store, team_values, db_path)
    for which in ("activities", "visits", "aid", "oplog"):
        out = tmp_path / f"{which}.xlsx"
        assert cli.main(["--db", db, "export", "ledger", which, "--date", "2026-12-31", "--out", str(out)]) == 0
        ws = openpyxl.load_workbook(out).active
        assert ws.cell(ws.max_row, 1).value.startswith("填表人：刘敏"), which
        assert ws.cell(ws.max_row, 1).value.endswith("填报日期：2026年12月31日"), which
    assert cli.main(["--db", db, "export", "ledger", "aid", "--date", "2026-13-01", "--out", str(out)]) == 2
    assert "--date" in capsys.readouterr().err
