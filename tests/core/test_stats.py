"""core.stats: every figure of the dashboard equals a hand count in raw SQL written here; an empty database gives
zeros; deadlines against a fixed day; the unit and year scopes; the list behind each figure counts the figure."""
import datetime as dt
import json
import types
import typing

import pytest

from leifeng_desktop.core import listing, stats, stats_shape, teams, visits
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.store import Store

YEAR, Y = 2026, "2026-%"
TODAY = "2026-08-27"
UNIT = "XX市供电公司工会"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("stats") / "demo.db")
    st.settings.set({"year": YEAR, "registration_deadline": "2026-08-25", "plan_deadline": "2026-08-31",
                     "summary_deadline": None})
    load_demo(st, seed=2026)
    yield st
    st.close()


@pytest.fixture(scope="module")
def all_stats(demo):
    return stats.campaign_stats(demo, today=TODAY)


def q(store, sql, params=()):
    return store.db.execute(sql, list(params)).fetchall()


def one(store, sql, params=()):
    return q(store, sql, params)[0][0]


def as_map(entries, name, value="count"):
    return {e[name]: e[value] for e in entries}


def complete(entries, name, choice, store):
    """The entries cover the whole choice list, in its order."""
    names = [e[name] for e in entries]
    assert names[:len(store.settings.choices()[choice])] == store.settings.choices()[choice]


# -- every figure against raw SQL ---------------------------------------------------------------------------------
def test_top_level_keys_and_json(all_stats):
    assert list(all_stats) == ["year", "unit", "today", "period", "targets", "teams", "reporting", "activities",
                               "publicity", "aid", "demands", "honors", "visits", "units"]
    assert (all_stats["year"], all_stats["unit"], all_stats["today"]) == (YEAR, None, TODAY)
    assert json.loads(json.dumps(all_stats, ensure_ascii=False)) == all_stats


def shape_errors(value, hint, path="result") -> list[str]:
    """Where `value` departs from the type `hint` (TypedDicts, lists, X | None, int, str, bool): a key missing or
    extra, a value of another type. A bool is not an int here, nor an int a bool."""
    if typing.is_typeddict(hint):
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not a dict"]
        hints = typing.get_type_hints(hint)
        errors = [f"{path}: keys {sorted(set(value) ^ set(hints))} differ"] if set(value) != set(hints) else []
        return errors + [e for k in hints if k in value for e in shape_errors(value[k], hints[k], f"{path}.{k}")]
    if isinstance(hint, types.UnionType):
        tried = [shape_errors(value, option, path) for option in typing.get_args(hint)]
        return [] if [] in tried else min(tried, key=len)
    if typing.get_origin(hint) is list:
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not a list"]
        (item,) = typing.get_args(hint)
        return [e for i, v in enumerate(value) for e in shape_errors(v, item, f"{path}[{i}]")]
    if hint is type(None):
        return [] if value is None else [f"{path}: {value!r} is not None"]
    return [] if type(value) is hint else [f"{path}: {value!r} is not {hint.__name__}"]


@pytest.mark.parametrize("unit", [None, UNIT])
def test_the_result_has_its_typed_shape(demo, unit):
    got = stats.campaign_stats(demo, unit=unit, today=TODAY)
    assert shape_errors(got, stats_shape.CampaignStats) == []
    assert list(got) == list(typing.get_type_hints(stats_shape.CampaignStats))     # the order JSON prints


def test_the_shape_check_finds_a_missing_key_and_a_wrong_type(all_stats):
    broken = json.loads(json.dumps(all_stats))
    del broken["demands"]["open"]
    broken["reporting"]["units"][0]["materials"][0]["sent"] = 1
    broken["visits"]["household_visits"] = "3"
    assert shape_errors(broken, stats_shape.CampaignStats) == [
        "result.reporting.units[0].materials[0].sent: 1 is not bool",
        "result.demands: keys ['open'] differ",
        "result.visits.household_visits: '3' is not int"]


def test_an_empty_database_has_the_shape_too(store):
    assert shape_errors(stats.campaign_stats(store, today=TODAY), stats_shape.CampaignStats) == []


