"""The 回收站: a delete moves the record and every row that goes with it into one entry; a restore gives back every
column of every row (revisions too); lists, figures and ledgers never count what is in it; purge by age (at open,
after 设置's 回收站保留天数) and by hand, the attachment files going with the last entry naming them."""
import datetime as dt
import json
import os

import pytest

from leifeng_desktop.core import attachments as att
from leifeng_desktop.core import listing, stats, teams, trash, visits
from leifeng_desktop.core import schema as s
from leifeng_desktop.core.demo import load_demo
from leifeng_desktop.core.errors import StoreError
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.trash import RestoreRefused
from leifeng_desktop.exports.activity_ledger import ledger_rows

TODAY = "2026-09-30"


def state(store: Store) -> dict:
    """Every record table, every column (revision and times of writing too), rows by id."""
    return {key: sorted((dict(r) for r in store.db.query(f'SELECT * FROM "{key}"')), key=lambda r: r["id"])
            for key in s.RECORD_TYPES}


def leave_roster(store, team_id, member_id):
    """Save the team without one member, as its editor does."""
    values = {k: v for k, v in store.get("team", team_id).items() if k in s.record_type("team").keys}
    members = [{k: m[k] for k in ("id", *s.record_type("member").keys)}
               for m in store.rows("member", where="team_id = ?", params=[team_id]) if m["id"] != member_id]
    teams.save_team(store, team_id, values, members)


@pytest.fixture
def world(store, team_values, tmp_path, fake_id):
    """A team with a roster, two activities (one with a report and a photo), a household with family, a visit and
    aid, an enterprise visit with demands: every kind of child row and loose link."""
    team = teams.save_team(store, None, team_values, [{"name": "张伟", "phone": "13900000001"},
                                                      {"name": "李娜", "id_number": fake_id()}])
    zhang, li = (m["id"] for m in store.rows("member", where="team_id = ?", params=[team]))
    activity = store.insert("activity", {"title": "社区义诊", "starts_at": "2026-09-01T09:00",
                                         "ends_at": "2026-09-01T12:00", "category": "扶老助残", "team_id": team})
    other = store.insert("activity", {"title": "清扫街道", "starts_at": "2026-09-02T09:00",
                                      "ends_at": "2026-09-02T11:00", "category": "保护环境", "team_id": team})
    store.insert("participant", {"activity_id": activity, "member_id": zhang, "minutes": 120})
    store.insert("participant", {"activity_id": other, "member_id": li, "minutes": 60})
    report = store.insert("publicity", {"kind": "媒体报道", "date": "2026-09-03", "title": "义诊见闻",
                                        "activity_id": activity})
    photo = tmp_path / "合影.jpg"
    photo.write_bytes(b"\xff\xd8\xff a photo")
    attachment = att.add_attachment(store, activity, photo)
    group = store.rows("working_group")[0]["id"]
    household = store.insert("household", {"name": "王芳", "id_number": fake_id("19700101", 2),
                                           "bank_account": "6222020200112233445"})
    store.insert("family_member", {"household_id": household, "name": "王小明", "relation": "子女"})
    visit = store.insert("household_visit", {"date": "2026-09-05", "group_id": group, "household_id": household})
    store.insert("aid", {"date": "2026-09-06", "household_id": household, "programme": "送温暖", "amount": 50000})
    enterprise = store.insert("enterprise_visit", {"date": "2026-09-07", "group_id": group, "enterprise": "某机械厂"})
    store.insert("demand", {"visit_id": enterprise, "content": "希望增加技能培训名额", "due_on": "2026-09-10"})
    return dict(team=team, zhang=zhang, li=li, activity=activity, other=other, report=report,
                attachment=attachment, group=group, household=household, visit=visit, enterprise=enterprise)


