"""core.visits: the same enterprise, the counted household, demand deadlines and overdue, one-transaction saves, aid
totals in exact fen, a household's history and its removal."""
import sqlite3

import pytest
from stdnum.cn import uscc as uscc_mod

from leifeng_desktop.core import visits as v
from leifeng_desktop.core.store import StoreError
from leifeng_desktop.core.validation import ValidationError, yuan_to_fen

YEAR = 2026


def code(seq: int) -> str:
    """A checksum-valid 统一社会信用代码."""
    body = f"91110101{seq:09d}"
    return body + uscc_mod.calc_check_digit(body)


@pytest.fixture
def groups(store):
    store.settings.set({"year": YEAR})
    return [g["id"] for g in store.rows("working_group")]


def visit(store, groups, name, *, uscc=None, date="2026-05-10", group=0, demands=()):
    values = {"date": date, "group_id": groups[group], "enterprise": name}
    if uscc:
        values["uscc"] = uscc
    return v.save_enterprise_visit(store, None, values, demands)


def household(store, name="张三", **values):
    return store.insert("household", {"name": name, **values})


def hvisit(store, groups, hh, date="2026-06-01"):
    return store.insert("household_visit", {"date": date, "group_id": groups[0], "household_id": hh})


def aid(store, hh, date="2026-07-01", programme="送温暖", amount=None):
    values = {"date": date, "household_id": hh, "programme": programme}
    if amount is not None:
        values["amount"] = amount
    return store.insert("aid", values)


# -- the same enterprise --------------------------------------------------------------------------------------
def test_one_enterprise_by_its_code_whatever_the_name(store, groups):
    visit(store, groups, "XX市恒达汽车销售有限公司", uscc=code(1))
    visit(store, groups, "恒达汽车（XX）", uscc=code(1), date="2026-09-01", group=1)
    assert v.distinct_enterprises(store, year=YEAR) == 1


def test_one_enterprise_by_its_name_when_spacing_and_width_differ(store, groups):
    visit(store, groups, "XX市恒达（集团）有限公司")
    visit(store, groups, " XX市 恒达(集团)有限公司 ")
    visit(store, groups, "ＸＸ市恒达　（集团）有限公司")
    visit(store, groups, "xx市恒达(集团)有限公司")
    assert v.distinct_enterprises(store, year=YEAR) == 1


def test_different_codes_are_different_enterprises_even_with_one_name(store, groups):
    visit(store, groups, "XX市恒达有限公司", uscc=code(1))
    visit(store, groups, "XX市恒达有限公司", uscc=code(2))
    assert v.distinct_enterprises(store, year=YEAR) == 2


def test_wording_is_not_guessed(store, groups):
    visit(store, groups, "XX市恒达有限公司")
    visit(store, groups, "XX市恒达有限责任公司")
    assert v.distinct_enterprises(store, year=YEAR) == 2


def test_a_visit_without_the_code_borrows_it_from_a_visit_of_the_same_name(store, groups):
    visit(store, groups, "XX市恒达有限公司")
    visit(store, groups, "XX市恒达有限公司 ", uscc=code(1), date="2026-08-01")
    visit(store, groups, "恒达（改名后）", uscc=code(1), date="2026-09-01")
    assert v.distinct_enterprises(store, year=YEAR) == 1


def test_python_and_sql_keys_agree(store, groups):
    names = ["XX市恒达（集团）有限公司", "ＡＢＣ　科技，有限公司", "abc-科技·有限公司", "“新华”书店", "O'Neil 咨询",
             "百分之百%公司", "【星光】传媒", "Ｔｅｓｔ＿１２３", "a\\b|c", "…省略号…"]
    ids = {visit(store, groups, n): n for n in names}
    sql = {r["id"]: r["enterprise_key"] for r in store.db.query(v.enterprise_keys_sql())}
    assert sql == {i: v.enterprise_key({"enterprise": n}) for i, n in ids.items()}
    assert (v.enterprise_key({"enterprise": "ＡＢＣ　科技，有限公司"})
            == v.enterprise_key({"enterprise": "abc科技有限公司"}))
    assert v.enterprise_key({"uscc": code(3).lower(), "enterprise": "x"}) == f"U:{code(3)}"