def test_targets(demo, all_stats):
    t = all_stats["targets"]
    assert t["enterprises"]["target"] == 40 and t["households"]["target"] == 80
    # the demo spells one enterprise the same way on every visit, so code-or-name is the enterprise
    done = one(demo, "SELECT COUNT(DISTINCT COALESCE(uscc, enterprise)) FROM enterprise_visit WHERE date LIKE ?", [Y])
    assert t["enterprises"]["done"] == done == visits.distinct_enterprises(demo, year=YEAR) > 0
    per_group = {r[0]: (r[1], r[2]) for r in q(demo, (
        "SELECT g.id, COUNT(DISTINCT COALESCE(v.uscc, v.enterprise)), COUNT(v.id) FROM working_group g "
        "LEFT JOIN enterprise_visit v ON v.group_id = g.id AND v.date LIKE ? GROUP BY g.id"), [Y])}
    assert {g["group_id"]: (g["done"], g["visits"]) for g in t["enterprises"]["by_group"]} == per_group
    assert [g["group"] for g in t["enterprises"]["by_group"]] == [r[0] for r in q(
        demo, "SELECT name FROM working_group ORDER BY rowid")]
    households = one(demo, "SELECT COUNT(*) FROM household WHERE id IN (SELECT household_id FROM household_visit "
                           "WHERE date LIKE ?) AND id IN (SELECT household_id FROM aid WHERE date LIKE ?)", [Y, Y])
    assert t["households"]["done"] == households == visits.counted_households(demo, YEAR) > 0


def test_teams(demo, all_stats):
    t = all_stats["teams"]
    assert t["total"] == one(demo, "SELECT COUNT(*) FROM team") == 30
    kinds = dict(q(demo, "SELECT kind, COUNT(*) FROM team GROUP BY kind"))
    complete(t["by_kind"], "kind", "team_kind", demo)
    assert {k: n for k, n in as_map(t["by_kind"], "kind").items() if n} == kinds
    assert t["late"] == one(demo, "SELECT COUNT(*) FROM team WHERE founded_on > '2026-08-25'") > 0
    assert t["undated"] == one(demo, "SELECT COUNT(*) FROM team WHERE founded_on IS NULL")
    assert t["members"] == one(demo, "SELECT COUNT(*) FROM member") == 300
    per_unit = dict(q(demo, "SELECT unit, COUNT(*) FROM team GROUP BY unit"))
    expected = {r[0] for r in q(demo, "SELECT name FROM unit WHERE expected = 1")}
    assert {u["unit"] for u in t["by_unit"]} == set(per_unit) | expected
    assert {u["unit"]: u["count"] for u in t["by_unit"]} == {u: per_unit.get(u, 0) for u in set(per_unit) | expected}
    assert {u["unit"]: u["missing_kinds"] for u in t["by_unit"]} == teams.missing_kinds(demo)


def test_reporting(demo, all_stats):
    r = all_stats["reporting"]
    expected = [row[0] for row in q(demo, "SELECT name FROM unit WHERE expected = 1 ORDER BY name")]
    assert r["expected_units"] == len(expected) == 12
    assert [m["material"] for m in r["materials"]] == ["登记表", "实施方案", "总结材料", "数据包"]
    deadlines = {"登记表": "2026-08-25", "实施方案": "2026-08-31", "总结材料": None, "数据包": None}
    for m in r["materials"]:
        first = dict(q(demo, "SELECT unit, MIN(date) FROM submission WHERE material = ? AND date LIKE ? "
                             "GROUP BY unit", [m["material"], Y]))
        sent = [u for u in expected if u in first]
        assert m["deadline"] == deadlines[m["material"]]
        assert m["sent"] == len(sent)
        assert m["missing"] == [u for u in expected if u not in first]
        dl = deadlines[m["material"]]
        assert m["late"] == sum(1 for u in sent if dl and first[u] > dl)
    assert [u["unit"] for u in r["units"]] == expected
    row = q(demo, "SELECT unit, material, MIN(date) FROM submission GROUP BY unit, material LIMIT 1")[0]
    unit = next(u for u in r["units"] if u["unit"] == row[0])
    got = next(m for m in unit["materials"] if m["material"] == row[1])
    assert got["sent"] and got["date"] == row[2]
    assert sum(m["sent"] for m in r["materials"]) == one(
        demo, "SELECT COUNT(DISTINCT unit || material) FROM submission") > 0
    reg = r["materials"][0]
    assert (reg["days_left"], reg["days_overdue"]) == (None, 2)
    assert (r["materials"][1]["days_left"], r["materials"][1]["days_overdue"]) == (4, None)
    assert (r["materials"][2]["days_left"], r["materials"][2]["days_overdue"]) == (None, None)


