"""Optimistic concurrency: revisions, triggers for child rows, RecordConflict with its differences."""
import sqlite3

import pytest

from leifeng_desktop.core import record_rules
from leifeng_desktop.core.errors import Difference, RecordConflict, StoreError
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.validation import ValidationError


@pytest.fixture
def team_id(store, team_values):
    return store.insert("team", team_values)


def revision(store, type_key, record_id):
    return store.get(type_key, record_id)["revision"]


def test_revision_starts_at_one_and_rises_on_every_update(store, team_id):
    assert revision(store, "team", team_id) == 1
    store.update("team", team_id, {"leader": "李四"})
    store.update("team", team_id, {"leader": "王五"})
    assert revision(store, "team", team_id) == 3


def test_a_write_by_another_program_raises_the_revision(store, team_id, db_path):
    other = sqlite3.connect(db_path)
    with other:
        other.execute("UPDATE team SET leader = '赵六' WHERE id = ?", [team_id])
    other.close()
    assert revision(store, "team", team_id) == 2


@pytest.mark.parametrize("write", ["insert", "update", "delete"])
def test_a_roster_change_raises_the_team_revision_whatever_program_writes(store, team_id, db_path, write):
    member_id = store.insert("member", {"team_id": team_id, "name": "甲"})
    before = revision(store, "team", team_id)
    other = sqlite3.connect(db_path)
    with other:
        if write == "insert":
            other.execute("INSERT INTO member (id, unit, created_at, updated_at, team_id, name) "
                          "VALUES ('m2', 'u', 'now', 'now', ?, '乙')", [team_id])
        elif write == "update":
            other.execute("UPDATE member SET name = '丙' WHERE id = ?", [member_id])
        else:
            other.execute("DELETE FROM member WHERE id = ?", [member_id])
    other.close()
    assert revision(store, "team", team_id) == before + 1   # once, not twice (the child's own bump is not counted)


def test_moving_a_member_raises_both_teams(store, team_id, team_values):
    other_id = store.insert("team", {**team_values, "name": "第二队"})
    member_id = store.insert("member", {"team_id": team_id, "name": "甲"})
    before = revision(store, "team", team_id), revision(store, "team", other_id)
    store.update("member", member_id, {"team_id": other_id})
    assert (revision(store, "team", team_id), revision(store, "team", other_id)) == (before[0] + 1, before[1] + 1)


def test_children_of_each_kind_raise_their_owner(store, team_id):
    member_id = store.insert("member", {"team_id": team_id, "name": "甲"})
    activity_id = store.insert("activity", {"title": "清扫", "starts_at": "2026-09-01T09:00",
                                            "ends_at": "2026-09-01T11:00", "category": "保护环境"})
    store.insert("participant", {"activity_id": activity_id, "member_id": member_id, "minutes": 60})
    assert revision(store, "activity", activity_id) == 2
    group_id = store.rows("working_group")[0]["id"]
    visit_id = store.insert("enterprise_visit", {"date": "2026-09-01", "group_id": group_id, "enterprise": "XX厂"})
    store.insert("demand", {"visit_id": visit_id, "content": "加班费"})
    assert revision(store, "enterprise_visit", visit_id) == 2
    household_id = store.insert("household", {"name": "李梅"})
    store.insert("family_member", {"household_id": household_id, "name": "张三"})
    assert revision(store, "household", household_id) == 2


def test_a_loose_link_does_not_count_as_a_child(store, team_id):
    store.insert("activity", {"title": "清扫", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T11:00",
                              "category": "保护环境", "team_id": team_id})
    assert revision(store, "team", team_id) == 1


def test_update_with_the_loaded_revision_saves(store, team_id):
    store.update("team", team_id, {"leader": "李四"}, expected_revision=1)
    assert store.get("team", team_id)["leader"] == "李四"


def test_stale_update_is_refused_with_the_differences_and_nothing_written(store, team_id, db_path, team_values):
    loaded = store.get("team", team_id)
    with Store.open(db_path) as window_b:
        window_b.update("team", team_id, {"leader": "李四"})
    with pytest.raises(RecordConflict) as err:
        store.update("team", team_id, {"leader": "王建国", "area": "XX广场"}, expected_revision=loaded["revision"])
    conflict = err.value
    assert conflict.type_key == "team" and conflict.record_id == team_id
    assert conflict.current["leader"] == "李四" and conflict.current["revision"] == 2
    assert Difference("leader", "队长姓名", "王建国", "李四") in conflict.differences
    assert Difference("area", "服务区域/地点", "XX广场", None) in conflict.differences
    assert "队长姓名" in str(conflict) and "志愿服务队" in str(conflict)
    assert store.get("team", team_id)["area"] is None and store.get("team", team_id)["leader"] == "李四"
    # keep mine: save again over the revision now stored
    store.update("team", team_id, {"leader": "王建国"}, expected_revision=conflict.current["revision"])
    assert store.get("team", team_id)["leader"] == "王建国"


def test_differences_with_the_loaded_values_show_only_what_changed_elsewhere(store, team_id):
    loaded = store.get("team", team_id)
    store.update("team", team_id, {"leader": "李四"})
    mine = {"leader": loaded["leader"], "area": "XX广场", "categories": list(loaded["categories"])}
    found = store.differences("team", team_id, mine, base=loaded)
    assert found == [Difference("leader", "队长姓名", "王建国", "李四")]


