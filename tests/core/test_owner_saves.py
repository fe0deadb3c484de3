"""Saving an owner with its child rows (team + roster, visit + demands, household + family) checks the revision the
editor loaded: a record changed elsewhere meanwhile raises RecordConflict and nothing of the save is written."""
import pytest

from leifeng_desktop.core import teams, visits
from leifeng_desktop.core.errors import RecordConflict


def test_a_team_changed_elsewhere_is_not_overwritten(store, team_values):
    team_id = teams.save_team(store, None, team_values, [{"name": "张三"}])
    loaded = store.get("team", team_id)["revision"]
    store.update("team", team_id, {"leader": "李四"})   # another window saved meanwhile
    member = {k: store.rows("member")[0][k] for k in ("id", "name")}   # as the roster editor has it
    with pytest.raises(RecordConflict) as caught:
        teams.save_team(store, team_id, {**team_values, "leader": "赵六"}, [member, {"name": "王五"}],
                        expected_revision=loaded)
    assert caught.value.record_id == team_id
    assert store.get("team", team_id)["leader"] == "李四"
    assert [m["name"] for m in store.rows("member")] == ["张三"]
    teams.save_team(store, team_id, {**team_values, "leader": "赵六"}, [member, {"name": "王五"}],
                    expected_revision=store.get("team", team_id)["revision"])
    assert store.get("team", team_id)["leader"] == "赵六" and store.count("member") == 2


@pytest.mark.parametrize("kind", ["enterprise_visit", "household"])
def test_a_visit_or_household_changed_elsewhere_is_not_overwritten(store, kind):
    group = store.rows("working_group")[0]["id"]
    if kind == "enterprise_visit":
        save, values, child = visits.save_enterprise_visit, {"date": "2026-05-10", "group_id": group,
                                                             "enterprise": "甲公司"}, {"content": "停车难"}
        changed = {"enterprise": "乙公司"}
    else:
        save, values, child = visits.save_household, {"name": "张三"}, {"name": "张小三"}
        changed = {"name": "张叁"}
    record_id = save(store, None, values, [child])
    loaded = store.get(kind, record_id)["revision"]
    store.update(kind, record_id, changed)
    children_before = store.counts()
    with pytest.raises(RecordConflict):
        save(store, record_id, values, [child, child], expected_revision=loaded)
    assert store.counts() == children_before
    assert store.get(kind, record_id)[next(iter(changed))] == next(iter(changed.values()))
