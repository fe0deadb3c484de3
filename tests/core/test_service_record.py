"""Service records: hours rules, overlap and duplicate warnings, one member's record, everyone's hours, and saving
an activity with its participants and reports in one transaction."""
import pytest

from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.validation import ValidationError


def activity(day="2026-09-01", start="09:00", end="12:30", **kw):
    return {"title": "社区义诊", "starts_at": f"{day}T{start}", "ends_at": f"{day}T{end}", "category": "扶老助残",
            **kw}


@pytest.fixture
def team(store, team_values):
    return store.insert("team", team_values)


@pytest.fixture
def members(store, team):
    return [store.insert("member", {"team_id": team, "name": name}) for name in ("张伟", "李娜", "王芳")]


def test_activity_minutes():
    assert sr.activity_minutes(activity()) == 210
    assert sr.activity_minutes({"starts_at": "2026-09-01T23:00", "ends_at": "2026-09-02T01:15:00"}) == 135
    assert sr.activity_minutes({"starts_at": "2026-09-01T10:00", "ends_at": "2026-09-01T09:00"}) is None
    assert sr.activity_minutes({"starts_at": "2026-09-01", "ends_at": None}) is None


def test_check_participants_over_duration_non_positive_and_twice():
    rows = [{"member_id": "a", "minutes": 210}, {"member_id": "b", "minutes": 211}, {"member_id": "c", "minutes": 0},
            {"member_id": "a", "minutes": 60}, {"member_id": None, "minutes": 30}, {"member_id": "d", "minutes": None},
            {"member_id": "e", "minutes": -5}]
    errors = sr.check_participants(activity(), rows)
    assert errors == {1: "服务时长不能超过活动时长（3.5小时）", 2: "服务时长应大于0",
                      3: "同一队员重复登记（与第1行相同）", 4: "请选择队员", 5: "请填写服务时长", 6: "服务时长应大于0"}
    # without readable times there is no duration to exceed
    assert sr.check_participants({"starts_at": ""}, [{"member_id": "a", "minutes": 999}]) == {}


def test_overlaps_and_warnings(store, members):
    first = sr.save_activity(store, None, activity(title="上午义诊"), [{"member_id": members[0], "minutes": 200}])
    found = sr.overlaps(store, members[0], "2026-09-01T12:00", "2026-09-01T14:00")
    assert [a["title"] for a in found] == ["上午义诊"]
    assert sr.overlaps(store, members[0], "2026-09-01T12:30", "2026-09-01T14:00") == []    # touching ends
    assert sr.overlaps(store, members[1], "2026-09-01T10:00", "2026-09-01T11:00") == []    # someone else
    assert sr.overlaps(store, members[0], "2026-09-01T10:00", "2026-09-01T11:00:00", exclude_activity_id=first) == []
    warnings = sr.overlap_warnings(store, activity(start="11:00", end="13:00"),
                                   [{"member_id": members[1]}, {"member_id": members[0]}])
    assert warnings == {1: "该队员同一时间还参加了《上午义诊》"}


def test_duplicate_activity(store, team, members):
    first = sr.save_activity(store, None, activity(team_id=team), [])
    twin = sr.duplicate_activity(store, team, " 社区义诊 ", "2026-09-01T09:00:00")
    assert twin["id"] == first
    assert sr.duplicate_activity(store, team, "社区义诊", "2026-09-01T09:00", exclude_id=first) is None
    assert sr.duplicate_activity(store, team, "社区义诊", "2026-09-02T09:00") is None
    assert sr.duplicate_activity(store, None, "社区义诊", "2026-09-01T09:00") is None
    loose = sr.save_activity(store, None, activity(title="无队伍活动"), [])
    assert sr.duplicate_activity(store, None, "无队伍活动", "2026-09-01T09:00")["id"] == loose


def seed(store, members):
    """Five activities across three months; 张伟 in four of them."""
    plan = [("2026-08-31", [(0, 120), (1, 90)]), ("2026-09-01", [(0, 150)]), ("2026-09-15", [(0, 45), (2, 60)]),
            ("2026-09-30", [(0, 200), (1, 200)]), ("2026-10-01", [(1, 30)])]
    for n, (day, people) in enumerate(plan):
        sr.save_activity(store, None, activity(day=day, title=f"活动{n}", category=["扶老助残", "便民利民"][n % 2]),
                         [{"member_id": members[i], "minutes": m} for i, m in people])


def hand_count(store, member_id, date_from=None, date_to=None):
    sql = ("SELECT COUNT(DISTINCT a.id), COALESCE(SUM(p.minutes), 0) FROM participant p JOIN activity a "
           "ON a.id = p.activity_id WHERE p.member_id = ?")
    params = [member_id]
    if date_from:
        sql, params = sql + " AND date(a.starts_at) >= ?", params + [date_from]
    if date_to:
        sql, params = sql + " AND date(a.starts_at) <= ?", params + [date_to]
    return tuple(store.db.execute(sql, params).fetchone())


