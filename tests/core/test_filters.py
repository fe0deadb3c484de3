"""core.filters: the entries of every list filter the window offers, each applied through core.listing as the
window applies it; the rule-based ones agree with the rules (core.teams, core.visits) and with the dashboard."""
import pytest

from leifeng_desktop.core import filters, listing, stats, teams, visits
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.filters import Filter
from leifeng_desktop.core.store import Store

YEAR = 2026


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    st = Store.open(tmp_path_factory.mktemp("filters") / "demo.db")
    st.settings.set({"year": YEAR, "registration_deadline": "2026-08-25"})
    load_demo(st, seed=2026)
    yield st
    st.close()


def listed(store, type_key, *chosen):
    where, params = filters.combine(chosen)
    rt = s.record_type(type_key)
    return {r["id"] for r in listing.fetch_rows(store, rt, columns=["id"], where=where, params=params)}


def everything_of(store, type_key):
    return {r["id"] for r in store.rows(type_key)}


def test_combine_joins_the_chosen_entries_and_skips_everything():
    assert filters.combine([]) == (None, [])
    assert filters.combine([None, filters.everything("全部")]) == (None, [])
    both = filters.combine([Filter("甲", "kind = ?", ("a",)), None, Filter("乙", "unit = ?", ("b",))])
    assert both == ("(kind = ?) AND (unit = ?)", ["a", "b"])


def test_setting_sql_reads_a_setting_and_refuses_anything_else(demo):
    assert demo.db.execute(f"SELECT {filters.setting_sql('year')}").fetchone()[0] == YEAR
    with pytest.raises(ValueError):
        filters.setting_sql("year') OR 1=1 --")


def test_equals_takes_only_schema_columns(demo):
    kind = demo.settings.choices()["team_kind"][0]
    assert listed(demo, "team", filters.equals("team", "kind", kind)) == \
        {t["id"] for t in demo.rows("team") if t["kind"] == kind}
    with pytest.raises(KeyError):
        filters.equals("team", "kind = kind OR 1", "x")


def test_date_range_keeps_both_bounds_and_either_may_be_open(demo):
    acts = demo.rows("activity")
    days = sorted({a["starts_at"][:10] for a in acts})
    start, end = days[1], days[-2]
    assert listed(demo, "activity", filters.date_range("activity", "starts_at", start, end)) == \
        {a["id"] for a in acts if start <= a["starts_at"][:10] <= end}
    assert listed(demo, "activity", filters.date_range("activity", "starts_at", None, start)) == \
        {a["id"] for a in acts if a["starts_at"][:10] <= start}
    assert filters.date_range("activity", "starts_at", None, None).where is None


def test_choice_entries_follow_the_edited_choice_list(store):
    entries = filters.choices(store, "honor", "status", "全部状态")
    assert [e.label for e in entries] == ["全部状态", *store.settings.choices()["honor_status"]]
    store.settings.set({"choices.honor_status": ["推荐", "表彰", "撤销"]})
    assert [e.label for e in filters.choices(store, "honor", "status", "全部状态")][-1] == "撤销"


def test_units_in_use_lists_the_units_that_have_records(demo):
    entries = filters.units_in_use(demo, "team")
    assert entries[0] == filters.everything("全部单位")
    assert [e.label for e in entries[1:]] == sorted({t["unit"] for t in demo.rows("team")})
    for entry in entries[1:]:
        assert listed(demo, "team", entry) == {t["id"] for t in demo.rows("team") if t["unit"] == entry.label}


def test_reference_entries_name_each_record_and_list_what_points_at_it(demo):
    entries = filters.references(demo, "activity", "team_id", "全部队伍")
    names = {t["id"]: t["name"] for t in demo.rows("team")}
    assert [e.label for e in entries[1:]] == sorted(names.values())
    entry = entries[1]
    team_id = entry.params[0]
    assert names[team_id] == entry.label
    assert listed(demo, "activity", entry) == {a["id"] for a in demo.rows("activity") if a["team_id"] == team_id}
    groups = filters.references(demo, "household_visit", "group_id", "全部工作组")
    assert [e.label for e in groups[1:]] == [g["name"] for g in demo.rows("working_group", order_by="rowid")]


def test_lateness_entries_follow_the_team_rule_and_the_deadline_setting(demo):
    deadline = demo.settings.get("registration_deadline")
    entries = filters.team_lateness()
    assert [e.label for e in entries] == ["全部（按期与逾期）", teams.ON_TIME, teams.LATE, teams.UNDATED]
    for entry in entries[1:]:
        assert listed(demo, "team", entry) == {
            t["id"] for t in demo.rows("team") if teams.lateness(t["founded_on"], deadline) == entry.label}


def test_the_overdue_demand_entry_agrees_with_the_rule(demo):
    overdue_visits = {d["visit_id"] for d in visits.overdue_demands(demo)}
    everything, overdue = filters.visit_demands()
    assert everything.where is None
    assert overdue.label == "有逾期未办结诉求"
    assert listed(demo, "enterprise_visit", overdue) == overdue_visits


def test_the_counted_household_entry_is_the_dashboards_list(demo):
    everything, counted, never = filters.household_target(demo)
    assert everything.where is None
    assert counted.label == f"已走访且已帮扶（计入 {demo.settings.get('household_target')} 户目标）"
    figure = stats.campaign_stats(demo)["targets"]["households"]["done"]
    assert listed(demo, "household", counted) == set(visits.counted_household_ids(demo, YEAR))
    assert len(listed(demo, "household", counted)) == figure > 0
    visited = {v["household_id"] for v in demo.rows("household_visit")}
    assert listed(demo, "household", never) == everything_of(demo, "household") - visited
