"""Monthly trends on the monitoring dashboard."""

import datetime as dt
import re

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


def test_each_chart_has_a_text_alternative_and_its_figures_in_a_table(client, lead, home_prison):
    buddy = BuddyFactory(prison=home_prison)
    person = RecipientFactory(prison=home_prison)
    first = timezone.localdate().replace(day=1)
    for period in ["am", "pm"]:
        Session.objects.create(
            prison=home_prison, buddy=buddy, recipient=person, date=first, period=period, minutes=30
        )
    client.force_login(lead)
    page = client.get(reverse("monitoring-dashboard", args=["HMX"])).content.decode()
    charts = re.findall(r"<svg [^>]*>", page)
    labels = [re.search(r'aria-label="([^"]*)"', chart).group(1) for chart in charts]
    assert all('role="img"' in chart for chart in charts)
    assert labels == [
        "Sessions delivered each month; the figures are in the table of the figures in the charts",
        "Sessions missed each month; the figures are in the table of the figures in the charts",
    ]
    # The table beside them: a row for each of the 12 months, this month's 2 delivered, 0 missed.
    figures = page.split("The figures in the charts", 1)[1]
    rows = re.findall(r'<tr class="govuk-table__row"><td class="govuk-table__cell">', figures)
    assert len(rows) == 12
    this_month = first.strftime("%B %Y")
    assert re.search(
        rf"{this_month}</td><td [^>]*>2</td><td [^>]*>0</td><td [^>]*>1</td>", figures
    ), this_month
