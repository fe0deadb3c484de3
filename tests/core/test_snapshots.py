"""Snapshots for undo and redo: a record written back with its child rows through its save function, every column
as it was (bar the revision and the time of writing); a step over a change made elsewhere refused; deletes to the
回收站 and back."""
import pytest

from leifeng_desktop.core import schema as s
from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core import snapshots, teams
from leifeng_desktop.core.snapshots import StaleRecord
from leifeng_desktop.core.store import Store

MOVING = ("updated_at", "revision")   # what every write moves on, an undo too


def state(store: Store) -> dict:
    """Every record table, every column but the two that move on every write, rows by id (sensitive values
    decrypted: their ciphertext changes on every write, a fresh nonce each time)."""
    return {key: sorted(({k: v for k, v in store.decode(s.RECORD_TYPES[key], row).items() if k not in MOVING}
                         for row in store.db.query(f'SELECT * FROM "{key}"')), key=lambda r: r["id"])
            for key in s.RECORD_TYPES}


@pytest.fixture
def team_id(store, team_values):
    return teams.save_team(store, None, team_values, [{"name": "张伟", "phone": "13900000001"},
                                                      {"name": "李娜", "gender": "女"}])


def roster(store, team_id):
    return [{k: m[k] for k in ("id", *s.record_type("member").keys)}
            for m in store.rows("member", where="team_id = ?", params=[team_id])]


def test_a_team_save_is_undone_and_redone_field_by_field(store, team_id, team_values):
    members = roster(store, team_id)
    members[0]["phone"] = "13900000009"
    before_state, before = state(store), snapshots.take(store, "team", team_id)
    teams.save_team(store, team_id, {**team_values, "name": "新名称服务队", "categories": ["便民利民"]},
                    [members[0], members[1], {"name": "王芳"}])   # one changed, one added
    after_state, after = state(store), snapshots.take(store, "team", team_id)
    assert after.title == "新名称服务队" and not after.same_as(before)

    undone = snapshots.write_back(store, before, expected=after)
    assert state(store) == before_state
    assert undone.same_as(before)
    redone = snapshots.write_back(store, after, expected=undone)
    assert state(store) == after_state and redone.same_as(after)


def test_an_activity_save_with_participants_and_reports_comes_back(store, team_id):
    ids = [m["id"] for m in roster(store, team_id)]
    values = {"title": "清扫", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T12:00", "category": "保护环境"}
    activity_id = sr.save_activity(store, None, values, [{"member_id": ids[0], "minutes": 180}],
                                   [{"outlet": "XX日报", "title": "清扫街道"}])
    before_state, before = state(store), snapshots.take(store, "activity", activity_id)
    # shorter, so the old minutes no longer fit: the undo writes duration and minutes together
    participants = [{"id": p["id"], "member_id": p["member_id"], "minutes": 60}
                    for p in store.rows("participant")]
    sr.save_activity(store, activity_id, {**values, "ends_at": "2026-09-01T10:00"}, participants,
                     [{"id": store.rows("publicity")[0]["id"], "outlet": "XX晚报", "title": "清扫街道"}])
    after = snapshots.take(store, "activity", activity_id)
    snapshots.write_back(store, before, expected=after)
    assert state(store) == before_state


def test_a_step_over_a_change_made_elsewhere_is_refused_and_writes_nothing(store, team_id, team_values, db_path):
    before = snapshots.take(store, "team", team_id)
    teams.save_team(store, team_id, {**team_values, "leader": "赵六"}, roster(store, team_id))
    after = snapshots.take(store, "team", team_id)
    with Store.open(db_path) as elsewhere:
        elsewhere.update("team", team_id, {"area": "城东"})
    kept = state(store)
    with pytest.raises(StaleRecord, match="志愿服务队“供电公司职工志愿服务队”在此之后已在别处修改"):
        snapshots.write_back(store, before, expected=after)
    assert state(store) == kept
    with Store.open(db_path) as elsewhere:
        elsewhere.update("team", team_id, {"area": None})   # changed back: the content is the step's again
    snapshots.write_back(store, before, expected=after)
    assert store.get("team", team_id)["leader"] == team_values["leader"]


def test_a_gone_record_is_named_in_the_refusal(store, team_id, team_values):
    before = snapshots.take(store, "team", team_id)
    teams.save_team(store, team_id, {**team_values, "leader": "赵六"}, roster(store, team_id))
    after = snapshots.take(store, "team", team_id)
    store.delete("team", team_id)
    with pytest.raises(StaleRecord, match="已不存在"):
        snapshots.write_back(store, before, expected=after)


def test_a_removed_member_comes_back_whole_from_the_trash_with_their_hours(store, team_id, team_values):
    pytest.importorskip("leifeng_desktop.core.trash")
    members = roster(store, team_id)
    sr.save_activity(store, None, {"title": "清扫", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T12:00",
                                   "category": "保护环境"}, [{"member_id": members[1]["id"], "minutes": 90}])
    before_state, before = state(store), snapshots.take(store, "team", team_id)
    teams.save_team(store, team_id, team_values, members[:1])   # 李娜 leaves, and her hours with her
    assert store.count("participant") == 0
    snapshots.write_back(store, before, expected=snapshots.take(store, "team", team_id))
    assert state(store) == before_state   # same ids, created_at, and her participation


def test_delete_to_the_trash_and_restore(store, team_id):
    pytest.importorskip("leifeng_desktop.core.trash")
    whole = state(store)
    gone = snapshots.take(store, "team", team_id)
    entry = snapshots.delete(store, gone)
    assert store.get("team", team_id) is None and store.count("member") == 0
    assert snapshots.trash_entry(store, "team", team_id) == entry
    back = snapshots.restore(store, entry, gone)
    assert state(store) == whole and back.same_as(gone)
    with pytest.raises(StaleRecord, match="已在回收站或别处恢复过"):
        snapshots.restore(store, entry, gone)