def test_a_team_goes_with_its_roster_and_their_hours_and_comes_back_exactly(store, world):
    whole = state(store)
    heard = []
    store.subscribe(heard.append)
    entry_id = store.delete("team", world["team"])
    assert store.get("team", world["team"]) is None
    assert store.count("member") == 0 and store.count("participant") == 0
    assert {a["team_id"] for a in store.rows("activity")} == {None}   # loose links emptied, activities kept
    assert {"team", "member", "participant", "activity", "trash"} <= set(heard)
    (entry,) = trash.entries(store)
    assert entry["id"] == entry_id and entry["type_key"] == "team" and entry["record_id"] == world["team"]
    assert entry["label"] == "志愿服务队" and entry["title"] == "供电公司职工志愿服务队"
    assert entry["children"] == 4 and entry["counts"] == {"team": 1, "member": 2, "participant": 2}
    assert trash.describe(entry) == "队员 2 条、参加人员 2 条"
    payload = json.loads(store.db.execute("SELECT payload FROM trash").fetchone()[0])
    assert {json.dumps(r["row"], sort_keys=True) for r in payload["rows"] if r["type"] == "member"} == \
        {json.dumps(m, sort_keys=True) for m in whole["member"]}   # every column, exactly

    assert trash.restore(store, entry_id)["title"] == "供电公司职工志愿服务队"
    assert state(store) == whole   # every row, every column, revisions of the activities included
    assert trash.entries(store) == []


@pytest.mark.parametrize("kind", ["activity", "household", "enterprise_visit", "member", "participant"])
def test_every_kind_of_record_comes_back_whole(store, world, kind):
    whole = state(store)
    record_id = {"activity": world["activity"], "household": world["household"],
                 "enterprise_visit": world["enterprise"], "member": world["zhang"],
                 "participant": store.rows("participant")[0]["id"]}[kind]
    if kind == "household":
        visits.delete_household(store, record_id)
        assert store.count("family_member") == store.count("household_visit") == store.count("aid") == 0
    elif kind == "activity":
        att.delete_activity(store, record_id)
        assert store.count("attachment") == 0 and store.get("publicity", world["report"])["activity_id"] is None
    else:
        store.delete(kind, record_id)
    assert store.get(kind, record_id) is None
    (entry,) = trash.entries(store)
    trash.restore(store, entry["id"])
    assert state(store) == whole


def test_how_the_entries_name_what_they_hold(store, world):
    leave_roster(store, world["team"], world["li"])
    visits.delete_household(store, world["household"])
    store.delete("enterprise_visit", world["enterprise"])
    store.settings.set({"operator": "张会计"})
    store.delete("participant", store.rows("participant")[0]["id"])
    titles = [(e["label"], e["title"], e["children"], e["operator"]) for e in trash.entries(store)]
    assert titles == [("参加人员", "张伟（社区义诊）", 0, "张会计"), ("走访企业", "某机械厂", 1, None),
                      ("困难职工", "王芳", 3, None), ("队员", "李娜（供电公司职工志愿服务队）", 1, None)]


def test_lists_figures_and_ledgers_never_count_the_trash(tmp_path):
    with Store.open(tmp_path / "demo.db") as store:
        store.settings.set({"year": 2026})
        load_demo(store, seed=2026)
        whole, figures = state(store), stats.campaign_stats(store, today=TODAY)
        team = store.rows("team", where="id IN (SELECT team_id FROM activity)")[0]
        household = store.rows("household", where="id IN (SELECT household_id FROM aid)")[0]
        entries = [store.delete("team", team["id"])]
        visits.delete_household(store, household["id"])
        entries.append(trash.entries(store)[0]["id"])
        after = stats.campaign_stats(store, today=TODAY)
        assert after["teams"]["total"] == figures["teams"]["total"] - 1
        assert after["aid"] != figures["aid"] and after["activities"] != figures["activities"]
        listed = listing.fetch_rows(store, s.record_type("team"), columns=("name", "unit"))
        assert len(listed) == store.count("team") == len(whole["team"]) - 1
        assert team["id"] not in {r["id"] for r in listed}
        assert all(r["team_name"] != team["name"] for r in ledger_rows(store))
        assert sum(r["participant_count"] for r in ledger_rows(store)) == store.count("participant")
        for entry_id in entries:
            trash.restore(store, entry_id)
        assert state(store) == whole and stats.campaign_stats(store, today=TODAY) == figures


