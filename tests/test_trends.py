"""Monthly trends on the monitoring dashboard."""

import datetime as dt

from django.urls import reverse

from buddies.models import Session
from monitoring.trends import bars, month_starts, monthly_sessions
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


def test_charts_are_shown_to_leads_not_to_inspectors(client, lead, inspector, home_prison):
    client.force_login(lead)
    assert (
        "Sessions delivered each month"
        in client.get(reverse("monitoring-dashboard", args=["HMX"])).content.decode()
    )
    client.force_login(inspector)
    assert (
        "Sessions delivered each month"
        not in client.get(reverse("monitoring-dashboard", args=["HMX"])).content.decode()
    )