def test_a_roster_changed_elsewhere_is_one_difference(store, team_id):
    store.insert("member", {"team_id": team_id, "name": "甲"})
    loaded = store.get("team", team_id)
    store.insert("member", {"team_id": team_id, "name": "乙"})   # another window adds a member
    with pytest.raises(RecordConflict) as err:
        store.update("team", team_id, {"leader": loaded["leader"]}, expected_revision=loaded["revision"],
                     children={"member": [{"name": "甲"}]})
    [diff] = err.value.differences
    assert diff.key == "member" and diff.label == "队员名单" and "队员名单已在别处修改" in diff.theirs
    assert "2 人" in diff.theirs and "1 人" in diff.mine


def test_a_conflict_with_no_field_difference_names_the_child_lists(store, team_id):
    loaded = store.get("team", team_id)
    store.insert("member", {"team_id": team_id, "name": "乙"})
    with pytest.raises(RecordConflict) as err:
        store.update("team", team_id, {"leader": loaded["leader"]}, expected_revision=loaded["revision"])
    assert [(d.key, d.theirs) for d in err.value.differences] == [("member", "队员名单已在别处修改")]


def test_same_roster_in_another_order_is_no_difference(store, team_id):
    a = store.insert("member", {"team_id": team_id, "name": "甲", "phone": "13812345678"})
    store.insert("member", {"team_id": team_id, "name": "乙"})
    mine = [{"name": "乙"}, {"id": a, "name": " 甲 ", "phone": "13812345678"}]
    assert store.differences("team", team_id, {}, children={"member": mine}) == []


def test_check_revision_inside_a_save(store, team_id):
    with store.transaction():
        store.check_revision("team", team_id, 1, {})
        store.check_revision("team", team_id, None, {})
    store.update("team", team_id, {"leader": "李四"})
    with pytest.raises(RecordConflict):
        with store.transaction():
            store.check_revision("team", team_id, 1, {"leader": "王建国"})
    store.delete("team", team_id)
    with pytest.raises(StoreError, match="已不存在"):
        with store.transaction():
            store.check_revision("team", team_id, 3, {})


def test_record_rules_run_inside_every_insert_and_update(store, team_id, monkeypatch):
    seen = []

    def rules(st, type_key, values, record_id):
        seen.append((type_key, record_id, values.get("name"), st.db.conn.in_transaction))
        return {"name": "与其他记录冲突"} if values.get("name") == "坏" else {}
    monkeypatch.setattr(record_rules, "check", rules)
    member_id = store.insert("member", {"team_id": team_id, "name": "甲"})
    store.update("member", member_id, {"phone": "13812345678"})
    assert seen == [("member", None, "甲", True), ("member", member_id, "甲", True)]   # update: the whole row
    with pytest.raises(ValidationError) as err:
        store.update("member", member_id, {"name": "坏"})
    assert err.value.errors == {"name": "与其他记录冲突"}
    assert store.get("member", member_id)["name"] == "甲"
    with pytest.raises(ValidationError):
        store.insert("member", {"team_id": team_id, "name": "坏"})
    assert store.count("member") == 1


def test_an_old_database_gets_revisions_on_opening(db_path, team_values):
    from sqlite_utils import Database

    from leifeng_desktop.core import migrations as mig
    with Store.open(db_path) as st:
        team_id = st.insert("team", team_values)
    db = Database(db_path)   # as a version-3 file: no revision column, no triggers, step 4 not applied
    for name in [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
        db.execute(f'DROP TRIGGER "{name}"')
    for key in ("team", "member"):
        db.execute(f'ALTER TABLE "{key}" DROP COLUMN revision')
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_revisions'")
    db.close()
    with Store.open(db_path) as st:
        assert st.schema_version == mig.SCHEMA_VERSION
        assert st.get("team", team_id)["revision"] == 1
        st.insert("member", {"team_id": team_id, "name": "甲"})
        assert st.get("team", team_id)["revision"] == 2


def test_save_activity_checks_the_loaded_revision_before_writing_participants(store, team_id, db_path):
    from leifeng_desktop.core import service_record as sr
    a = store.insert("member", {"team_id": team_id, "name": "甲"})
    b = store.insert("member", {"team_id": team_id, "name": "乙"})
    values = {"title": "清扫", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T11:00",
              "category": "保护环境"}
    activity_id = sr.save_activity(store, None, values, [{"member_id": a, "minutes": 60}])
    loaded = store.get("activity", activity_id)
    with Store.open(db_path) as window_b:   # another window adds a participant
        window_b.insert("participant", {"activity_id": activity_id, "member_id": b, "minutes": 30})
    with pytest.raises(RecordConflict) as err:
        sr.save_activity(store, activity_id, {**values, "place": "XX社区"}, [{"member_id": a, "minutes": 90}],
                         expected_revision=loaded["revision"])
    assert [d.key for d in err.value.differences] == ["place", "participant"]
    assert "参加人员名单已在别处修改" in err.value.differences[1].theirs
    assert store.count("participant") == 2 and store.get("activity", activity_id)["place"] is None
    sr.save_activity(store, activity_id, values, [{"member_id": a, "minutes": 90}],
                     expected_revision=err.value.current["revision"])
    assert store.count("participant") == 1


def test_save_team_checks_the_loaded_revision(store, team_id, team_values):
    from leifeng_desktop.core import teams
    loaded = store.get("team", team_id)
    store.insert("member", {"team_id": team_id, "name": "乙"})
    with pytest.raises(RecordConflict) as err:
        teams.save_team(store, team_id, team_values, [{"name": "甲"}], expected_revision=loaded["revision"])
    assert [d.label for d in err.value.differences] == ["队员名单"]
    assert [m["name"] for m in store.rows("member")] == ["乙"]
