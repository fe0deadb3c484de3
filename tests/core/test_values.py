"""One rule per value (core.values): whichever path a value takes — Store.insert/update, Settings, validate() as
the window calls it, an .xlsx cell — it is stored in the same form or refused with the same Chinese message."""
import datetime as dt

import pytest

from leifeng_desktop.core import schema as s
from leifeng_desktop.core import values as v
from leifeng_desktop.core.validation import ValidationError, check_field, normalize, validate
from leifeng_desktop.core.xlsx_values import convert

CHOICES = {name: list(items) for name, (_, items) in s.CHOICE_LISTS.items()}
DATE = s.AID.field("date")
MONTH = s.MEMBER.field("birth_month")
DATETIME = s.ACTIVITY.field("starts_at")


@pytest.mark.parametrize("raw", ["2026-9-1", "2026/9/1", "2026.9.1", "2026年9月1日", "2026 年 9 月 1 日", "20260901",
                                 "２０２６－０９－０１", " 2026-09-01 ", "2026-09-01", dt.date(2026, 9, 1),
                                 dt.datetime(2026, 9, 1, 15, 30)])
def test_loose_dates_are_stored_padded(raw):
    assert normalize(DATE, raw) == "2026-09-01"
    assert check_field(DATE, normalize(DATE, raw)) is None


@pytest.mark.parametrize("raw", ["1985-6", "1985/6", "1985.6", "1985年6月", "198506", "1985-06-12", "1985年6月12日",
                                 dt.date(1985, 6, 12)])
def test_loose_months_are_stored_padded(raw):
    assert normalize(MONTH, raw) == "1985-06"


@pytest.mark.parametrize("raw,stored", [
    ("2026-9-1 9:00", "2026-09-01T09:00"), ("2026/09/01 09:05:59", "2026-09-01T09:05"),
    ("2026-09-01T09:00:00", "2026-09-01T09:00"), ("2026年9月1日9时30分", "2026-09-01T09:30"),
    ("2026年9月1日 9:30", "2026-09-01T09:30"), ("2026.9.1 14：00", "2026-09-01T14:00"),
    (dt.datetime(2026, 9, 1, 9, 0, 42), "2026-09-01T09:00"),
])
def test_loose_datetimes_are_stored_to_the_minute(raw, stored):
    assert normalize(DATETIME, raw) == stored


@pytest.mark.parametrize("field,raw,message", [
    (DATE, "2026-02-30", "帮扶日期应为日期，如 2026-08-25"),
    (DATE, "26-9-1", "应为日期"),
    (DATE, "2026-9", "应为日期"),
    (DATE, "明天", "应为日期"),
    (DATE, "2026-09-01 09:00", "应为日期"),
    (DATE, "1999-12-31", "帮扶日期的年份应在 2000 年至 2100 年之间"),
    (DATE, "2101-01-01", "2000 年至 2100 年"),
    (MONTH, "1985-13", "出生年月应为年月，如 1985-06"),
    (MONTH, "1899-12", "出生年月的年份应在 1900 年至 2100 年之间"),
    (DATETIME, "2026-09-01", "开始时间应为日期和时间"),
    (DATETIME, "2026-09-01 24:00", "应为日期和时间"),
    (DATETIME, "2026-09-01 9:60", "应为日期和时间"),
    (DATETIME, "0206-09-01 09:00", "年份应在 2000 年至 2100 年之间"),
])
def test_other_dates_are_refused_in_chinese(field, raw, message):
    assert message in (check_field(field, normalize(field, raw)) or "")


def test_every_date_field_has_a_sensible_year_range():
    for rt in s.RECORD_TYPES.values():
        for f in rt.fields:
            if f.type in s.DATE_TYPES:
                first, last = f.year_range
                assert 1900 <= first < last <= 2100, (rt.key, f.key)
                assert (first == 1900) == (f.key in ("birth_month", "birth_date", "founded_on")), (rt.key, f.key)


