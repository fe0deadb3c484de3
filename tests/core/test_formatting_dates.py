"""core.formatting.cn_date and form_value: the one Chinese-date formatter, giving what the four it replaced gave
(registration.cn_date and format_value, text_drafts.cn_day, certificate._cn), kept here as references."""
import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leifeng_desktop.core import schema as s
from leifeng_desktop.core.formatting import cn_date, display, form_value


# -- the formatters as they were ----------------------------------------------------------------------------------
def old_cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def old_cn_day(iso, *, year=True) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(str(iso)[:10])
    return (f"{day.year}年" if year else "") + f"{day.month}月{day.day}日"


def old_cn(iso) -> str:
    return old_cn_date(dt.date.fromisoformat(iso[:10])) if iso else ""


def old_format_value(field, value, *, reveal=False) -> str:
    if field.type in (s.DATE, s.MONTH) and value and not (field.sensitive and not reveal):
        m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", str(value))
        if m:
            text = f"{int(m[1])}年{int(m[2])}月"
            return text + f"{int(m[3])}日" if m[3] else text
    return display(field, value, reveal=reveal)


DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
DATE_FIELDS = [f for rt in s.RECORD_TYPES.values() for f in rt.fields if f.type in (s.DATE, s.MONTH)]


@settings(max_examples=200, deadline=None)
@given(DAYS, st.sampled_from(["", "T09:00", "T23:59"]))
def test_every_day_as_the_old_formatters_wrote_it(day, time):
    iso = day.isoformat() + time
    assert cn_date(day) == old_cn_date(day) == cn_date(day.isoformat())
    assert cn_date(iso) == old_cn_day(iso) == old_cn(iso)
    assert cn_date(iso, year=False) == old_cn_day(iso, year=False)
    assert cn_date(dt.datetime.combine(day, dt.time(9))) == old_cn_date(day)


@settings(max_examples=100, deadline=None)
@given(DAYS, st.sampled_from(DATE_FIELDS), st.booleans())
def test_form_value_writes_stored_dates_and_months_as_format_value_did(day, field, reveal):
    value = day.isoformat() if field.type == s.DATE else day.isoformat()[:7]
    assert form_value(field, value, reveal=reveal) == old_format_value(field, value, reveal=reveal)


@pytest.mark.parametrize("value, year, want", [
    ("2026-08-25", True, "2026年8月25日"),
    ("2026-08-25", False, "8月25日"),
    ("2026-01-05T09:00", True, "2026年1月5日"),
    ("2026-01-05 09:00", False, "1月5日"),
    ("1980-12", True, "1980年12月"),
    ("1980-12", False, "12月"),
    (dt.date(2026, 3, 1), True, "2026年3月1日"),
    (None, True, ""),
    ("", False, ""),
    ("待定", True, "待定"),            # text that is no date is shown as it is, never an exception
])
def test_cn_date(value, year, want):
    assert cn_date(value, year=year) == want


def test_form_value_leaves_other_fields_and_masked_values_to_display():
    team, member = s.RECORD_TYPES["team"], s.RECORD_TYPES["member"]
    assert form_value(team.field("founded_on"), "2026-08-01") == "2026年8月1日"
    assert form_value(member.field("birth_month"), "1984-02") == "1984年2月"
    assert form_value(team.field("founded_on"), None) == ""
    phone = team.field("leader_phone")
    assert form_value(phone, "13812345678") == display(phone, "13812345678") == "138****5678"
    assert form_value(team.field("categories"), ["扶老助残", "便民利民"]) == "扶老助残、便民利民"


def test_a_sensitive_date_stays_hidden_unless_revealed():
    born = dataclasses.replace(s.RECORD_TYPES["household"].field("birth_date"), sensitive=True)
    assert form_value(born, "1970-05-06") == old_format_value(born, "1970-05-06") == "（已隐藏）"
    assert form_value(born, "1970-05-06", reveal=True) == "1970年5月6日"
