"""Conflicts of a bundle merge (issue 17): a record changed on both sides since the last import is decided field by
field (mine, theirs, a mix); a deletion against a local change, and a local deletion against a change in the bundle,
are decided either way; an undecided conflict writes nothing; a decision is not asked again."""
import pytest
from bundle_cases import TEAM, merged_pair, send, table_rows, ticking_clock

from leifeng_desktop.core import backup, bundle_merge, trash
from leifeng_desktop.core.bundle_file import BundleRefused
from leifeng_desktop.core.bundle_plan import LOCAL_DELETED, REMOTE_DELETED, ConflictsUndecided

clock = pytest.fixture(autouse=True)(ticking_clock)
pair = pytest.fixture(merged_pair)


def both_edit_the_team(sub, city, team):
    sub.update("team", team, {"leader": "李明", "leader_phone": "13900000000"})
    city.update("team", team, {"leader": "赵六", "area": "城西街道"})


def test_a_conflict_lists_each_differing_field_in_full(pair, tmp_path):
    """In full, sensitive values too: the clerk decides in the window (two masks of a bank card or a health note
    could not be told apart); nothing of it is logged or written out."""
    sub, city, team, _members = pair
    both_edit_the_team(sub, city, team)
    plan = bundle_merge.preview(city, send(sub, tmp_path, "second.lfx"))
    assert plan.counts["team"].conflicts == 1 and len(plan.conflicts) == 1
    conflict = plan.conflicts[0]
    assert (conflict.type_key, conflict.record_id, conflict.kind, conflict.title) == ("team", team, "changed",
                                                                                      TEAM["name"])
    fields = {f.key: (f.label, f.mine, f.theirs) for f in conflict.fields}
    assert fields == {"leader": ("队长姓名", "赵六", "李明"),
                      "leader_phone": ("队长电话", "13812345678", "13900000000"),
                      "area": ("服务区域/地点", "城西街道", "城东街道")}
    assert conflict.mine_updated_at == city.get("team", team)["updated_at"]
    assert conflict.theirs_updated_at == sub.get("team", team)["updated_at"]


@pytest.mark.parametrize(("choice", "expected"), [
    ({"leader": "mine", "leader_phone": "mine", "area": "mine"}, ("赵六", "13812345678", "城西街道")),
    ({"leader": "theirs", "leader_phone": "theirs", "area": "theirs"}, ("李明", "13900000000", "城东街道")),
    ({"leader": "theirs", "leader_phone": "mine", "area": "mine"}, ("李明", "13812345678", "城西街道")),
], ids=["mine", "theirs", "mixed"])
def test_a_conflict_decided_field_by_field(pair, tmp_path, choice, expected):
    sub, city, team, _members = pair
    both_edit_the_team(sub, city, team)
    path = send(sub, tmp_path, "second.lfx")
    plan = bundle_merge.preview(city, path)
    before = city.get("team", team)["updated_at"]
    result = bundle_merge.apply(city, plan, decisions={("team", team): choice})
    row = city.get("team", team)
    assert (row["leader"], row["leader_phone"], row["area"]) == expected
    assert row["updated_at"] > before and row["name"] == TEAM["name"]
    assert result.counts["team"].conflicts == 1 and "冲突 1 处" in result.line()
    # decided once: the next bundle of the same record asks nothing and changes nothing
    again = bundle_merge.preview(city, send(sub, tmp_path, "third.lfx"))
    assert again.conflicts == [] and again.counts["team"].unchanged == 1


def test_an_undecided_conflict_writes_nothing(pair, tmp_path):
    sub, city, team, _members = pair
    both_edit_the_team(sub, city, team)
    path = send(sub, tmp_path, "second.lfx")
    plan = bundle_merge.preview(city, path)
    before, backups = table_rows(city), backup.list_backups(city.path)
    with pytest.raises(ConflictsUndecided, match="队长电话.*尚未选择"):
        bundle_merge.apply(city, plan, decisions={("team", team): {"leader": "mine", "area": "theirs"}})
    with pytest.raises(ConflictsUndecided, match="有 1 处冲突需要决定.*--on-conflict"):
        bundle_merge.import_bundle(city, path)
    assert table_rows(city) == before and backup.list_backups(city.path) == backups
    bundle_merge.import_bundle(city, path, on_conflict="theirs")
    assert city.get("team", team)["leader"] == "李明" and city.get("team", team)["area"] == "城东街道"


def test_only_one_side_changed_is_no_conflict(pair, tmp_path):
    sub, city, team, members = pair
    sub.update("team", team, {"leader": "李明"})
    city.update("member", members[0], {"skills": "急救"})
    result = bundle_merge.import_bundle(city, send(sub, tmp_path, "second.lfx"))
    assert result.counts["team"].changed == 1 and result.counts["member"].unchanged == 2
    assert city.get("team", team)["leader"] == "李明" and city.get("member", members[0])["skills"] == "急救"


