"""The CLI's checked values read dates as the core does: loose but real dates are accepted, padded."""
import datetime as dt

import click
import pytest

from leifeng_desktop.cli.types import Date


@pytest.mark.parametrize("text", ["2026-09-01", "2026-9-1", "2026/9/1", "2026年9月1日", " 2026.9.1 "])
def test_a_loose_date_is_the_same_day(text):
    assert Date().convert(text, None, None) == dt.date(2026, 9, 1)


@pytest.mark.parametrize("text", ["2026-9-1x", "2026-02-30", "1899-01-01", "明天", ""])
def test_a_date_that_is_not_one_is_refused_in_chinese(text):
    with pytest.raises(click.BadParameter) as err:
        Date().convert(text, None, None)
    assert "无法识别" in str(err.value.message)
