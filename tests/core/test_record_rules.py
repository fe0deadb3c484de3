"""Rules across records, checked by the store inside every write: a participant's minutes never exceed its
activity's duration, whichever record is written (core.record_rules)."""
import pytest

from leifeng_desktop.core import record_rules
from leifeng_desktop.core import service_record as sr
from leifeng_desktop.core.validation import ValidationError


@pytest.fixture
def members(store, team_values):
    team = store.insert("team", team_values)
    return [store.insert("member", {"team_id": team, "name": name}) for name in ("张伟", "李娜")]


@pytest.fixture
def activity_id(store):
    return store.insert("activity", {"title": "社区义诊", "starts_at": "2026-09-01T09:00",
                                     "ends_at": "2026-09-01T11:00", "category": "扶老助残"})


def test_a_participant_with_more_minutes_than_the_activity_is_refused(store, members, activity_id):
    with pytest.raises(ValidationError) as err:
        store.insert("participant", {"activity_id": activity_id, "member_id": members[0], "minutes": 121})
    assert err.value.errors == {"minutes": "参加人员张伟的服务时长（2.02小时）超过了活动《社区义诊》的时长（2小时）"}
    assert store.count("participant") == 0
    store.insert("participant", {"activity_id": activity_id, "member_id": members[0], "minutes": 120})


def test_a_participant_updated_beyond_the_duration_is_refused(store, members, activity_id):
    pid = store.insert("participant", {"activity_id": activity_id, "member_id": members[1], "minutes": 60})
    with pytest.raises(ValidationError) as err:
        store.update("participant", pid, {"minutes": 180})
    assert "李娜的服务时长（3小时）超过了活动《社区义诊》的时长（2小时）" in err.value.errors["minutes"]
    assert store.get("participant", pid)["minutes"] == 60


def test_an_activity_shortened_below_its_participants_is_refused(store, members, activity_id):
    for member, minutes in zip(members, (120, 90)):
        store.insert("participant", {"activity_id": activity_id, "member_id": member, "minutes": minutes})
    with pytest.raises(ValidationError) as err:
        store.update("activity", activity_id, {"ends_at": "2026-09-01T10:00"})
    assert err.value.errors == {"ends_at": "活动《社区义诊》的时长（1小时）短于参加人员张伟（2小时）、李娜（1.5小时）"
                                           "的服务时长，请先改短他们的服务时长"}
    assert store.get("activity", activity_id)["ends_at"] == "2026-09-01T11:00"
    store.update("activity", activity_id, {"ends_at": "2026-09-01T11:30", "title": "义诊"})   # longer is fine
    store.update("activity", activity_id, {"starts_at": "2026-09-01T09:30"})               # exactly 2 h


def test_save_activity_shortens_the_activity_and_its_minutes_together(store, members, activity_id):
    pid = store.insert("participant", {"activity_id": activity_id, "member_id": members[0], "minutes": 120})
    sr.save_activity(store, activity_id, {"ends_at": "2026-09-01T10:00"},
                     [{"id": pid, "member_id": members[0], "minutes": 60}])
    assert store.get("activity", activity_id)["ends_at"] == "2026-09-01T10:00"
    assert store.get("participant", pid)["minutes"] == 60
    # and lengthens both together, the participant row written after the activity
    sr.save_activity(store, activity_id, {"ends_at": "2026-09-01T13:00"},
                     [{"id": pid, "member_id": members[0], "minutes": 240}])
    assert store.get("participant", pid)["minutes"] == 240


def test_save_activity_checks_the_final_state_even_past_its_own_precheck(store, members, activity_id, monkeypatch):
    """The row check before the transaction is for the table's messages; the store's rule is what holds."""
    monkeypatch.setattr(sr, "check_participants", lambda activity, rows: {})
    with pytest.raises(ValidationError) as err:
        sr.save_activity(store, activity_id, {"ends_at": "2026-09-01T10:00"},
                         [{"member_id": members[0], "minutes": 90}])
    assert "张伟（1.5小时）" in err.value.errors["participants"]
    assert store.get("activity", activity_id)["ends_at"] == "2026-09-01T11:00"
    assert store.count("participant") == 0


def test_the_table_message_comes_from_the_same_rule():
    limit = record_rules.activity_minutes({"starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T12:30"})
    assert limit == 210
    assert sr.check_participants({"starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T12:30"},
                                 [{"member_id": "m", "minutes": 211}]) == {0: record_rules.minutes_problem(211, 210)}
    assert record_rules.minutes_problem(210, 210) is None and record_rules.minutes_problem(5, None) is None


def test_deferred_blocks_nest_and_forget_their_store(store):
    with store.transaction(), record_rules.deferred(store):
        with record_rules.deferred(store):
            assert store in record_rules._deferred
        assert store in record_rules._deferred
    assert store not in record_rules._deferred
