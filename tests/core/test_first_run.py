"""The first setup of a database (core.first_run): what the wizard and `init` write, the levels, the first steps."""
import pytest

from leifeng_desktop.core import first_run as fr
from leifeng_desktop.core import texts
from leifeng_desktop.core.errors import StoreError
from leifeng_desktop.core.settings import FIXED_CHOICES, SETUP_DONE
from leifeng_desktop.core.text_drafts import summary_addressee
from leifeng_desktop.core.validation import ValidationError

DISTRICT = {"city": "广州市", "our_unit": "越秀区总工会", "our_unit_kind": "区县总工会", "operator": "王芳",
            "year": 2027}


def test_the_four_levels():
    assert FIXED_CHOICES["our_unit_kind"] == ["市总工会", "区县总工会", "产业工会", "基层工会"]


def test_a_new_file_needs_setup_and_one_with_records_does_not(store, team_values):
    assert not fr.is_set_up(store)
    store.insert("team", team_values)
    assert fr.is_set_up(store), "an older file with records counts as set up"


def test_first_setup_writes_the_settings_and_moves_the_deadlines(store):
    written = fr.first_setup(store, DISTRICT)
    c = store.settings.campaign()
    assert (c["city"], c["our_unit"], c["our_unit_kind"], c["operator"], c["year"]) == \
        ("广州市", "越秀区总工会", "区县总工会", "王芳", 2027)
    assert (c["registration_deadline"], c["plan_deadline"]) == ("2027-08-25", "2027-08-31")
    assert c["addressee"] == "广州市总工会" == written["addressee"]
    assert store.settings.get(SETUP_DONE)
    assert fr.is_set_up(store) and store.is_empty(), "setting up adds no record"
    unit = store.rows("unit")
    assert [(u["name"], u["kind"], u["unit"]) for u in unit] == [("越秀区总工会", "区县工会", "越秀区总工会")]
    assert {g["unit"] for g in store.rows("working_group")} == {"越秀区总工会"}


def test_the_city_level_addresses_the_city_office(store):
    fr.first_setup(store, {**DISTRICT, "our_unit": "广州市总工会", "our_unit_kind": "市总工会"})
    assert store.settings.campaign()["addressee"] == "广州市精神文明建设委员会办公室"
    assert texts.document_unit(store) == ("广州市总工会", True)


@pytest.mark.parametrize("level", ["区县总工会", "产业工会", "基层工会"])
def test_every_other_level_is_a_sub_union_in_documents(store, level):
    fr.first_setup(store, {**DISTRICT, "our_unit_kind": level})
    assert texts.document_unit(store) == ("越秀区总工会", False)
    ctx = texts.context(store)
    assert not ctx.is_city and ctx.we == "我会"
    assert summary_addressee(ctx) == "广州市总工会："
    assert store.settings.campaign()["addressee"] == "广州市总工会"


def test_a_given_addressee_and_deadline_are_kept(store):
    fr.first_setup(store, {**DISTRICT, "addressee": "越秀区文明办", "plan_deadline": "2027-09-15"})
    c = store.settings.campaign()
    assert (c["addressee"], c["plan_deadline"], c["registration_deadline"]) == \
        ("越秀区文明办", "2027-09-15", "2027-08-25")


def test_a_second_setup_is_refused_unless_forced(store):
    fr.first_setup(store, DISTRICT)
    with pytest.raises(StoreError, match="已设置过"):
        fr.first_setup(store, {**DISTRICT, "city": "深圳市"})
    assert store.settings.campaign()["city"] == "广州市"
    fr.first_setup(store, {**DISTRICT, "city": "深圳市"}, force=True)
    assert store.settings.campaign()["city"] == "深圳市"


def test_bad_values_name_their_field_and_write_nothing(store):
    before = store.settings.campaign()
    with pytest.raises(ValidationError) as err:
        fr.first_setup(store, {**DISTRICT, "city": "", "our_unit_kind": "村委会"})
    assert set(err.value.errors) == {"city", "our_unit_kind"}
    assert store.settings.campaign() == before and not fr.is_set_up(store)
    assert [u["name"] for u in store.rows("unit")] == ["XX市总工会"]


def test_forced_on_a_file_with_records_adds_our_unit(store, team_values):
    store.insert("team", team_values)
    fr.first_setup(store, DISTRICT, force=True)
    assert sorted(u["name"] for u in store.rows("unit")) == ["XX市总工会", "越秀区总工会"]


def test_deadlines_move_into_the_year():
    assert fr.year_deadlines(2028, {"registration_deadline": "2024-02-29", "plan_deadline": None}) == \
        {"registration_deadline": "2028-02-29", "plan_deadline": "2028-08-31", "summary_deadline": None,
         "bundle_deadline": None}
    assert fr.year_deadlines(2027, {"registration_deadline": "2024-02-29"})["registration_deadline"] == "2027-02-28"
    assert fr.year_deadlines(2027, {"bundle_deadline": "2026-12-15"})["bundle_deadline"] == "2027-12-15"


def test_first_steps(store, team_values):
    assert fr.first_steps(store) == {"settings": False, "team": False, "registration": False, "activity": False}
    fr.first_setup(store, DISTRICT)
    store.insert("team", team_values)
    assert fr.first_steps(store) == {"settings": True, "team": True, "registration": False, "activity": False}
    assert fr.first_steps(store, registration_exported=True)["registration"]
    store.insert("submission", {"unit": "越秀区总工会", "material": "登记表", "date": "2027-08-20"})
    assert fr.first_steps(store)["registration"]


def test_a_city_saved_in_settings_counts_as_set_up(store):
    store.settings.set({"operator": "王芳"})
    assert not fr.is_set_up(store), "the seed's XX市 is no answer"
    store.settings.set({"city": "广州市"})
    assert fr.is_set_up(store)