@pytest.mark.parametrize("choice", ["delete", "keep"])
def test_deleted_there_changed_here(pair, tmp_path, choice):
    sub, city, _team, members = pair
    sub.delete("member", members[0])
    city.update("member", members[0], {"skills": "急救"})   # after the deletion there
    plan = bundle_merge.preview(city, send(sub, tmp_path, "second.lfx"))
    [conflict] = plan.conflicts
    assert (conflict.kind, conflict.reason, conflict.record_id) == ("deleted", REMOTE_DELETED, members[0])
    bundle_merge.apply(city, plan, decisions={("member", members[0]): {"": choice}})
    if choice == "delete":
        assert city.get("member", members[0]) is None
        assert any(e["record_id"] == members[0] for e in trash.entries(city))
    else:
        assert city.get("member", members[0])["skills"] == "急救"
    again = bundle_merge.preview(city, send(sub, tmp_path, "third.lfx"))
    assert again.conflicts == []


@pytest.mark.parametrize("choice", ["delete", "keep"])
def test_deleted_here_changed_there(pair, tmp_path, choice):
    sub, city, _team, members = pair
    city.delete("member", members[1])
    sub.update("member", members[1], {"skills": "心理疏导"})
    plan = bundle_merge.preview(city, send(sub, tmp_path, "second.lfx"))
    [conflict] = plan.conflicts
    assert (conflict.kind, conflict.reason, conflict.record_id) == ("deleted", LOCAL_DELETED, members[1])
    bundle_merge.apply(city, plan, decisions={("member", members[1]): {"": choice}})
    kept = city.get("member", members[1])
    assert (kept is None) if choice == "delete" else (kept["skills"] == "心理疏导")
    again = bundle_merge.preview(city, send(sub, tmp_path, "third.lfx"))
    assert again.conflicts == []


def test_a_deletion_of_a_record_unchanged_here_needs_no_decision(pair, tmp_path):
    sub, city, _team, members = pair
    city.update("member", members[0], {"skills": "急救"})    # before the deletion there: the deletion is newer
    sub.delete("member", members[0])
    result = bundle_merge.import_bundle(city, send(sub, tmp_path, "second.lfx"))
    assert result.counts["member"].deleted == 1 and city.get("member", members[0]) is None


def test_on_conflict_takes_one_side_for_every_kind(pair, tmp_path):
    sub, city, team, members = pair
    both_edit_the_team(sub, city, team)
    sub.delete("member", members[0])
    city.update("member", members[0], {"skills": "急救"})
    bundle_merge.import_bundle(city, send(sub, tmp_path, "second.lfx"), on_conflict="mine")
    assert city.get("team", team)["leader"] == "赵六" and city.get("member", members[0]) is not None


def test_a_mix_that_breaks_the_minutes_rule_is_refused(pair, tmp_path):
    """Each side kept the rule; the merge of its decided fields must too (a participant's minutes within the
    activity's duration): refused by name, nothing written."""
    sub, city, _team, members = pair
    act = sub.insert("activity", {"title": "义诊", "starts_at": "2026-03-05T09:00", "ends_at": "2026-03-05T11:00",
                                  "category": "扶老助残"})
    joined = sub.insert("participant", {"activity_id": act, "member_id": members[0], "minutes": 60})
    bundle_merge.import_bundle(city, send(sub, tmp_path, "second.lfx"))
    sub.update("activity", act, {"ends_at": "2026-03-05T12:00"})
    sub.update("participant", joined, {"minutes": 150})
    city.update("activity", act, {"title": "社区义诊"})
    path = send(sub, tmp_path, "third.lfx")
    plan = bundle_merge.preview(city, path)
    assert [c.type_key for c in plan.conflicts] == ["activity"] and plan.counts["participant"].changed == 1
    before = table_rows(city)
    with pytest.raises(BundleRefused, match="^“third.lfx”中活动《社区义诊》的参加人员服务时长不能超过活动时长"):
        bundle_merge.apply(city, plan, decisions={("activity", act): {"title": "mine", "ends_at": "mine"}})
    assert table_rows(city) == before
    bundle_merge.apply(city, plan, decisions={("activity", act): {"title": "mine", "ends_at": "theirs"}})
    assert city.get("participant", joined)["minutes"] == 150 and city.get("activity", act)["title"] == "社区义诊"


def test_both_changed_to_the_same_values_is_no_conflict(pair, tmp_path):
    sub, city, team, _members = pair
    sub.update("team", team, {"leader": "李明"})
    city.update("team", team, {"leader": "李明"})
    plan = bundle_merge.preview(city, send(sub, tmp_path, "second.lfx"))
    assert plan.conflicts == [] and plan.counts["team"].unchanged == 1
