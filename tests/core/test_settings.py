"""Campaign settings: the seed's defaults on a new file, editable, validated."""
import pytest

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.settings import DEFAULT_GROUPS
from leifeng_desktop.core.store import Store
from leifeng_desktop.core.validation import ValidationError


def test_new_database_has_the_seed_defaults(store):
    c = store.settings.campaign()
    year = c["year"]
    assert c["enterprise_target"] == 40 and c["household_target"] == 80
    assert c["registration_deadline"] == f"{year}-08-25" and c["plan_deadline"] == f"{year}-08-31"
    assert c["demand_reply_days"] == 3 and c["city"] == "XX市"
    assert [g["name"] for g in store.rows("working_group")] == list(DEFAULT_GROUPS)
    choices = store.settings.choices()
    assert len(choices["team_kind"]) == 6 and len(choices["service_category"]) == 7
    assert choices["aid_programme"] == ["送温暖", "送清凉", "金秋助学", "日常救助", "法律援助"]


def test_settings_are_saved_and_survive_reopening(db_path):
    with Store.open(db_path) as st:
        st.settings.set({"city": "广州市", "year": 2013, "enterprise_target": 45, "summary_deadline": "2013-12-20"})
        st.settings.set_choices("service_form", ["广场咨询", "上门服务", "送文化下基层", "网络服务", "其他"])
    with Store.open(db_path) as st:
        c = st.settings.campaign()
        assert (c["city"], c["year"], c["enterprise_target"], c["summary_deadline"]) == ("广州市", 2013, 45,
                                                                                           "2013-12-20")
        assert "网络服务" in st.settings.choices()["service_form"]


@pytest.mark.parametrize("values,key", [
    ({"year": 1800}, "year"),
    ({"city": ""}, "city"),
    ({"registration_deadline": "08-25"}, "registration_deadline"),
    ({"our_unit_kind": "村委会"}, "our_unit_kind"),
    ({"choices.team_kind": []}, "choices.team_kind"),
    ({"choices.team_kind": ["甲", "甲"]}, "choices.team_kind"),
    ({"choices.nonsense": ["甲"]}, "choices.nonsense"),
    ({"choices.team_kind": [f"类型{i}" for i in range(201)]}, "choices.team_kind"),
    ({"choices.team_kind": ["长" * 61]}, "choices.team_kind"),
])
def test_bad_settings_are_refused_and_nothing_changes(store, values, key):
    before = store.settings.campaign(), store.settings.choices()
    with pytest.raises(ValidationError) as err:
        store.settings.set({"operator": "小王", **values})
    assert key in err.value.errors
    assert (store.settings.campaign(), store.settings.choices()) == before


def test_a_choice_list_may_hold_200_items_of_60_characters(store):
    store.settings.set_choices("team_kind", [f"{i:03d}" + "长" * 57 for i in range(200)])
    assert len(store.settings.choices()["team_kind"]) == 200


def test_edited_choice_list_drives_validation(store, team_values):
    kinds = store.settings.choices()["team_kind"]
    store.settings.set_choices("team_kind", kinds + ["青年突击队"])
    store.insert("team", {**team_values, "kind": "青年突击队"})
    assert store.count("team") == 1


def test_settings_change_is_announced(store):
    seen = []
    store.subscribe(seen.append)
    store.settings.set({"operator": "小李"})
    assert seen == ["settings"]


def test_every_campaign_field_has_a_default_or_is_optional():
    from leifeng_desktop.core.settings import CAMPAIGN, campaign_defaults
    values = campaign_defaults()
    for f in CAMPAIGN.fields:
        assert not f.required or values[f.key] not in (None, ""), f.key
    assert all(f.type in s.TYPES for f in CAMPAIGN.fields)


def test_choice_lists_changed_by_another_connection_are_seen(store, db_path):
    from leifeng_desktop.core.store import Store
    assert "其他" in store.settings.choices()["service_form"]
    with Store.open(db_path) as other:
        other.settings.set_choices("service_form", ["广场咨询", "上门服务"])
    assert store.settings.choices()["service_form"] == ["广场咨询", "上门服务"]
    store.settings.set_choices("service_form", ["广场咨询"])
    assert store.settings.choices()["service_form"] == ["广场咨询"]