def test_store_insert_and_update_store_the_padded_form(store):
    team = store.insert("team", {"name": "队", "kind": CHOICES["team_kind"][0], "unit": "工会", "leader": "王",
                                 "leader_phone": "13812345678", "founded_on": "2026/9/1"})
    assert store.get("team", team)["founded_on"] == "2026-09-01"
    store.update("team", team, {"founded_on": "2026年10月2日"})
    assert store.get("team", team)["founded_on"] == "2026-10-02"
    member = store.insert("member", {"team_id": team, "name": "李", "birth_month": "1985.6"})
    assert store.get("member", member)["birth_month"] == "1985-06"
    with pytest.raises(ValidationError) as err:
        store.update("team", team, {"founded_on": "2026-9-31"})
    assert err.value.errors == {"founded_on": "成立日期应为日期，如 2026-08-25"}
    assert str(err.value) == "成立日期应为日期，如 2026-08-25"
    assert store.get("team", team)["founded_on"] == "2026-10-02"


def test_settings_store_the_padded_form(store):
    store.settings.set({"summary_deadline": "2026-12-1"})
    assert store.settings.get("summary_deadline") == "2026-12-01"


@pytest.mark.parametrize("raw,stored", [(dt.datetime(2026, 9, 1), "2026-09-01"), (46266, "2026-09-01"),
                                        (46266.0, "2026-09-01"), ("2026.9.1", "2026-09-01"), (20260901, "2026-09-01")])
def test_an_xlsx_cell_takes_the_same_rule(raw, stored):
    assert normalize(DATE, convert(DATE, raw, CHOICES, [])) == stored


def test_an_xlsx_date_out_of_range_gets_the_same_message():
    value = normalize(DATE, convert(DATE, 20001, CHOICES, []))      # a serial number for 1954-10-04
    assert check_field(DATE, value) == "帮扶日期的年份应在 2000 年至 2100 年之间"


# -- numbers and booleans ---------------------------------------------------------------------------------------
def number_fields():
    from leifeng_desktop.core.settings import CAMPAIGN
    for rt in (*s.RECORD_TYPES.values(), CAMPAIGN):
        for f in rt.fields:
            if f.type in (s.INT, s.MONEY, s.HOURS):
                yield rt, f


def test_every_number_field_has_a_maximum_sqlite_can_hold():
    fields = list(number_fields())
    assert len(fields) >= 10
    for rt, f in fields:
        assert f.maximum is not None and f.maximum < 2**63, (rt.key, f.key)


@pytest.mark.parametrize("rt,f", list(number_fields()), ids=lambda x: getattr(x, "key", ""))
def test_a_number_beyond_the_maximum_is_refused(rt, f):
    assert check_field(f, f.maximum) is None
    assert "不能超过" in check_field(f, f.maximum + 1)
    assert "不能超过" in check_field(f, 10**25)
    assert check_field(f, -1) == (f"{f.label}不能为负数" if f.minimum == 0 else f"{f.label}不能小于{f.minimum}")


def test_a_huge_number_is_a_validation_error_not_an_overflow(store):
    with pytest.raises(ValidationError) as err:
        store.insert("household", {"name": "张三", "income": 10**25})
    assert err.value.errors == {"income": "家庭月人均收入不能超过10000000.00元"}
    assert store.count("household") == 0


@pytest.mark.parametrize("value,stored", [(True, 1), (False, 0), (1, 1), (0, 0)])
def test_booleans_take_booleans(store, value, stored):
    unit = store.insert("unit", {"name": "某工会", "expected": value})
    assert store.get("unit", unit)["expected"] == stored


@pytest.mark.parametrize("value", [7, -1, 2, "是", "true", 1.0])
def test_a_boolean_refuses_anything_else(store, value):
    with pytest.raises(ValidationError) as err:
        store.insert("unit", {"name": "某工会", "expected": value})
    assert err.value.errors == {"expected": "应报送应为“是”或“否”"}


# -- text -------------------------------------------------------------------------------------------------------
NAME, INTRO = s.TEAM.field("name"), s.TEAM.field("intro")


@pytest.mark.parametrize("ch,shown", [("\ud800", "无效字符（U+D800）"), ("\udfff", "无效字符（U+DFFF）"),
                                      ("\ufffe", "无效字符（U+FFFE）"), ("\uffff", "无效字符（U+FFFF）"),
                                      ("\ufdd0", "无效字符（U+FDD0）"), ("\ufdef", "无效字符（U+FDEF）"),
                                      ("\U0001fffe", "无效字符（U+1FFFE）"), ("\x00", "不可见的控制字符（U+0000）"),
                                      ("\x1b", "不可见的控制字符（U+001B）"), ("\x7f", "不可见的控制字符（U+007F）"),
                                      ("\x0c", "不可见的控制字符（U+000C）")])