def test_year_and_group_filters_and_the_groups_shares(store, groups):
    visit(store, groups, "甲公司", group=0)
    visit(store, groups, "甲公司", group=1, date="2026-10-01")
    visit(store, groups, "乙公司", group=1)
    visit(store, groups, "丙公司", group=2, date="2025-12-31")
    assert v.distinct_enterprises(store, year=YEAR) == 2
    assert v.distinct_enterprises(store) == 3
    assert v.distinct_enterprises(store, year=YEAR, group_id=groups[1]) == 2
    shares = v.enterprises_by_group(store, year=YEAR)
    assert [(s["group_id"], s["visits"], s["enterprises"]) for s in shares] == [
        (groups[0], 1, 1), (groups[1], 2, 2), (groups[2], 0, 0), (groups[3], 0, 0)]
    assert shares[0]["group"] == "第一工作组"


# -- the counted household --------------------------------------------------------------------------------------
def test_counted_household_needs_a_visit_and_aid_in_the_year(store, groups):
    visited_only = household(store, "只走访")
    hvisit(store, groups, visited_only)
    helped_only = household(store, "只帮扶")
    aid(store, helped_only)
    aid_last_year = household(store, "帮扶在去年")
    hvisit(store, groups, aid_last_year)
    aid(store, aid_last_year, date="2025-12-20")
    visit_last_year = household(store, "走访在去年")
    hvisit(store, groups, visit_last_year, date="2025-11-01")
    aid(store, visit_last_year)
    twice = household(store, "两次走访两次帮扶")
    for day in ("2026-03-01", "2026-09-01"):
        hvisit(store, groups, twice, day)
        aid(store, twice, day)
    assert v.counted_households(store, YEAR) == 1
    assert v.counted_household_ids(store, YEAR) == [twice]
    assert v.counted_household_ids(store, 2025) == []


# -- demands ------------------------------------------------------------------------------------------------------
def test_reply_deadline():
    assert v.reply_deadline("2026-03-30", 3) == "2026-04-02"
    assert v.reply_deadline("2026-12-30", 5) == "2027-01-04"
    assert v.reply_deadline("", 3) == ""


def test_save_fills_the_deadline_from_the_settings(store, groups):
    store.settings.set({"demand_reply_days": 5})
    vid = visit(store, groups, "甲公司", date="2026-05-10",
                demands=[{"content": "加班费"}, {"content": "食堂", "due_on": "2026-06-30"}])
    dues = [d["due_on"] for d in store.rows("demand", where="visit_id = ?", params=[vid])]
    assert dues == ["2026-05-15", "2026-06-30"]


def test_overdue_against_a_fixed_today(store, groups):
    vid = visit(store, groups, "甲公司", date="2026-05-10", demands=[
        {"content": "按默认期限，未办", "status": "待办理"},                      # due 05-13
        {"content": "已办结的不算", "status": "已办结"},
        {"content": "期限当天不算逾期", "status": "办理中", "due_on": "2026-05-20"},
        {"content": "期限已过", "status": "办理中", "due_on": "2026-05-19"}])
    store.db.execute("INSERT INTO demand (id, unit, created_at, updated_at, visit_id, content) "
                     "VALUES ('raw', 'u', 'x', 'x', ?, '没有期限也没有状态')", [vid])   # e.g. from an old file
    found = v.overdue_demands(store, today="2026-05-20")
    assert [d["content"] for d in found] == ["按默认期限，未办", "没有期限也没有状态", "期限已过"]
    assert [d["days_overdue"] for d in found] == [7, 7, 1]
    assert found[0]["enterprise"] == "甲公司" and found[0]["group_name"] == "第一工作组"
    assert found[1]["deadline"] == "2026-05-13"
    # the SQL rule and the Python rule agree on every demand
    sql = {r[0]: r[1] for r in store.db.execute(
        f"SELECT id, {v.overdue_sql(':today', ':reply_days')} FROM demand", {"today": "2026-05-20", "reply_days": 3})}
    rows = store.db.query("SELECT d.*, e.date AS visit_date FROM demand d JOIN enterprise_visit e ON e.id = d.visit_id")
    assert sql == {r["id"]: int(v.is_overdue(r, "2026-05-20")) for r in rows}
    assert v.overdue_demands(store, today="2026-05-12") == []


