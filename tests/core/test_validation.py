"""The validation table: every rule gives its Chinese message beside its field."""
import pytest
from stdnum.cn import ric

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.validation import (
    check_field,
    fen_to_yuan,
    hours_to_minutes,
    minutes_to_hours,
    normalize,
    validate,
    yuan_to_fen,
)


def valid_ric(body17="11010119900307991"):
    return body17 + ric.calc_check_digit(body17 + "0")


CHOICES = {name: list(items) for name, (_, items) in s.CHOICE_LISTS.items()}
MEMBER = s.RECORD_TYPES["member"]
TEAM = s.RECORD_TYPES["team"]
VISIT = s.RECORD_TYPES["enterprise_visit"]


@pytest.mark.parametrize("rt,key,value,message", [
    (TEAM, "name", "", "请填写队伍名称"),
    (TEAM, "name", "   ", "请填写队伍名称"),
    (TEAM, "name", "队" * 61, "不能超过60字"),
    (TEAM, "name", "坏\x07名字", "控制字符"),
    (TEAM, "kind", "篮球队", "不是队伍类型的可选项"),
    (TEAM, "founded_on", "2026-02-30", "应为日期"),
    (TEAM, "founded_on", "26/08/25", "应为日期"),        # 2026/08/25 is now normalised (test_values.py)
    (TEAM, "founded_on", "2026-08-25 09:00", "应为日期"),
    (TEAM, "founded_on", "1850-01-01", "1900 年至 2100 年"),
    (s.RECORD_TYPES["aid"], "date", "1999-12-31", "2000 年至 2100 年"),
    (TEAM, "leader_phone", "1381234567", "11位手机号"),
    (TEAM, "leader_phone", "12812345678", "11位手机号"),
    (TEAM, "categories", ["扶老助残", "打篮球"], "不在选项内"),
    (MEMBER, "id_number", valid_ric()[:-1] + ("0" if valid_ric()[-1] != "0" else "1"), "校验位"),
    (MEMBER, "id_number", "1101011990030799", "18位"),
    (MEMBER, "id_number", valid_ric("11010119901307991"), "出生日期或地区"),
    (MEMBER, "birth_month", "1985-13", "应为年月"),
    (VISIT, "uscc", "91110000600037341A", "校验位"),
    (VISIT, "workers", -3, "不能为负数"),
    (s.RECORD_TYPES["household"], "other_causes", ["失业", "下岗", "灾害", "残疾"], "最多选3项"),
    (s.RECORD_TYPES["aid"], "amount", 12.5, "以分为单位的整数"),
    (s.RECORD_TYPES["publicity"], "link", "www.example.com", "http"),
    (s.RECORD_TYPES["activity"], "starts_at", "2026-08-25", "日期和时间"),
    (s.RECORD_TYPES["activity"], "starts_at", "2026-08-25 25:00", "日期和时间"),
    (s.RECORD_TYPES["unit"], "expected", 7, "应为“是”或“否”"),
    (s.RECORD_TYPES["unit"], "expected", "是", "应为“是”或“否”"),
    (s.RECORD_TYPES["household"], "income", 10**23, "不能超过10000000.00元"),
    (s.RECORD_TYPES["household"], "family_size", 51, "不能超过50"),
    (s.RECORD_TYPES["participant"], "minutes", 60 * 24 * 367, "小时"),
    (TEAM, "name", "队\ud800名", "无效字符（U+D800）"),
    (TEAM, "name", "队\ufffe名", "无效字符（U+FFFE）"),
    (TEAM, "name", "队\ufdd0名", "无效字符（U+FDD0）"),
    (TEAM, "intro", "简介\U0010ffff", "无效字符（U+10FFFF）"),
    (TEAM, "intro", "简介\x0b第二段", "控制字符（U+000B）"),
    (TEAM, "area", "一行\r二行", "换行"),
    (TEAM, "categories", ["扶老助残\ufffe"], "无效字符"),
])
def test_bad_value_gets_its_message(rt, key, value, message):
    f = rt.field(key)
    assert message in (check_field(f, normalize(f, value), CHOICES) or "")


@pytest.mark.parametrize("rt,key,value", [
    (TEAM, "leader_phone", "13812345678"),
    (TEAM, "leader_phone", "010-12345678"),
    (TEAM, "leader_phone", "0571-8765432"),
    (TEAM, "leader_phone", "(0571)87654321"),
    (TEAM, "founded_on", "2026-08-25"),
    (TEAM, "intro", "第一行\n第二行\t缩进 <b>不是HTML</b> ' OR 1=1 --"),
    (MEMBER, "id_number", valid_ric()),
    (MEMBER, "id_number", " " + valid_ric().lower() + " "),
    (VISIT, "uscc", "91110000600037341L"),
    (VISIT, "uscc", ""),
    (s.RECORD_TYPES["aid"], "amount", 0),
    (s.RECORD_TYPES["activity"], "starts_at", "2026-08-25T09:00"),
    (s.RECORD_TYPES["activity"], "starts_at", "2026-8-25 9:00"),
    (s.RECORD_TYPES["unit"], "expected", True),
    (s.RECORD_TYPES["unit"], "expected", 0),
    (MEMBER, "birth_month", "1985年6月"),
    (s.RECORD_TYPES["household"], "income", 10_000_000_00),
])
def test_good_value_passes(rt, key, value):
    f = rt.field(key)
    assert check_field(f, normalize(f, value), CHOICES) is None


def test_validate_collects_every_field_and_cross_checks():
    errors = validate(s.RECORD_TYPES["activity"], {"title": "", "starts_at": "2026-08-25T10:00",
                                                   "ends_at": "2026-08-25T09:00", "category": "扶老助残"}, CHOICES)
    assert errors == {"title": "请填写活动名称", "ends_at": "结束时间不能早于开始时间"}


def test_partial_validation_checks_only_given_keys():
    assert validate(TEAM, {"area": "广场"}, CHOICES, partial=True) == {}


@pytest.mark.parametrize("text,fen", [("1200", 120000), ("350.5", 35050), ("0.01", 1), ("1,234.56元", 123456),
                                      (7, 700)])
def test_yuan_to_fen_is_exact(text, fen):
    assert yuan_to_fen(text) == fen
    assert isinstance(yuan_to_fen(text), int)


@pytest.mark.parametrize("text,message", [("12.345", "两位小数"), ("-5", "负数"), ("abc", "数字"), ("NaN", "数字")])
def test_yuan_to_fen_refuses(text, message):
    with pytest.raises(ValueError, match=message):
        yuan_to_fen(text)


def test_money_and_hours_round_trip_without_float():
    assert fen_to_yuan(123456) == "1234.56"
    assert fen_to_yuan(None) == ""
    assert hours_to_minutes("1.5") == 90
    assert minutes_to_hours(90) == "1.5"
    assert minutes_to_hours(120) == "2"
    with pytest.raises(ValueError):
        hours_to_minutes("1.2345")


def test_every_choice_field_names_a_known_list():
    for rt in s.RECORD_TYPES.values():
        for f in rt.fields:
            assert f.type in s.TYPES, (rt.key, f.key)
            if f.type in (s.CHOICE, s.MULTI):
                assert f.choices in s.CHOICE_LISTS, (rt.key, f.key)
            if f.type == s.REF:
                assert f.ref in s.RECORD_TYPES, (rt.key, f.key)
            if f.check in (s.RIC, s.PHONE):
                assert f.sensitive, (rt.key, f.key)