def test_bad_characters_are_refused_naming_the_field(ch, shown):
    for f in (NAME, INTRO):
        assert check_field(f, normalize(f, f"雷锋{ch}精神")) == f"{f.label}含有{shown}，请删除后再保存"


def test_line_breaks_only_in_long_text():
    assert check_field(NAME, normalize(NAME, "一\n二")) == "队伍名称含有换行或制表符，请改为一行"
    assert check_field(NAME, normalize(NAME, "一\t二")) == "队伍名称含有换行或制表符，请改为一行"
    assert check_field(INTRO, normalize(INTRO, "\t一\r\n二\r三")) is None
    assert normalize(INTRO, "\t一\r\n二\r三\n") == "\t一\n二\n三"


def test_a_lone_surrogate_is_a_validation_error_not_an_encoding_error(store):
    with pytest.raises(ValidationError) as err:
        store.insert("household", {"name": "张\udc80三"})
    assert err.value.errors == {"name": "姓名含有无效字符（U+DC80），请删除后再保存"}
    str(err.value).encode("utf-8")      # the message itself can be printed
    assert store.count("household") == 0


def test_other_unusual_characters_are_kept(store):
    text = "𠀀 emoji 😀 e\u0301 \u200b 全角　空格 \x85 \ue000"
    team = store.insert("team", {"name": "队", "kind": CHOICES["team_kind"][0], "unit": "工会", "leader": "王",
                                 "leader_phone": "13812345678", "intro": text})
    assert store.get("team", team)["intro"] == "𠀀 emoji 😀 \u00e9 \u200b 全角　空格 \x85 \ue000"


def test_validate_refuses_a_bad_choice_without_echoing_the_bad_character():
    errors = validate(s.TEAM, {"kind": "服务队\ud800"}, CHOICES, partial=True)
    assert errors == {"kind": "队伍类型含有无效字符（U+D800），请删除后再保存"}


def test_choice_lists_and_document_texts_refuse_bad_characters_too(store):
    from leifeng_desktop.core import texts
    with pytest.raises(ValidationError) as err:
        store.settings.set_choices("gender", ["男", "女\ud800"])
    assert err.value.errors == {"choices.gender": "性别的选项含有无效字符（U+D800），请删除后再保存"}
    with pytest.raises(ValidationError) as err:
        store.settings.set_choices("gender", ["男", "女\t性"])
    assert "换行或制表符" in err.value.errors["choices.gender"]
    part = texts.PARTS["summary"][0].key
    with pytest.raises(ValidationError) as err:
        texts.save_texts(store, "summary", {part: "正文\ufffe"})
    assert err.value.errors == {part: "含有无效字符（U+FFFE），请删除后再保存"}
    texts.save_texts(store, "summary", {part: "第一段\r\n\t第二段"})


def test_dates_stored_before_the_rule_are_padded_by_pad_stored_dates(store):
    team = store.insert("team", {"name": "队", "kind": CHOICES["team_kind"][0], "unit": "工会", "leader": "王",
                                 "leader_phone": "13812345678"})
    member = store.insert("member", {"team_id": team, "name": "李"})
    aid = store.insert("activity", {"title": "义诊", "starts_at": "2026-09-01T09:00", "ends_at": "2026-09-01T10:00",
                                    "category": CHOICES["service_category"][0]})
    with store.transaction():     # what an older version let through
        store.db.execute("UPDATE team SET founded_on = '2026-9-1' WHERE id = ?", [team])
        store.db.execute("UPDATE member SET birth_month = '1985.6' WHERE id = ?", [member])
        store.db.execute("UPDATE activity SET starts_at = '2026-09-01T09:00:00', ends_at = 'soon' WHERE id = ?", [aid])
        store.db.execute("UPDATE settings SET value = '\"2026-8-25\"' WHERE key = 'registration_deadline'")
    with store.transaction():
        assert v.pad_stored_dates(store.db) == 4
    assert store.get("team", team)["founded_on"] == "2026-09-01"
    assert store.get("member", member)["birth_month"] == "1985-06"
    assert (store.get("activity", aid)["starts_at"], store.get("activity", aid)["ends_at"]) == ("2026-09-01T09:00",
                                                                                                "soon")
    assert store.settings.get("registration_deadline") == "2026-08-25"
    with store.transaction():
        assert v.pad_stored_dates(store.db) == 0