def test_a_record_whose_owner_is_gone_waits_for_it(store, world):
    leave_roster(store, world["team"], world["li"])   # 李娜 leaves, her hours with her
    left = trash.entries(store)[0]["id"]
    gone = store.delete("team", world["team"])
    with pytest.raises(RestoreRefused, match="无法恢复队员“李娜（供电公司职工志愿服务队）”：它所属的志愿服务队"
                                              "已不存在，"
                                              "请先在回收站中恢复志愿服务队“供电公司职工志愿服务队”"):
        trash.restore(store, left)
    assert store.count("member") == 0 and len(trash.entries(store)) == 2   # nothing written
    trash.restore(store, gone)
    trash.restore(store, left)
    assert {m["name"] for m in store.rows("member")} == {"张伟", "李娜"} and store.count("participant") == 2


def test_a_purged_owner_is_said_to_be_gone_for_good(store, world):
    left = store.delete("participant", store.rows("participant", where="member_id = ?", params=[world["li"]])[0]["id"])
    trash.purge(store, store.delete("member", world["li"]))
    with pytest.raises(RestoreRefused, match="它所属的队员已不存在（已被彻底删除）"):
        trash.restore(store, left)


def test_an_id_in_use_again_or_an_entry_used_up_is_refused(store, world):
    entry_id = store.delete("household", world["household"])
    back = state(store)
    with store.transaction():   # as an import of an older export would bring it back
        store.db.execute("INSERT INTO household (id, unit, created_at, updated_at, name) "
                         "VALUES (?, 'u', 'x', 'x', '王芳')", [world["household"]])
    with pytest.raises(RestoreRefused, match="无法恢复困难职工“王芳”：它已在数据库中"):
        trash.restore(store, entry_id)
    with store.transaction():
        store.db.execute("DELETE FROM household WHERE id = ?", [world["household"]])
    assert state(store) == back
    trash.restore(store, entry_id)
    with pytest.raises(RestoreRefused, match="回收站中已没有这条记录"):
        trash.restore(store, entry_id)


def test_a_loose_link_to_a_record_gone_meanwhile_is_left_empty(store, world):
    planned = store.insert("activity", {"title": "送清凉", "starts_at": "2026-09-08T09:00",
                                        "ends_at": "2026-09-08T10:00", "category": "便民利民",
                                        "team_id": world["team"]})
    entry_id = store.delete("activity", planned)
    store.delete("team", world["team"])
    trash.restore(store, entry_id)
    assert store.get("activity", planned)["team_id"] is None


def test_rows_that_need_a_record_gone_meanwhile_are_refused(store, world):
    entry_id = store.delete("activity", world["other"])   # with 李娜's hours
    store.delete("team", world["team"])
    with pytest.raises(RestoreRefused, match="无法恢复志愿服务活动“清扫街道”：其中的参加人员所需的队员已不存在，"
                                              "请先在回收站中恢复志愿服务队“供电公司职工志愿服务队”"):
        trash.restore(store, entry_id)


def test_a_loose_link_set_again_elsewhere_is_kept(store, world):
    entry_id = store.delete("activity", world["activity"])
    other = store.insert("activity", {"title": "另一活动", "starts_at": "2026-09-01T09:00",
                                      "ends_at": "2026-09-01T10:00", "category": "扶老助残"})
    store.update("publicity", world["report"], {"activity_id": other})   # the report now belongs elsewhere
    trash.restore(store, entry_id)
    assert store.get("publicity", world["report"])["activity_id"] == other


def test_hours_that_no_longer_fit_their_activity_are_refused(store, world):
    entry_id = store.delete("participant", store.rows("participant", where="activity_id = ?",
                                                      params=[world["activity"]])[0]["id"])
    store.update("activity", world["activity"], {"ends_at": "2026-09-01T10:00"})   # now 1 hour, not 3
    with pytest.raises(RestoreRefused, match="无法恢复参加人员“张伟（社区义诊）”：参加人员张伟的服务时长"):
        trash.restore(store, entry_id)