# -- one transaction ----------------------------------------------------------------------------------------------
def test_a_bad_demand_writes_nothing(store, groups):
    with pytest.raises(ValidationError) as exc:
        visit(store, groups, "甲公司", demands=[{"content": "好的"}, {"content": ""}])
    assert exc.value.errors == {"demand[1].content": "第2条诉求：请填写诉求内容"}
    assert store.count("enterprise_visit") == 0 and store.count("demand") == 0


def test_a_failure_midway_writes_nothing(store, groups, monkeypatch):
    vid = visit(store, groups, "甲公司", demands=[{"content": "一"}, {"content": "二"}])
    before = store.db.execute("SELECT * FROM demand ORDER BY rowid").fetchall()
    real_insert, heard = store.insert, []
    store.subscribe(heard.append)

    def failing(type_key, values, **kw):
        if type_key == "demand" and values["content"] == "三":
            raise sqlite3.OperationalError("disk I/O error")
        return real_insert(type_key, values, **kw)
    monkeypatch.setattr(store, "insert", failing)
    old = store.rows("demand", where="visit_id = ?", params=[vid])
    with pytest.raises(sqlite3.OperationalError):
        v.save_enterprise_visit(store, vid, {"enterprise": "乙公司"}, [{"id": old[0]["id"], "content": "一改"},
                                                                      {"content": "三"}])
    assert store.get("enterprise_visit", vid)["enterprise"] == "甲公司"
    assert store.db.execute("SELECT * FROM demand ORDER BY rowid").fetchall() == before
    assert heard == []
    with pytest.raises(ValidationError):
        v.save_household(store, None, {"name": "王五"}, [{"name": "妻"}, {"name": "子", "income": -1}])
    assert store.count("household") == 0 and store.count("family_member") == 0


def test_save_household_keeps_updates_and_removes_family(store):
    hh = v.save_household(store, None, {"name": "王五", "income": yuan_to_fen("800.5")},
                          [{"name": "妻", "relation": "配偶"}, {"name": "子", "relation": "子女"}])
    family = store.rows("family_member", where="household_id = ?", params=[hh])
    v.save_household(store, hh, {"name": "王五"}, [{"id": family[1]["id"], "name": "儿子"}, {"name": "母"}])
    assert [f["name"] for f in store.rows("family_member", where="household_id = ?", params=[hh])] == ["儿子", "母"]
    assert store.get("household", hh)["income"] == 80050
    other = v.save_household(store, None, {"name": "赵六"}, [{"name": "妻"}])
    stranger = store.rows("family_member", where="household_id = ?", params=[other])[0]["id"]
    with pytest.raises(StoreError):      # a row of another household cannot be pulled in
        v.save_household(store, hh, {"name": "王五"}, [{"id": stranger, "name": "妻"}])


# -- aid ------------------------------------------------------------------------------------------------------------
def test_money_is_exact_fen(store):
    hh = household(store)
    for text in ("0.1", "0.2", "1000000.01", "0.07"):
        aid(store, hh, amount=yuan_to_fen(text), programme="日常救助")
    totals = {t["programme"]: t for t in v.aid_totals(store, year=YEAR)}
    assert totals["日常救助"]["amount_fen"] == 100000038 and isinstance(totals["日常救助"]["amount_fen"], int)
    for bad in ("0.105", "-1", "十元"):
        with pytest.raises(ValueError):
            yuan_to_fen(bad)
    with pytest.raises(ValidationError):    # a float never reaches the database
        aid(store, hh, amount=0.3)