def test_activities(demo, all_stats):
    a = all_stats["activities"]
    assert a["total"] == one(demo, "SELECT COUNT(*) FROM activity WHERE starts_at LIKE ?", [Y]) == 200
    minutes = ("SELECT {g}, COUNT(DISTINCT a.id), COALESCE(SUM(p.minutes), 0) FROM activity a "
               "LEFT JOIN participant p ON p.activity_id = a.id WHERE a.starts_at LIKE ? GROUP BY 1")
    for key, name, expr, choice in (("by_category", "category", "a.category", "service_category"),
                                    ("by_form", "form", "a.service_form", "service_form"),
                                    ("by_month", "month", "substr(a.starts_at, 1, 7)", None)):
        raw = {r[0]: (r[1], r[2]) for r in q(demo, minutes.format(g=expr), [Y])}
        got = {e[name]: (e["count"], e["minutes"]) for e in a[key]}
        assert {k: v for k, v in got.items() if v != (0, 0)} == raw
        if choice:
            complete(a[key], name, choice, demo)
    assert [m["month"] for m in a["by_month"]] == [f"2026-{m:02d}" for m in range(1, 13)]
    part = "FROM participant WHERE activity_id IN (SELECT id FROM activity WHERE starts_at LIKE ?)"
    assert a["total_minutes"] == one(demo, f"SELECT SUM(minutes) {part}", [Y]) > 0
    assert a["total_minutes"] == sum(e["minutes"] for e in a["by_category"])
    assert a["participants"] == one(demo, f"SELECT COUNT(*) FROM (SELECT DISTINCT activity_id, member_id {part})",
                                    [Y]) == 1230
    assert a["volunteers"] == one(demo, f"SELECT COUNT(DISTINCT member_id) {part}", [Y])
    assert a["beneficiaries"] == one(demo, "SELECT SUM(beneficiaries) FROM activity WHERE starts_at LIKE ?", [Y])


def test_publicity_aid_demands_honors_visits(demo, all_stats):
    p = all_stats["publicity"]
    assert p["total"] == one(demo, "SELECT COUNT(*) FROM publicity WHERE date LIKE ?", [Y]) == 40
    assert {k: n for k, n in as_map(p["by_kind"], "kind").items() if n} == dict(
        q(demo, "SELECT kind, COUNT(*) FROM publicity WHERE date LIKE ? GROUP BY kind", [Y]))
    complete(p["by_kind"], "kind", "publicity_kind", demo)

    aid = all_stats["aid"]
    raw = {r[0]: tuple(r[1:]) for r in q(demo, "SELECT programme, COUNT(*), COUNT(DISTINCT household_id), "
                                               "SUM(amount) FROM aid WHERE date LIKE ? GROUP BY programme", [Y])}
    got = {e["programme"]: (e["count"], e["households"], e["amount_fen"]) for e in aid["by_programme"]}
    assert {k: v for k, v in got.items() if v[0]} == {k: (c, h, f or 0) for k, (c, h, f) in raw.items()}
    complete(aid["by_programme"], "programme", "aid_programme", demo)
    assert aid["by_programme"] == visits.aid_totals(demo, year=YEAR)
    assert aid["count"] == one(demo, "SELECT COUNT(*) FROM aid WHERE date LIKE ?", [Y]) == 167
    assert aid["total_fen"] == one(demo, "SELECT SUM(amount) FROM aid WHERE date LIKE ?", [Y])
    assert isinstance(aid["total_fen"], int)
    assert aid["households"] == one(demo, "SELECT COUNT(DISTINCT household_id) FROM aid WHERE date LIKE ?", [Y])

    d = all_stats["demands"]
    rows = q(demo, "SELECT d.status, d.due_on, v.date FROM demand d JOIN enterprise_visit v ON v.id = d.visit_id "
                   "WHERE v.date LIKE ?", [Y])
    today = dt.date.fromisoformat(TODAY)

    def due(row):
        return dt.date.fromisoformat(row[1]) if row[1] else dt.date.fromisoformat(row[2]) + dt.timedelta(days=3)
    assert d["total"] == len(rows) == 57
    assert d["done"] == sum(1 for r in rows if r[0] == "已办结")
    assert d["open"] == d["total"] - d["done"]
    assert d["overdue"] == sum(1 for r in rows if r[0] != "已办结" and due(r) < today) > 0
    assert d["overdue"] == len(visits.overdue_demands(demo, today=TODAY))

    h = all_stats["honors"]
    year_of = "substr(COALESCE(recommended_on, created_at), 1, 4) = '2026'"
    assert h["total"] == one(demo, f"SELECT COUNT(*) FROM honor WHERE {year_of}") == 20
    assert {k: n for k, n in as_map(h["by_status"], "status").items() if n} == dict(
        q(demo, f"SELECT status, COUNT(*) FROM honor WHERE {year_of} GROUP BY status"))
    assert {k: n for k, n in as_map(h["by_kind"], "kind").items() if n} == dict(
        q(demo, f"SELECT category, COUNT(*) FROM honor WHERE {year_of} GROUP BY category"))
    complete(h["by_kind"], "kind", "honor_kind", demo)

    v = all_stats["visits"]
    assert v["enterprise_visits"] == one(demo, "SELECT COUNT(*) FROM enterprise_visit WHERE date LIKE ?", [Y]) == 45
    assert v["distinct_enterprises"] == all_stats["targets"]["enterprises"]["done"]
    assert v["household_visits"] == one(demo, "SELECT COUNT(*) FROM household_visit WHERE date LIKE ?", [Y])
    assert v["households_visited"] == one(
        demo, "SELECT COUNT(DISTINCT household_id) FROM household_visit WHERE date LIKE ?", [Y])


