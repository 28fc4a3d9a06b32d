"""Monthly trends on the monitoring dashboard."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from buddies.models import Session
from monitoring.trends import bars, hide_small_months, month_starts, monthly_sessions
from tests.factories import BuddyFactory, RecipientFactory


def test_twelve_month_starts_end_with_the_current_month():
    starts = month_starts(dt.date(2026, 3, 15))
    assert (starts[0], starts[-1], len(starts)) == (dt.date(2025, 4, 1), dt.date(2026, 3, 1), 12)


def test_sessions_are_counted_by_month(home_prison):
    buddy = BuddyFactory(prison=home_prison)
    ann, bob = RecipientFactory(prison=home_prison), RecipientFactory(prison=home_prison)
    for day, person, outcome in [
        (dt.date(2026, 2, 3), ann, "yes"),
        (dt.date(2026, 2, 4), ann, "yes"),
        (dt.date(2026, 2, 5), bob, "missed_other"),
        (dt.date(2026, 3, 2), bob, "yes"),
        (dt.date(2025, 3, 31), bob, "yes"),  # before the 12 months
    ]:
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=person,
            date=day,
            period="am",
            minutes=30,
            outcome=outcome,
        )
    series = monthly_sessions(home_prison, dt.date(2026, 3, 15))
    february, march = series[-2], series[-1]
    assert (february["delivered"], february["missed"], february["people"]) == (2, 1, 1)
    assert (march["delivered"], march["missed"], march["people"]) == (1, 0, 1)
    assert sum(point["delivered"] for point in series) == 3


def test_bars_scale_to_the_largest_month():
    series = [{"month": dt.date(2026, m, 1), "delivered": n} for m, n in [(1, 10), (2, 5), (3, 0)]]
    chart = bars(series, "delivered", height=100)
    assert [(b["height"], b["y"]) for b in chart["bars"]] == [(100, 0), (50, 50), (0, 100)]


def test_small_months_get_no_bar_when_small_numbers_are_hidden():
    series = [
        {"month": dt.date(2026, m, 1), "delivered": n, "missed": 0, "people": p}
        for m, n, p in [(1, 10, 6), (2, 3, 1), (3, 0, 0)]
    ]
    hidden = hide_small_months(series)
    assert [(p["delivered"], p["people"]) for p in hidden] == [(10, 6), ("<5", "<5"), (0, 0)]
    chart = bars(hidden, "delivered", height=100)
    assert [(b["height"], b["hidden"]) for b in chart["bars"]] == [
        (100, False),
        (0, True),
        (0, False),
    ]


def test_inspectors_see_the_charts_with_small_months_hidden(client, lead, inspector, home_prison):
    buddy = BuddyFactory(prison=home_prison)
    ann = RecipientFactory(prison=home_prison)
    today = timezone.localdate()
    first = today.replace(day=1)
    for n in range(3):  # three sessions this month: a small number
        Session.objects.create(
            prison=home_prison,
            buddy=buddy,
            recipient=ann,
            date=first,
            period=["am", "pm", "eve"][n],
            minutes=30,
            outcome="yes",
        )
    url = reverse("monitoring-dashboard", args=["HMX"])
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert 'height="120" fill="#1d70b8"' in page  # this month's bar, the tallest
    assert "&lt;5</text>" not in page
    client.force_login(inspector)
    page = client.get(url).content.decode()
    assert "Sessions delivered each month" in page
    assert 'height="120" fill="#1d70b8"' not in page
    assert page.count("&lt;5</text>") == 1  # this month's mark on the delivered chart
