"""core.lookups and the team helpers the window reads: names for combos, a record's child rows, the roster to pick
from, an activity's participants, and what a team's removal takes with it."""
import pytest

from leifeng_desktop.core import lookups, teams


@pytest.fixture
def two_teams(store, team_values):
    b = store.insert("team", {**team_values, "name": "乙队", "unit": "XX市教育工会"})
    a = store.insert("team", {**team_values, "name": "甲队"})
    members = {name: store.insert("member", {"team_id": team, "name": name, "work": "职员"})
               for team, name in ((a, "张三"), (a, "李四"), (b, "王五"))}
    return {"甲队": a, "乙队": b, **members}


def activity(store, team_id, title="义诊"):
    return store.insert("activity", {"title": title, "starts_at": "2026-03-05T09:00", "ends_at": "2026-03-05T11:00",
                                     "category": "扶老助残", "team_id": team_id})


def test_titles_name_teams_by_name_and_groups_in_their_order(store, two_teams):
    assert lookups.titles(store, "team") == [(two_teams["乙队"], "乙队"), (two_teams["甲队"], "甲队")]   # 乙 < 甲
    groups = store.rows("working_group", order_by="rowid")
    assert lookups.titles(store, "working_group") == [(g["id"], g["name"]) for g in groups]


def test_unit_names_may_leave_one_out(store):
    store.insert("unit", {"name": "XX市教育工会"})
    names = lookups.unit_names(store)
    assert names == sorted(names) and "XX市教育工会" in names
    assert "XX市教育工会" not in lookups.unit_names(store, exclude="XX市教育工会")


def test_units_in_use_are_those_with_records(store, two_teams):
    assert lookups.units_in_use(store, "team") == sorted(["XX市供电公司工会", "XX市教育工会"])
    assert lookups.units_in_use(store, "submission") == []


def test_children_and_their_count_follow_the_schema_parent(store, two_teams):
    roster = lookups.children(store, "member", two_teams["甲队"])
    assert [m["name"] for m in roster] == ["张三", "李四"]
    assert lookups.child_count(store, "member", two_teams["甲队"]) == 2
    assert lookups.children(store, "member", None) == [] and lookups.child_count(store, "member", None) == 0
    with pytest.raises(ValueError):
        lookups.children(store, "team", two_teams["甲队"])   # a team is nobody's child


def test_linked_lists_records_a_loose_reference_points_at(store, two_teams):
    act = activity(store, two_teams["甲队"])
    store.insert("publicity", {"kind": "媒体报道", "title": "义诊报道", "date": "2026-03-06", "activity_id": act})
    assert [p["title"] for p in lookups.linked(store, "publicity", "activity_id", act)] == ["义诊报道"]
    with pytest.raises(ValueError):
        lookups.linked(store, "publicity", "title", act)


def test_roster_members_carry_their_team_and_may_be_one_teams(store, two_teams):
    everyone = lookups.roster_members(store)
    assert [(m["name"], m["team"]) for m in everyone] == [("王五", "乙队"), ("张三", "甲队"), ("李四", "甲队")]
    assert [m["name"] for m in lookups.roster_members(store, two_teams["乙队"])] == ["王五"]
    assert set(everyone[0]) == {"id", "name", "work", "team", "team_id"}


def test_activity_participants_in_entry_order_with_names(store, two_teams):
    act = activity(store, two_teams["甲队"])
    for name, minutes in (("李四", 90), ("王五", 120)):
        store.insert("participant", {"activity_id": act, "member_id": two_teams[name], "minutes": minutes})
    rows = lookups.activity_participants(store, act)
    assert [(r["name"], r["team"], r["minutes"]) for r in rows] == [("李四", "甲队", 90), ("王五", "乙队", 120)]
    assert lookups.activity_participants(store, None) == []


def test_team_counts_per_unit_and_what_a_removal_takes(store, two_teams):
    assert teams.formed_counts(store) == {"XX市供电公司工会": 1, "XX市教育工会": 1}
    act = activity(store, two_teams["甲队"])
    store.insert("participant", {"activity_id": act, "member_id": two_teams["张三"], "minutes": 60})
    assert teams.removal_counts(store, two_teams["甲队"]) == (2, 1)
    assert teams.removal_counts(store, two_teams["乙队"]) == (1, 0)
