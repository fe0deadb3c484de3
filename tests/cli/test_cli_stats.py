"""`leifeng-desktop stats`: readable aligned Chinese, --json that round-trips campaign_stats, the scopes, errors."""
import json
from pathlib import Path

import pytest

from leifeng_desktop import cli
from leifeng_desktop.cli.zh import width
from leifeng_desktop.core import stats
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-08-27"
KEYS = {"year", "unit", "today", "targets", "teams", "reporting", "activities", "publicity", "aid", "demands",
        "honors", "visits", "period", "units"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_stats") / "demo.db"
    with Store.open(path) as st:
        st.settings.set({"year": 2026, "registration_deadline": "2026-08-25", "plan_deadline": "2026-08-31"})
        load_demo(st, seed=2026)
    return path


def run(capsys, *args):
    code = cli.main([*args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_plain_output(demo_db, capsys):
    code, out, err = run(capsys, "--db", str(demo_db), "stats", "--today", TODAY)
    assert code == 0 and err == ""
    with Store.open(demo_db) as st:
        want = stats.campaign_stats(st, today=TODAY)
    lines = out.splitlines()
    assert lines[0] == f"2026年度 学雷锋职工志愿服务统计（全部单位，截至 {TODAY}）"
    for part in ("【目标】", "【报送】", "【志愿服务队】", "【志愿服务活动】", "【宣传与文化活动】", "【走访与帮扶】",
                 "【职工诉求】", "【选树典型】"):
        assert any(line.startswith(part) for line in lines), part
    ent = want["targets"]["enterprises"]
    assert any(line.split()[:3] == ["走访企业", str(ent["done"]), "/"] for line in lines)
    assert f"已过 {want['reporting']['materials'][0]['days_overdue']} 天" in out
    assert f"还有 {want['reporting']['materials'][1]['days_left']} 天" in out
    assert "登记表未报送：" + "、".join(want["reporting"]["materials"][0]["missing"]) in out
    assert f"{want['activities']['total']} 场，参与 {want['activities']['participants']} 人次" in out
    assert f"其中逾期未答复 {want['demands']['overdue']} 件" in out
    # tables are aligned: right-aligned last columns make every row of a table equally wide
    start = lines.index("  材料      截止日期                 已报送  逾期报送  未报送")
    table = lines[start:start + 4]
    assert len({width(line) for line in table}) == 1, table
    aid = lines.index(next(line for line in lines if line.strip().startswith("帮扶项目")))
    assert len({width(line) for line in lines[aid:aid + 6]}) == 1


def test_json_round_trip(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--json", "--today", TODAY)
    assert code == 0
    got = json.loads(out)
    assert set(got) == KEYS
    assert "工会" in out   # ensure_ascii=False: Chinese stays readable
    assert "\\u" not in out and out.startswith("{\n  ")
    with Store.open(demo_db) as st:
        assert got == stats.campaign_stats(st, today=TODAY)
    assert set(got["targets"]) == {"enterprises", "households"}
    assert set(got["teams"]) == {"total", "by_kind", "by_unit", "late", "undated", "members"}
    assert set(got["activities"]) == {"total", "by_category", "by_form", "by_month", "total_minutes",
                                      "participants", "volunteers", "beneficiaries"}
    assert set(got["aid"]) == {"by_programme", "count", "total_fen", "households"}
    assert set(got["demands"]) == {"total", "overdue", "done", "open"}
    assert set(got["reporting"]["materials"][0]) == {"material", "deadline_key", "deadline", "days_left",
                                                     "days_overdue", "sent", "late", "missing"}


def test_unit_and_year(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--json", "--unit", "XX市供电公司工会", "--year", "2026",
                       "--today", TODAY)
    got = json.loads(out)
    assert code == 0 and got["unit"] == "XX市供电公司工会" and got["year"] == 2026
    assert [u["unit"] for u in got["teams"]["by_unit"]] == ["XX市供电公司工会"]
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--unit", "XX市供电公司工会", "--today", TODAY)
    assert code == 0 and "（XX市供电公司工会，截至" in out.splitlines()[0]
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--json", "--year", "2025")
    assert code == 0 and json.loads(out)["activities"]["total"] == 0


def test_empty_database(tmp_path, capsys):
    db = tmp_path / "empty.db"
    Store.open(db).close()
    code, out, err = run(capsys, "--db", str(db), "stats", "--today", TODAY)
    assert code == 0 and err == "" and "【志愿服务活动】0 场" in out
    code, out, _ = run(capsys, "--db", str(db), "stats", "--json")
    assert code == 0 and json.loads(out)["aid"]["total_fen"] == 0


@pytest.mark.parametrize("args, fragment", [
    (["--unit", "没有这个单位"], "找不到单位"),
    (["--today", "2026-13-01"], "--today"),
    (["--year", "99"], "--year"),
])
def test_errors_are_one_chinese_line(demo_db, capsys, args, fragment):
    code, out, err = run(capsys, "--db", str(demo_db), "stats", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("错误：") and fragment in err


def test_a_missing_database_is_not_created(tmp_path, capsys):
    db = tmp_path / "nothing.db"
    code, _, err = run(capsys, "--db", str(db), "stats")
    assert code == 2 and "不存在" in err and not db.exists()


def test_runs_without_pyside6(demo_db, cli_without_qt):
    done = cli_without_qt("--db", demo_db, "stats", "--json")
    assert done.returncode == 0, done.stderr.decode()
    assert set(json.loads(done.stdout.decode("utf-8"))) == KEYS


def test_a_period_from_to(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--json", "--from", "2026-01-01", "--to", "2026-06-30",
                       "--unit", "XX市供电公司工会", "--today", TODAY)
    assert code == 0
    with Store.open(demo_db) as st:
        want = stats.campaign_stats(st, unit="XX市供电公司工会", today=TODAY, date_from="2026-01-01",
                                    date_to="2026-06-30")
    assert json.loads(out) == want and want["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--from", "2026-01-01", "--to", "2026-06-30",
                       "--today", TODAY)
    assert code == 0
    assert out.splitlines()[1] == "统计时段：2026-01-01 至 2026-06-30（目标、截止日期和报送情况按2026年度）"
    code, _, err = run(capsys, "--db", str(demo_db), "stats", "--from", "2026-07-01", "--to", "2026-06-30")
    assert code == 2 and "晚于" in err