# -- empty database, deadlines, scopes ------------------------------------------------------------------------------
def numbers(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from numbers(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from numbers(v, (*path, i))
    elif isinstance(node, int) and not isinstance(node, bool):
        yield path, node


def test_empty_database_is_all_zeros(store):
    store.settings.set({"year": YEAR})
    got = stats.campaign_stats(store, today=TODAY)
    for path, n in numbers(got):
        if path[-1] in ("target", "share", "year", "days_left", "days_overdue"):   # settings, not counts
            continue
        assert n == 0, path
    assert got["reporting"]["expected_units"] == 0 and got["teams"]["by_unit"] == []
    assert len(got["activities"]["by_month"]) == 12 and len(got["teams"]["by_kind"]) == 6
    for key in stats.figure_keys(got):
        f = stats.filters_for(store, key, today=TODAY)
        assert store.count(f.record_type, where=f.where, params=f.params) == 0


@pytest.mark.parametrize("today, reg, plan, summary", [
    ("2026-08-20", (5, None), (11, None), (112, None)),
    ("2026-08-25", (0, None), (6, None), (107, None)),
    ("2026-08-26", (None, 1), (5, None), (106, None)),
    ("2026-09-03", (None, 9), (None, 3), (98, None)),
    ("2026-12-20", (None, 117), (None, 111), (None, 10)),
])
def test_deadlines_against_a_fixed_day(store, today, reg, plan, summary):
    store.settings.set({"year": YEAR, "registration_deadline": "2026-08-25", "plan_deadline": "2026-08-31",
                        "summary_deadline": "2026-12-10"})
    store.insert("unit", {"name": "甲工会"})
    store.insert("submission", {"unit": "甲工会", "material": "登记表", "date": "2026-08-26"})
    got = stats.campaign_stats(store, today=today)["reporting"]
    assert [(m["days_left"], m["days_overdue"]) for m in got["materials"]] == [reg, plan, summary, (None, None)]
    assert got["materials"][0]["late"] == 1 and got["materials"][0]["missing"] == []
    assert got["units"][0]["materials"][0] == {"material": "登记表", "sent": True, "date": "2026-08-26", "late": True}
    assert got["materials"][1]["missing"] == ["甲工会"]


def test_today_defaults_to_today_and_accepts_dates(store):
    assert stats.campaign_stats(store)["today"] == dt.date.today().isoformat()
    assert stats.campaign_stats(store, today=dt.date(2026, 1, 2))["today"] == "2026-01-02"
    with pytest.raises(ValueError):
        stats.campaign_stats(store, today="not a day")


def test_unit_scope(demo):
    got = stats.campaign_stats(demo, unit=UNIT, today=TODAY)
    assert got["unit"] == UNIT
    assert got["teams"]["total"] == one(demo, "SELECT COUNT(*) FROM team WHERE unit = ?", [UNIT]) > 0
    assert [u["unit"] for u in got["teams"]["by_unit"]] == [UNIT]
    assert got["teams"]["members"] == one(
        demo, "SELECT COUNT(*) FROM member WHERE team_id IN (SELECT id FROM team WHERE unit = ?)", [UNIT])
    assert got["activities"]["total"] == one(
        demo, "SELECT COUNT(*) FROM activity WHERE unit = ? AND starts_at LIKE ?", [UNIT, Y]) > 0
    assert got["activities"]["total_minutes"] == one(
        demo, "SELECT SUM(minutes) FROM participant WHERE activity_id IN "
              "(SELECT id FROM activity WHERE unit = ? AND starts_at LIKE ?)", [UNIT, Y])
    assert got["publicity"]["total"] == one(
        demo, "SELECT COUNT(*) FROM publicity WHERE unit = ? AND date LIKE ?", [UNIT, Y])
    assert got["honors"]["total"] == one(demo, "SELECT COUNT(*) FROM honor WHERE unit = ?", [UNIT])
    assert got["reporting"]["expected_units"] == 1 and [u["unit"] for u in got["reporting"]["units"]] == [UNIT]
    # the visiting campaign is the city federation's own work in the demo
    assert got["targets"]["enterprises"]["done"] == got["aid"]["count"] == got["demands"]["total"] == 0
    city = stats.campaign_stats(demo, unit="XX市总工会", today=TODAY)
    everything = stats.campaign_stats(demo, today=TODAY)
    for a, b in (("targets", "enterprises"), ("targets", "households"), ("aid", "total_fen"), ("demands", "overdue")):
        assert city[a][b] == everything[a][b]
    assert city["teams"]["total"] == city["activities"]["total"] == city["reporting"]["expected_units"] == 0


def test_unit_scope_of_the_visiting_campaign(store):
    store.settings.set({"year": YEAR})
    g = store.rows("working_group")[0]["id"]
    for unit, name in (("甲", "一厂"), ("甲", "一 厂"), ("乙", "二厂"), ("乙", "一厂")):
        visits.save_enterprise_visit(store, None, {"date": "2026-05-01", "group_id": g, "enterprise": name}, [])
        store.db.execute("UPDATE enterprise_visit SET unit = ? WHERE rowid = (SELECT MAX(rowid) FROM "
                         "enterprise_visit)", [unit])
    hh = store.insert("household", {"name": "张三"}, unit="甲")
    store.insert("household_visit", {"date": "2026-06-01", "group_id": g, "household_id": hh}, unit="甲")
    store.insert("aid", {"date": "2026-06-02", "household_id": hh, "programme": "送温暖", "amount": 50000}, unit="甲")
    assert stats.campaign_stats(store)["targets"]["enterprises"]["done"] == 2
    a, b = (stats.campaign_stats(store, unit=u) for u in ("甲", "乙"))
    assert a["targets"]["enterprises"]["done"] == 1 and b["targets"]["enterprises"]["done"] == 2
    assert a["targets"]["enterprises"]["by_group"][0]["done"] == 1
    assert a["targets"]["households"]["done"] == 1 and b["targets"]["households"]["done"] == 0
    assert a["aid"]["total_fen"] == 50000 and b["aid"]["by_programme"][0] == {
        "programme": "送温暖", "count": 0, "households": 0, "amount_fen": 0}
    for st, unit in ((a, "甲"), (b, "乙")):
        for key in stats.figure_keys(st):
            f = stats.filters_for(store, key, unit=unit)
            assert store.count(f.record_type, where=f.where, params=f.params) == stats.figure(st, key), key


def test_year_scope(demo):
    got = stats.campaign_stats(demo, year=2025, today=TODAY)
    assert got["year"] == 2025
    assert got["activities"]["total"] == got["aid"]["count"] == got["targets"]["households"]["done"] == 0
    assert got["teams"]["total"] == 30   # the teams are the standing registry
    assert all(m["sent"] == 0 for m in got["reporting"]["materials"])


# -- every figure is a way in -------------------------------------------------------------------------------------
@pytest.mark.parametrize("unit", [None, UNIT, "XX市总工会"])
def test_the_list_behind_every_figure_counts_the_figure(demo, unit):
    got = stats.campaign_stats(demo, unit=unit, today=TODAY)
    keys = stats.figure_keys(got)
    assert len(keys) > 80
    for key in keys:
        f = stats.filters_for(demo, key, unit=unit, today=TODAY)
        rt = s.record_type(f.record_type)
        n = demo.count(f.record_type, where=f.where, params=f.params)
        shown = listing.fetch_count(demo, rt, columns=[c.key for c in rt.list_fields], where=f.where,
                                    params=f.params)
        assert n == shown == stats.figure(got, key), key


def test_named_figures(demo, all_stats):
    cases = {("teams", "late"): ("team", one(demo, "SELECT COUNT(*) FROM team WHERE founded_on > '2026-08-25'")),
             ("activities", "by_category", "扶老助残"): (
                 "activity", one(demo, "SELECT COUNT(*) FROM activity WHERE category = '扶老助残'")),
             ("demands", "overdue"): ("demand", len(visits.overdue_demands(demo, today=TODAY))),
             ("reporting", "登记表", "missing"): ("unit", 3),
             ("targets", "enterprises"): ("enterprise_visit", 40)}
    for key, (record_type, n) in cases.items():
        f = stats.filters_for(demo, key, today=TODAY)
        assert f.record_type == record_type and f.label
        assert demo.count(f.record_type, where=f.where, params=f.params) == n == stats.figure(all_stats, key) > 0
        ids = [r["id"] for r in listing.fetch_rows(demo, s.record_type(record_type), columns=["id"], where=f.where,
                                                    params=f.params)]
        assert len(ids) == len(set(ids)) == n
    missing = stats.filters_for(demo, ("reporting", "materials", "登记表", "missing"), today=TODAY)
    names = [r["name"] for r in demo.rows("unit", where=missing.where, params=missing.params, order_by="name")]
    assert names == all_stats["reporting"]["materials"][0]["missing"]
    group = all_stats["targets"]["enterprises"]["by_group"][1]
    for ref in (group["group_id"], group["group"]):
        f = stats.filters_for(demo, ("targets", "enterprises", "by_group", ref), today=TODAY)
        assert demo.count(f.record_type, where=f.where, params=f.params) == group["done"]


def test_filters_follow_the_settings(demo):
    f = stats.filters_for(demo, ("teams", "late"))
    before = demo.count("team", where=f.where, params=f.params)
    demo.settings.set({"registration_deadline": "2026-12-31"})
    try:
        assert demo.count("team", where=f.where, params=f.params) == 0 < before
    finally:
        demo.settings.set({"registration_deadline": "2026-08-25"})


def test_unknown_keys(demo):
    for key in [("teams",), ("teams", "nothing"), ("teams", "by_kind"), ("activities", "total_minutes"),
                ("teams", "late", "x"), ("reporting", "登记表", "whatever")]:
        with pytest.raises(KeyError):
            stats.filters_for(demo, key)


# -- a period within the year, and the per-unit figures -------------------------------------------------------------
H1 = ("2026-01-01", "2026-06-30")


def test_a_period_counts_the_dated_records_of_those_days(demo):
    got = stats.campaign_stats(demo, today=TODAY, date_from=H1[0], date_to=H1[1])
    assert got["period"] == {"from": H1[0], "to": H1[1]} and got["year"] == YEAR
    day = "BETWEEN ? AND ?"
    assert got["activities"]["total"] == one(
        demo, f"SELECT COUNT(*) FROM activity WHERE substr(starts_at, 1, 10) {day}", H1) > 0
    assert got["activities"]["total"] < stats.campaign_stats(demo, today=TODAY)["activities"]["total"]
    assert [m["month"] for m in got["activities"]["by_month"]] == [f"2026-{m:02d}" for m in range(1, 7)]
    assert got["aid"]["total_fen"] == one(demo, f"SELECT COALESCE(SUM(amount), 0) FROM aid WHERE date {day}", H1)
    assert got["visits"]["enterprise_visits"] == one(demo, f"SELECT COUNT(*) FROM enterprise_visit WHERE date {day}",
                                                     H1)
    assert got["demands"]["total"] == one(
        demo, f"SELECT COUNT(*) FROM demand WHERE visit_id IN (SELECT id FROM enterprise_visit WHERE date {day})", H1)
    assert got["targets"]["households"]["done"] == one(
        demo, f"SELECT COUNT(*) FROM household h WHERE EXISTS (SELECT 1 FROM household_visit v WHERE "
              f"v.household_id = h.id AND v.date {day}) AND EXISTS (SELECT 1 FROM aid a WHERE a.household_id = h.id "
              f"AND a.date {day})", H1 * 2)
    assert got["targets"]["enterprises"]["target"] == 40      # targets and deadlines stay the year's
    assert got["reporting"] == stats.campaign_stats(demo, today=TODAY)["reporting"]
    whole = stats.campaign_stats(demo, today=TODAY, date_from="2026-01-01", date_to="2026-12-31")
    assert {k: v for k, v in whole.items() if k != "period"} == {
        k: v for k, v in stats.campaign_stats(demo, today=TODAY).items() if k != "period"}
    for key in stats.figure_keys(got):
        f = stats.filters_for(demo, key, today=TODAY, date_from=H1[0], date_to=H1[1])
        assert demo.count(f.record_type, where=f.where, params=f.params) == stats.figure(got, key), key


def test_an_open_end_is_filled_from_the_year_and_a_reversed_period_refused(demo):
    got = stats.campaign_stats(demo, today=TODAY, date_from="2026-07-01")
    assert got["period"] == {"from": "2026-07-01", "to": "2026-12-31"}
    with pytest.raises(ValueError, match="晚于"):
        stats.campaign_stats(demo, date_from="2026-07-01", date_to="2026-06-30")


@pytest.mark.parametrize("period", [(None, None), H1])
def test_the_units_add_up_to_the_figures(demo, period):
    got = stats.campaign_stats(demo, today=TODAY, date_from=period[0], date_to=period[1])
    units = got["units"]
    assert len(units) >= 12 and [u["unit"] for u in units] == sorted(u["unit"] for u in units)

    def total(key):
        return sum(u[key] for u in units)
    a, v, aid, dm = got["activities"], got["visits"], got["aid"], got["demands"]
    assert (total("teams"), total("members")) == (got["teams"]["total"], got["teams"]["members"])
    assert (total("activities"), total("participants"), total("minutes"), total("beneficiaries")) == (
        a["total"], a["participants"], a["total_minutes"], a["beneficiaries"])
    assert total("volunteers") >= a["volunteers"]
    assert total("enterprise_visits") == v["enterprise_visits"]
    assert total("aid_fen") == aid["total_fen"] and total("aid_households") == aid["households"]
    assert (total("demands"), total("demands_done"), total("demands_open"), total("demands_overdue")) == (
        dm["total"], dm["done"], dm["open"], dm["overdue"])
    one_unit = stats.campaign_stats(demo, unit=UNIT, today=TODAY, date_from=period[0], date_to=period[1])
    assert one_unit["units"] == [u for u in units if u["unit"] == UNIT]
    for key in [k for k in stats.figure_keys(got) if k[:2] == ("units", UNIT)]:   # each opens its records
        f = stats.filters_for(demo, key, today=TODAY, date_from=period[0], date_to=period[1])
        assert demo.count(f.record_type, where=f.where, params=f.params) == stats.figure(got, key), key
        assert f.label.startswith(UNIT)
    mine = one_unit["units"][0]
    assert (mine["activities"], mine["volunteers"]) == (one_unit["activities"]["total"],
                                                        one_unit["activities"]["volunteers"])


def test_group_shares_and_honors_by_kind(demo, all_stats):
    groups = all_stats["targets"]["enterprises"]["by_group"]
    assert sum(g["share"] for g in groups) == all_stats["targets"]["enterprises"]["target"]
    assert max(g["share"] for g in groups) - min(g["share"] for g in groups) <= 1
    for k in all_stats["honors"]["by_kind"]:
        assert k["awarded"] == one(demo, "SELECT COUNT(*) FROM honor WHERE category IS ? AND status = '表彰' AND "
                                         "COALESCE(NULLIF(recommended_on, ''), created_at) LIKE ?", [k["kind"], Y])
