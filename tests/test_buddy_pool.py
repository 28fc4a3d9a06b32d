import datetime as dt

from django.urls import reverse

from buddies.selectors import buddy_pool
from tests.factories import BuddyFactory, RecipientFactory, train

READY = {
    "vetting_outcome": "approved",
    "vetted_on": dt.date(2026, 1, 6),
    "compact_signed_on": dt.date(2026, 1, 7),
    "benefits_explained_on": dt.date(2026, 1, 7),
    "safeguarding_briefed_on": dt.date(2026, 1, 7),
    "started_on": dt.date(2026, 1, 8),
}


def make_scheme(prison, *, ready, unready, offered, supported, ended):
    for _ in range(ready):
        train(BuddyFactory(prison=prison, status="active", **READY))
    for _ in range(unready):
        BuddyFactory(prison=prison, status="active")
    for _ in range(offered):
        BuddyFactory(prison=prison, status="offered")
    for _ in range(supported):
        RecipientFactory(prison=prison, support_started_on=dt.date(2026, 1, 12))
    for _ in range(ended):
        RecipientFactory(
            prison=prison,
            support_started_on=dt.date(2026, 1, 12),
            support_ended_on=dt.date(2026, 2, 1),
            end_reason="released",
        )


def test_the_pool_counts_buddies_against_people_supported(home_prison):
    # 7 people supported at 3 per buddy need ceil(7 / 3) = 3 buddies; 2 meet every condition.
    make_scheme(home_prison, ready=2, unready=1, offered=2, supported=7, ended=4)
    pool = buddy_pool(home_prison, on=dt.date(2026, 3, 1))
    assert (pool.active, pool.meeting_conditions, pool.offered, pool.people_supported) == (
        3,
        2,
        2,
        7,
    )
    assert (pool.needed, pool.short_by) == (3, 1)


def test_the_ratio_is_the_prisons_own(home_prison):
    home_prison.scheme.recipients_per_buddy = 4
    home_prison.scheme.save()
    make_scheme(home_prison, ready=2, unready=0, offered=0, supported=8, ended=0)
    pool = buddy_pool(home_prison, on=dt.date(2026, 3, 1))
    assert (pool.needed, pool.short_by) == (2, 0)


def test_the_prison_page_warns_when_short_and_inspectors_see_the_counts(
    client, inspector, home_prison
):
    make_scheme(home_prison, ready=1, unready=0, offered=1, supported=6, ended=0)
    client.force_login(inspector)
    page = client.get(reverse("prison-detail", args=["HMX"])).content.decode()
    assert (
        "Not enough buddies fit to work: 6 people supported need 2 (one for every 3), "
        "and 1 meet every condition."
    ) in " ".join(page.split())
