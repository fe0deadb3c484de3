"""What a bundle may not do to this file (issue 17, T's findings F5 and F8):
- take back a record whose parent stays in this 回收站 (its row could not be stored): refused before the backup,
  one sentence naming the record, its parent and the way out (restore the parent, or keep the local deletion);
- change or delete a record this file never received from a bundle (the city's own): an update is a conflict the
  clerk decides, a deletion is ignored."""
import pytest
from bundle_cases import merged_pair, send, table_rows, ticking_clock

from leifeng_desktop.core import backup, bundle_merge, trash
from leifeng_desktop.core.bundle_export import bundle_rows
from leifeng_desktop.core.bundle_file import BundleRefused
from leifeng_desktop.core.bundle_plan import LOCAL_DELETED, ConflictsUndecided

clock = pytest.fixture(autouse=True)(ticking_clock)
pair = pytest.fixture(merged_pair)


def unchanged_by(city, call, match):
    before, backups = table_rows(city), backup.list_backups(city.path)
    with pytest.raises(BundleRefused, match=match) as caught:
        call()
    assert table_rows(city) == before and backup.list_backups(city.path) == backups   # before the backup
    assert "\n" not in str(caught.value)
    return str(caught.value)


# -- F5: a parent in this 回收站 --------------------------------------------------------------------------------------
def deleted_team_changed_member(pair, tmp_path):
    """The city deletes the team (its members go with it); the sub changes a member since: a 本地已删除 conflict
    for the member, the team unchanged there (it stays in the city's 回收站)."""
    sub, city, team, members = pair
    entry = city.delete("team", team)
    sub.update("member", members[0], {"skills": "急救"})
    return entry, send(sub, tmp_path, "second.lfx")


def test_taking_back_a_record_whose_parent_stays_deleted_is_refused_before_the_backup(pair, tmp_path):
    _sub, city, _team, members = pair
    _entry, path = deleted_team_changed_member(pair, tmp_path)
    plan = bundle_merge.preview(city, path)
    [conflict] = plan.conflicts
    assert (conflict.record_id, conflict.reason) == (members[0], LOCAL_DELETED)
    message = unchanged_by(city, lambda: bundle_merge.apply(city, plan, decisions={("member", members[0]):
                                                                                   {"": "keep"}}),
                           "^“second.lfx”中队员“张三”所关联的志愿服务队“青山区职工志愿服务队”在本数据库的回收站中")
    assert "请先在回收站中恢复志愿服务队“青山区职工志愿服务队”，或对队员“张三”保留本地" in message
    unchanged_by(city, lambda: bundle_merge.import_bundle(city, path, on_conflict="theirs"), "回收站中")


def test_keeping_the_local_deletion_imports(pair, tmp_path):
    _sub, city, _team, members = pair
    _entry, path = deleted_team_changed_member(pair, tmp_path)
    result = bundle_merge.import_bundle(city, path, on_conflict="mine")
    assert result.counts["member"].conflicts == 1
    assert city.get("member", members[0]) is None and city.count("team") == 0
    assert not city.db.execute("PRAGMA foreign_key_check").fetchall()


def test_restoring_the_parent_first_lets_the_record_come_back(pair, tmp_path):
    _sub, city, team, members = pair
    entry, path = deleted_team_changed_member(pair, tmp_path)
    trash.restore(city, entry)
    bundle_merge.import_bundle(city, path, on_conflict="theirs")
    assert city.get("team", team) is not None and city.get("member", members[0])["skills"] == "急救"


def test_a_new_record_whose_parent_stays_deleted_is_refused_at_the_preview(pair, tmp_path):
    sub, city, team, _members = pair
    city.delete("team", team)
    sub.insert("member", {"team_id": team, "name": "王五", "phone": "13700003333"})
    path = send(sub, tmp_path, "second.lfx")
    message = unchanged_by(city, lambda: bundle_merge.preview(city, path),
                           "^“second.lfx”中队员“王五”所关联的志愿服务队“青山区职工志愿服务队”在本数据库的回收站中")
    assert message.endswith("请先在回收站中恢复它后再导入，已拒绝整个数据包")


