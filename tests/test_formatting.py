import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from common.formatting import govuk_date, govuk_datetime, govuk_time, money


def test_dates_are_written_in_govuk_style():
    assert govuk_date(dt.date(2026, 11, 25)) == "25 November 2026"
    assert govuk_date(dt.date(2026, 3, 1)) == "1 March 2026"
    assert govuk_date(None) == ""


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (14, 30, "2:30pm"),
        (9, 0, "9am"),
        (0, 0, "midnight"),
        (12, 0, "midday"),
        (12, 5, "12:05pm"),
        (0, 45, "12:45am"),
    ],
)
def test_times_use_the_12_hour_clock_in_lower_case(hour, minute, expected):
    assert govuk_time(dt.time(hour, minute)) == expected


def test_aware_datetimes_are_shown_in_london_time():
    # 13:30 UTC on a summer date is 2:30pm British Summer Time.
    moment = dt.datetime(2026, 7, 1, 13, 30, tzinfo=ZoneInfo("UTC"))
    assert govuk_datetime(moment) == "1 July 2026 at 2:30pm"


def test_money_has_pounds_pence_and_thousands():
    assert money(Decimal("7488")) == "£7,488.00"
    assert money("1.2") == "£1.20"
    assert money(Decimal("374.405")) == "£374.41"
    assert money(None) == ""