def test_aid_totals_per_programme(store):
    a, b = household(store, "甲"), household(store, "乙")
    aid(store, a, amount=50000)
    aid(store, a, amount=30000, date="2026-12-31")
    aid(store, b, amount=20000)
    aid(store, b, programme="金秋助学", amount=100000)
    aid(store, b, programme="法律援助")
    aid(store, b, amount=99900, date="2025-01-15")
    totals = v.aid_totals(store, year=YEAR)
    assert [t["programme"] for t in totals] == ["送温暖", "送清凉", "金秋助学", "日常救助", "法律援助"]
    assert totals[0] == {"programme": "送温暖", "count": 3, "households": 2, "amount_fen": 100000}
    assert totals[1]["count"] == 0 and totals[4] == {"programme": "法律援助", "count": 1, "households": 1,
                                                       "amount_fen": 0}
    assert v.aid_totals(store)[0]["amount_fen"] == 199900
    assert sum(t["amount_fen"] for t in v.aid_totals(store, year=YEAR, household_id=b)) == 120000


def test_household_history(store, groups):
    hh = household(store)
    store.insert("family_member", {"household_id": hh, "name": "妻"})
    hvisit(store, groups, hh, "2026-09-01")
    hvisit(store, groups, hh, "2026-03-01")
    aid(store, hh, amount=10)
    aid(store, hh, programme="金秋助学", amount=20)
    aid(store, household(store, "别人"), amount=999)
    history = v.household_history(store, hh)
    assert [x["date"] for x in history["visits"]] == ["2026-03-01", "2026-09-01"]
    assert history["visits"][0]["group_name"] == "第一工作组"
    assert len(history["aid"]) == 2 and len(history["family"]) == 1
    assert [(t["programme"], t["amount_fen"]) for t in history["totals"]] == [("送温暖", 10), ("金秋助学", 20)]
    assert history["total_fen"] == 30


def test_delete_household_removes_its_family_visits_and_aid(store, groups):
    hh, other = household(store), household(store, "李四")
    store.insert("family_member", {"household_id": hh, "name": "妻"})
    hvisit(store, groups, hh)
    aid(store, hh, amount=12345)
    aid(store, hh)
    hvisit(store, groups, other)
    aid(store, other)
    preview = v.household_dependents(store, hh)
    heard = []
    store.subscribe(heard.append)
    removed = v.delete_household(store, hh)
    assert removed == preview
    assert removed["family_member"] == 1 and removed["household_visit"] == 1 and removed["aid"] == 2
    assert removed["amount_fen"] == 12345
    assert removed["text"] == "困难职工“张三”的档案及其家庭成员 1 人、走访记录 1 条、帮扶记录 2 条"
    assert store.get("household", hh) is None
    for table in ("family_member", "household_visit", "aid"):
        assert store.count(table, where="household_id = ?", params=[hh]) == 0
    assert store.count("aid") == 1 and store.count("household_visit") == 1
    assert {"household", "household_visit", "aid", "family_member"} <= set(heard)
    with pytest.raises(StoreError):
        v.delete_household(store, hh)


def test_schema_cascades_the_household_children_too(store, groups):
    """The explicit deletes in delete_household are for the notices; the schema alone would not leave orphans."""
    hh = household(store)
    hvisit(store, groups, hh)
    aid(store, hh)
    store.delete("household", hh)
    assert store.count("household_visit") == 0 and store.count("aid") == 0


def test_visit_date_warning():
    assert v.visit_date_warning("2025-12-31", 2026) == "走访日期不在活动年度（2026年）内"
    assert v.visit_date_warning("2026-01-01", 2026) is None
    assert v.visit_date_warning("", 2026) is None and v.visit_date_warning("2026-13-01", 2026) is None
    assert v.visit_date_warning("2027-01-01", 2026, label="帮扶日期") == "帮扶日期不在活动年度（2026年）内"