def test_member_record_totals_match_raw_sql(store, members):
    seed(store, members)
    record = sr.member_record(store, members[0])
    assert (record.activity_count, record.total_minutes) == hand_count(store, members[0]) == (4, 515)
    assert [i.date for i in record.items] == ["2026-08-31", "2026-09-01", "2026-09-15", "2026-09-30"]
    assert record.items[0] == ("2026-08-31", "活动0", "扶老助残", 120, record.items[0].activity_id)
    assert record.member["name"] == "张伟" and record.team["name"] == "供电公司职工志愿服务队"
    assert record.total_hours == "8.58"


def test_member_record_period_is_inclusive_on_the_start_date(store, members):
    seed(store, members)
    record = sr.member_record(store, members[0], date_from="2026-09-01", date_to="2026-09-30")
    assert [i.title for i in record.items] == ["活动1", "活动2", "活动3"]
    assert (record.activity_count, record.total_minutes) == hand_count(store, members[0], "2026-09-01",
                                                                       "2026-09-30") == (3, 395)
    assert sr.member_record(store, members[1], date_from="2026-10-01").total_minutes == 30
    assert sr.member_record(store, members[1], date_to="2026-08-31").activity_count == 1
    with pytest.raises(ValueError, match="找不到该队员"):
        sr.member_record(store, "no-such-id")


def test_members_summary(store, team_values, members):
    seed(store, members)
    other = store.insert("team", {**team_values, "name": "第二队"})
    idle = store.insert("member", {"team_id": other, "name": "赵敏"})
    rows = sr.members_summary(store)
    assert [(r["name"], r["activity_count"], r["total_minutes"]) for r in rows] == [
        ("张伟", 4, 515), ("李娜", 3, 320), ("王芳", 1, 60), ("赵敏", 0, 0)]
    assert rows[0]["team"] == "供电公司职工志愿服务队" and rows[0]["member_id"] == members[0]
    for r in rows:
        assert (r["activity_count"], r["total_minutes"]) == hand_count(store, r["member_id"])
    sept = {r["name"]: (r["activity_count"], r["total_minutes"])
            for r in sr.members_summary(store, date_from="2026-09-01", date_to="2026-09-30")}
    assert sept == {"张伟": (3, 395), "李娜": (1, 200), "王芳": (1, 60), "赵敏": (0, 0)}
    assert [r["member_id"] for r in sr.members_summary(store, team_id=other)] == [idle]


def test_save_activity_inserts_updates_and_removes_children(store, members):
    aid = sr.save_activity(store, None, activity(), [{"member_id": members[0], "minutes": 180}],
                           [{"title": "晚报：社区义诊暖人心", "outlet": "XX晚报"}])
    report = store.rows("publicity", where="activity_id = ?", params=[aid])[0]
    assert (report["kind"], report["date"]) == ("媒体报道", "2026-09-01")
    first = store.rows("participant", where="activity_id = ?", params=[aid])[0]
    sr.save_activity(store, aid, {"title": "社区义诊（第二次）"},
                     [{"id": first["id"], "member_id": members[0], "minutes": 120},
                      {"member_id": members[1], "minutes": 60}], [])
    rows = {r["member_id"]: r["minutes"] for r in store.rows("participant", where="activity_id = ?", params=[aid])}
    assert rows == {members[0]: 120, members[1]: 60}
    assert store.get("activity", aid)["title"] == "社区义诊（第二次）"
    assert store.count("publicity", where="activity_id = ?", params=[aid]) == 0
    sr.save_activity(store, aid, {}, [{"member_id": members[2], "minutes": 30}])
    assert [r["member_id"] for r in store.rows("participant", where="activity_id = ?", params=[aid])] == [members[2]]


def test_bad_participants_and_fields_raise_before_anything_is_written(store, members):
    with pytest.raises(sr.ParticipantErrors) as info:
        sr.save_activity(store, None, activity(title=""), [{"member_id": members[0], "minutes": 300},
                                                           {"member_id": members[0], "minutes": 60}])
    exc = info.value
    assert isinstance(exc, ValidationError)
    assert exc.rows == {0: "服务时长不能超过活动时长（3.5小时）", 1: "同一队员重复登记（与第1行相同）"}
    assert "第1行" in exc.errors["participants"] and exc.errors["title"] == "请填写活动名称"
    with pytest.raises(ValidationError) as info:
        sr.save_activity(store, None, activity(), [], [{"title": "报道", "link": "not a url"}])
    assert "第1条" in info.value.errors["publicity"] and "链接" in info.value.errors["publicity"]
    assert store.count("activity") == store.count("participant") == store.count("publicity") == 0


def test_save_activity_is_one_transaction(store, members, monkeypatch, db_path):
    heard = []
    store.subscribe(heard.append)
    real_insert = Store.insert

    def failing_insert(self, type_key, values, **kw):
        if type_key == "participant" and values["member_id"] == members[1]:
            raise OSError("disk full")
        return real_insert(self, type_key, values, **kw)

    monkeypatch.setattr(Store, "insert", failing_insert)
    with pytest.raises(OSError):
        sr.save_activity(store, None, activity(), [{"member_id": members[0], "minutes": 60},
                                                   {"member_id": members[1], "minutes": 60}],
                         [{"title": "报道"}])
    assert store.count("activity") == store.count("participant") == store.count("publicity") == 0
    assert heard == []
    with Store.open(db_path) as other:    # nothing reached the file either
        assert other.count("activity") == 0