@pytest.mark.parametrize("team_choice", ["delete", "keep"])
def test_a_parent_that_is_a_conflict_too_comes_back_only_when_kept(pair, tmp_path, team_choice):
    sub, city, team, members = pair
    city.delete("team", team)
    sub.update("team", team, {"leader": "李明"})
    sub.update("member", members[0], {"skills": "急救"})
    plan = bundle_merge.preview(city, send(sub, tmp_path, "second.lfx"))
    assert {(c.type_key, c.reason) for c in plan.conflicts} == {("team", LOCAL_DELETED), ("member", LOCAL_DELETED)}
    decisions = {("team", team): {"": team_choice}, ("member", members[0]): {"": "keep"}}
    if team_choice == "delete":
        message = unchanged_by(city, lambda: bundle_merge.apply(city, plan, decisions=decisions), "回收站中")
        assert "请对志愿服务队“青山区职工志愿服务队”选择采用数据包，或先在回收站中恢复它" in message
        return
    bundle_merge.apply(city, plan, decisions=decisions)
    assert city.get("team", team)["leader"] == "李明" and city.get("member", members[0])["skills"] == "急救"
    assert not city.db.execute("PRAGMA foreign_key_check").fetchall()


# -- F8: this file's own records -------------------------------------------------------------------------------
def city_activity(city):
    return city.insert("activity", {"title": "市总宣讲", "starts_at": "2026-03-01T09:00",
                                    "ends_at": "2026-03-01T10:00", "category": "文明礼仪"})


def carrying(city, sub, activity, tmp_path, **change):
    """The sub's bundle, with the city's own activity in it as the sub's file now holds it (a copy of the row
    sent back, or a forger who knows its id), changed."""
    row = next(r for r in bundle_rows(city, "activity") if r["id"] == activity)
    with sub.transaction():
        cols = [k for k in row if k != "unit"]
        sub.db.execute(f'INSERT INTO activity (unit, {", ".join(cols)}) VALUES (?{", ?" * len(cols)})',
                       [row["unit"], *[{**row, **change}[k] for k in cols]])
    return send(sub, tmp_path, "carrying.lfx")


def test_an_update_of_this_files_own_record_is_a_conflict(pair, tmp_path):
    sub, city, *_ = pair
    own = city_activity(city)
    path = carrying(city, sub, own, tmp_path, title="篡改的标题", updated_at="2099-01-01T00:00:00+08:00")
    plan = bundle_merge.preview(city, path)
    [conflict] = plan.conflicts
    assert (conflict.type_key, conflict.record_id, conflict.kind) == ("activity", own, "changed")
    assert [(f.key, f.mine, f.theirs) for f in conflict.fields] == [("title", "市总宣讲", "篡改的标题")]
    with pytest.raises(ConflictsUndecided):
        bundle_merge.import_bundle(city, path)
    bundle_merge.apply(city, plan, decisions={("activity", own): {"title": "mine"}})
    assert city.get("activity", own)["title"] == "市总宣讲"
    # no baseline kept for it: the next bundle asks again
    assert not city.db.execute("SELECT 1 FROM bundle_baseline WHERE record_id = ?", [own]).fetchall()


def test_an_unchanged_copy_of_this_files_own_record_changes_nothing(pair, tmp_path):
    sub, city, *_ = pair
    own = city_activity(city)
    before = city.get("activity", own)
    result = bundle_merge.import_bundle(city, carrying(city, sub, own, tmp_path))
    assert result.counts["activity"].unchanged == 1 and city.get("activity", own) == before


def test_a_deletion_of_this_files_own_record_is_ignored(pair, tmp_path):
    sub, city, *_ = pair
    own = city_activity(city)
    carrying(city, sub, own, tmp_path)
    sub.delete("activity", own)
    result = bundle_merge.import_bundle(city, send(sub, tmp_path, "deleting.lfx"))
    assert city.get("activity", own) is not None
    assert "activity" not in result.counts or result.counts["activity"].deleted == 0
    assert not trash.entries(city)
