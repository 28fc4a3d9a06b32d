"""GOV.UK style for dates, times and money: 25 November 2026, 2:30pm, £1,200.50."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone


def govuk_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def govuk_time(value: dt.datetime | dt.time) -> str:
    """12-hour clock, lower case, no leading zero; 'midday' and 'midnight' for those times."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{suffix}"


def govuk_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{govuk_date(value.date())} at {govuk_time(value)}"


def money(value: Decimal | int | str | None) -> str:
    """Pounds with a thousands separator and pence: £7,488.00."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def hours(minutes: int | None) -> str:
    """Minutes as hours and minutes: 90 is "1h 30m", 0 is "0h"."""
    if not minutes:
        return "0h"
    whole, rest = divmod(int(minutes), 60)
    return f"{whole}h {rest}m" if rest else f"{whole}h"