def test_a_working_group_still_visited_is_not_deleted(store, world):
    with pytest.raises(StoreError, match="工作组“第一工作组”仍被走访企业、走访困难职工引用，不能删除"):
        store.delete("working_group", world["group"])
    assert store.get("working_group", world["group"]) and trash.entries(store) == []
    with pytest.raises(StoreError, match="要删除的工作组记录已不存在"):
        store.delete("working_group", "no-such-id")


def test_a_rolled_back_delete_leaves_no_entry(store, world):
    whole = state(store)
    with pytest.raises(ZeroDivisionError), store.transaction():
        store.delete("team", world["team"])
        raise ZeroDivisionError
    assert state(store) == whole and trash.entries(store) == []


# -- purging -------------------------------------------------------------------------------------------------------
def deleted_days_ago(store, entry_id, days):
    when = (dt.datetime.now().astimezone() - dt.timedelta(days=days)).isoformat(timespec="seconds")
    with store.transaction():
        store.db.execute("UPDATE trash SET deleted_at = ? WHERE id = ?", [when, entry_id])


def test_purge_by_age_by_entry_and_all(store, world):
    old, recent = store.delete("team", world["team"]), store.delete("household", world["household"])
    third = store.delete("honor", store.insert("honor", {"category": "工人先锋号", "subject_kind": "个人",
                                                         "name": "赵强"}))
    deleted_days_ago(store, old, 91)
    deleted_days_ago(store, recent, 89)
    assert trash.purge(store, older_than_days=90) == 1
    assert [e["id"] for e in trash.entries(store)] == [third, recent]
    assert trash.purge(store, third) == 1 and [e["id"] for e in trash.entries(store)] == [recent]
    with pytest.raises(StoreError, match="回收站中已没有这条记录"):
        trash.purge(store, third)
    assert trash.purge(store) == 1 and trash.entries(store) == []
    assert store.count("team") == store.count("household") == 0   # purged is gone for good


def test_expired_entries_go_when_the_file_opens(db_path, store, world):
    store.settings.set({"trash_days": 30})
    old, young = store.delete("team", world["team"]), store.delete("household", world["household"])
    deleted_days_ago(store, old, 31)
    deleted_days_ago(store, young, 29)
    store.close()
    with Store.open(db_path, read_only=True) as ro:   # a read-only window purges nothing
        assert len(trash.entries(ro)) == 2
    with Store.open(db_path) as again:
        assert [e["id"] for e in trash.entries(again)] == [young]


def test_the_keeping_period_defaults_to_ninety_days(store):
    assert trash.keep_days(store) == 90 and store.settings.campaign()["trash_days"] == 90
    with store.transaction():   # a file made before the setting existed
        store.db.execute("DELETE FROM settings WHERE key = 'trash_days'")
    assert trash.keep_days(store) == 90 and store.settings.campaign()["trash_days"] == 90
    store.settings.set({"trash_days": 7})
    assert trash.keep_days(store) == 7


def test_attachment_files_stay_while_in_the_trash_and_go_with_the_purge(store, world, tmp_path):
    record = store.get("attachment", world["attachment"])
    path = att.file_path(store, record)
    os.utime(path, (1, 1))   # old enough for the sweep at open
    entry_id = store.delete("activity", world["activity"])
    att.delete_activity(store, world["other"])
    assert path.exists() and att.purge_orphans(store) == []   # the 回收站 still names it
    trash.restore(store, entry_id)
    assert att.exists(store, store.get("attachment", world["attachment"]))
    att.remove_attachment(store, world["attachment"])          # taken off the activity: to the 回收站 as well
    assert path.exists() and att.purge_orphans(store) == []
    trash.purge(store, trash.entries(store)[0]["id"])
    assert not path.exists() and att.stored_files(store) == []


def test_a_purge_keeps_a_file_another_record_still_names(store, world, tmp_path):
    same = tmp_path / "copy.jpg"
    same.write_bytes(b"\xff\xd8\xff a photo")
    att.add_attachment(store, world["other"], same)
    path = att.file_path(store, store.get("attachment", world["attachment"]))
    trash.purge(store, store.delete("activity", world["activity"]))
    assert path.exists() and len(att.stored_files(store)) == 1
