import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from buddies.models import Buddy, PayRate
from tests.factories import BuddyFactory, train

# Dates in the future are a month ahead, so a run that passes midnight still sees them as future.
TODAY = timezone.localdate()


def url(name, *args):
    return reverse(name, args=["HMX", *args])


def date_parts(name, value: dt.date):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def page_of(response):
    return response.content.decode()


def opened(record):
    """The version a page opened now carries (the hidden row_version of its forms)."""
    return {"row_version": type(record).objects.get(pk=record.pk).row_version}


# --- adding an applicant ---------------------------------------------------------------------


def test_lead_adds_an_applicant(client, lead, home_prison):
    client.force_login(lead)
    response = client.post(
        url("buddy-new"),
        {
            "prison_number": "a1234bc",
            "given_name": "Dev",
            "family_name": "Khan",
            **date_parts("applied_on", dt.date(2026, 1, 5)),
            "other_peer_roles": ["listener"],
        },
        follow=True,
    )
    buddy = Buddy.objects.get()
    assert (buddy.prison_number, buddy.status, buddy.applied_on) == (
        "A1234BC",
        "applicant",
        dt.date(2026, 1, 5),
    )
    assert list(buddy.other_peer_roles.values_list("code", flat=True)) == ["listener"]
    page = page_of(response)
    assert "Dev Khan added as an applicant" in page
    assert "is also a Listener" in page  # the confidentiality warning


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"prison_number": "12345"}, "prison_number", "Enter a prison number in the right format"),
        (
            {"prison_number": "B9999ZZ"},
            "prison_number",
            "There is already a buddy with this prison number in this prison",
        ),
        ({"given_name": ""}, "given_name", "Enter their given name"),
        (
            date_parts("applied_on", TODAY + dt.timedelta(days=30)),
            "applied_on",
            "The date they applied must be today or in the past",
        ),
        (
            {"applied_on_0": "30", "applied_on_1": "2", "applied_on_2": "2026"},
            "applied_on",
            "the date they applied must be a real date",
        ),
    ],
)
def test_bad_applicant_details_are_explained_and_nothing_is_saved(
    client, lead, home_prison, changes, field, message
):
    BuddyFactory(prison=home_prison, prison_number="B9999ZZ")
    client.force_login(lead)
    data = {
        "prison_number": "C1234DE",
        "given_name": "Dev",
        "family_name": "Khan",
        **date_parts("applied_on", dt.date(2026, 1, 5)),
    }
    response = client.post(url("buddy-new"), {**data, **changes})
    page = page_of(response)
    assert response.status_code == 200
    assert message.lower() in page.lower()
    assert f'href="#id_{field}' in page
    assert Buddy.objects.count() == 1


def test_the_same_prison_number_may_be_a_buddy_in_another_prison(
    client, lead, home_prison, other_prison
):
    BuddyFactory(prison=other_prison, prison_number="B9999ZZ")
    client.force_login(lead)
    client.post(
        url("buddy-new"),
        {
            "prison_number": "B9999ZZ",
            "given_name": "A",
            "family_name": "B",
            **date_parts("applied_on", dt.date(2026, 1, 5)),
        },
    )
    assert Buddy.objects.filter(prison_number="B9999ZZ").count() == 2


# --- employment steps ------------------------------------------------------------------------


def edit_data(buddy, **changes):
    data = {
        "prison_number": buddy.prison_number,
        "given_name": buddy.given_name,
        "family_name": buddy.family_name,
        **date_parts("applied_on", buddy.applied_on),
        **opened(buddy),
    }
    return {**data, **changes}


def test_lead_records_vetting_and_the_briefings(client, lead, home_prison):
    buddy = BuddyFactory(prison=home_prison, applied_on=dt.date(2026, 1, 5))
    client.force_login(lead)
    response = client.post(
        url("buddy-edit", buddy.pk),
        edit_data(
            buddy,
            vetting_outcome="approved",
            **date_parts("vetted_on", dt.date(2026, 1, 20)),
            **date_parts("compact_signed_on", dt.date(2026, 2, 1)),
        ),
    )
    assert response.status_code == 302
    buddy.refresh_from_db()
    assert (buddy.vetting_outcome, buddy.vetted_on, buddy.compact_signed_on) == (
        "approved",
        dt.date(2026, 1, 20),
        dt.date(2026, 2, 1),
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"vetting_outcome": "approved", **date_parts("vetted_on", dt.date(2026, 1, 1))},
            "vetted_on",
            "The date of the vetting decision must be on or after the date they applied",
        ),
        ({"vetting_outcome": "approved"}, "vetted_on", "Enter the date of the vetting decision"),
        (
            date_parts("vetted_on", dt.date(2026, 1, 9)),
            "vetting_outcome",
            "Select the outcome of security vetting",
        ),
        (
            date_parts("compact_signed_on", TODAY + dt.timedelta(days=30)),
            "compact_signed_on",
            "must be today or in the past",
        ),
    ],
)
def test_steps_out_of_order_or_in_the_future_are_refused(
    client, lead, home_prison, changes, field, message
):
    buddy = BuddyFactory(prison=home_prison, applied_on=dt.date(2026, 1, 5))
    client.force_login(lead)
    page = page_of(client.post(url("buddy-edit", buddy.pk), edit_data(buddy, **changes)))
    assert message in page
    assert f'href="#id_{field}' in page
    buddy.refresh_from_db()
    assert (buddy.vetting_outcome, buddy.vetted_on, buddy.compact_signed_on) == ("", None, None)


# --- status ----------------------------------------------------------------------------------


def test_the_status_form_offers_only_the_next_steps(client, lead, home_prison):
    buddy = BuddyFactory(prison=home_prison, status="offered")
    client.force_login(lead)
    page = page_of(client.get(url("buddy-status", buddy.pk)))
    assert 'value="active"' in page and 'value="rejected"' in page
    assert 'value="left"' not in page and 'value="suspended"' not in page


def test_an_offered_buddy_with_pending_vetting_cannot_start(client, lead, home_prison):
    buddy = BuddyFactory(prison=home_prison, status="offered", vetting_outcome="pending")
    client.force_login(lead)
    response = client.post(
        url("buddy-status", buddy.pk),
        {"status": "active", **date_parts("started_on", dt.date(2026, 2, 2)), **opened(buddy)},
    )
    page = page_of(response)
    assert "A buddy cannot be made active while security vetting is pending" in page
    assert "Their status now: <strong>Offered</strong>" in page
    buddy.refresh_from_db()
    assert (buddy.status, buddy.started_on) == ("offered", None)


def test_an_illegal_move_is_refused_with_what_is_possible(client, lead, home_prison):
    buddy = BuddyFactory(prison=home_prison, status="applicant")
    client.force_login(lead)
    page = page_of(
        client.post(
            url("buddy-status", buddy.pk),
            {"status": "active", **date_parts("started_on", dt.date(2026, 2, 2)), **opened(buddy)},
        )
    )
    assert (
        "A buddy who is applicant cannot become active. They can become: security vetting or not appointed"
        in page
    )
    assert Buddy.objects.get().status == "applicant"


def test_a_buddy_is_suspended_then_leaves(client, lead, home_prison):
    buddy = BuddyFactory(
        prison=home_prison,
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 2, 1),
    )
    client.force_login(lead)
    client.post(url("buddy-status", buddy.pk), {"status": "suspended", **opened(buddy)})
    buddy.refresh_from_db()
    assert buddy.status == "suspended"
    page = page_of(
        client.post(
            url("buddy-status", buddy.pk),
            {"status": "left", **date_parts("ended_on", dt.date(2026, 3, 1)), **opened(buddy)},
        )
    )
    assert "Select why they left" in page
    client.post(
        url("buddy-status", buddy.pk),
        {
            "status": "left",
            "end_reason": "transferred",
            **date_parts("ended_on", dt.date(2026, 3, 1)),
            **opened(buddy),
        },
    )
    buddy.refresh_from_db()
    assert (buddy.status, buddy.ended_on, buddy.end_reason) == (
        "left",
        dt.date(2026, 3, 1),
        "transferred",
    )
    history = page_of(client.get(url("buddy-history", buddy.pk)))
    assert "<del>Suspended</del>" in history and "by Lee Lead" in history


# --- pay -------------------------------------------------------------------------------------


def test_pay_history_is_kept_and_the_current_rate_shown(client, lead, home_prison):
    buddy = BuddyFactory(prison=home_prison, status="active")
    client.force_login(lead)
    client.post(
        url("buddy-pay", buddy.pk),
        {
            "pay_scheme": "standard",
            "rate_per_session": "1.2",
            **date_parts("effective_from", dt.date(2026, 1, 5)),
        },
    )
    client.post(
        url("buddy-pay", buddy.pk),
        {
            "pay_scheme": "enhanced",
            "rate_per_session": "2.40",
            **date_parts("effective_from", dt.date(2026, 4, 6)),
        },
    )
    assert list(
        PayRate.objects.order_by("effective_from").values_list("pay_scheme", "rate_per_session")
    ) == [
        ("standard", Decimal("1.20")),
        ("enhanced", Decimal("2.40")),
    ]
    listing = page_of(client.get(url("buddy-list")))
    assert "£2.40" in listing and "Enhanced pay" in listing


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"pay_scheme": "standard", "rate_per_session": "10.01"},
            "rate_per_session",
            "The rate per session must be between £0.00 and £10.00, the range set for HMP Home",
        ),
        (
            {"pay_scheme": "standard", "rate_per_session": ""},
            "rate_per_session",
            "Enter the rate per session",
        ),
        (
            {"pay_scheme": "unpaid_volunteer", "rate_per_session": "1.00"},
            "rate_per_session",
            "An unpaid volunteer is paid nothing",
        ),
        (
            {"pay_scheme": "standard", "rate_per_session": "1.505"},
            "rate_per_session",
            "Enter the rate in pounds and pence",
        ),
        (
            {"pay_scheme": "standard", "rate_per_session": "1.50"},
            "effective_from",
            "This buddy already has a pay rate starting on that date",
        ),
    ],
)
def test_bad_pay_is_refused_next_to_the_field(client, lead, home_prison, data, field, message):
    buddy = BuddyFactory(prison=home_prison, status="active")
    PayRate.objects.create(
        buddy=buddy,
        pay_scheme="standard",
        rate_per_session=Decimal("1"),
        effective_from=dt.date(2026, 1, 5),
    )
    client.force_login(lead)
    page = page_of(
        client.post(
            url("buddy-pay", buddy.pk),
            {**data, **date_parts("effective_from", dt.date(2026, 1, 5))},
        )
    )
    assert message in page
    assert f'href="#id_{field}' in page
    assert PayRate.objects.count() == 1


def test_the_pay_range_is_the_prisons_own(client, lead, home_prison):
    home_prison.scheme.min_pay_rate = Decimal("0.50")
    home_prison.scheme.max_pay_rate = Decimal("3.00")
    home_prison.scheme.save()
    buddy = BuddyFactory(prison=home_prison, status="active")
    client.force_login(lead)
    page = page_of(
        client.post(
            url("buddy-pay", buddy.pk),
            {
                "pay_scheme": "credit",
                "rate_per_session": "0.40",
                **date_parts("effective_from", dt.date(2026, 1, 5)),
            },
        )
    )
    assert "between £0.50 and £3.00" in page


# --- lists and the recruitment board ---------------------------------------------------------


@pytest.fixture
def team(home_prison):
    """Adams fit to work, Brown active without a compact or training, Cole applying, Dunn suspended."""
    ready = {
        "vetting_outcome": "approved",
        "vetted_on": dt.date(2026, 1, 6),
        "compact_signed_on": dt.date(2026, 1, 7),
        "benefits_explained_on": dt.date(2026, 1, 7),
        "safeguarding_briefed_on": dt.date(2026, 1, 7),
        "started_on": dt.date(2026, 1, 8),
    }
    adams = train(BuddyFactory(prison=home_prison, family_name="Adams", status="active", **ready))
    brown = BuddyFactory(
        prison=home_prison,
        family_name="Brown",
        status="active",
        **{**ready, "compact_signed_on": None},
    )
    cole = BuddyFactory(prison=home_prison, family_name="Cole", status="applicant")
    dunn = BuddyFactory(prison=home_prison, family_name="Dunn", status="suspended", **ready)
    PayRate.objects.create(
        buddy=adams,
        pay_scheme="enhanced",
        rate_per_session=Decimal("2"),
        effective_from=dt.date(2026, 1, 8),
    )
    adams.other_peer_roles.set(["listener"])
    return adams, brown, cole, dunn


def names_in(page):
    return [name for name in ["Adams", "Brown", "Cole", "Dunn"] if f"Sam {name}" in page]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Adams", "Brown", "Cole", "Dunn"]),
        ("?status=active", ["Adams", "Brown"]),
        ("?status=active&status=applicant", ["Adams", "Brown", "Cole"]),
        ("?fit_to_work=yes", ["Adams"]),
        ("?fit_to_work=no", ["Brown", "Cole", "Dunn"]),
        ("?pay_scheme=enhanced", ["Adams"]),
        ("?other_peer_roles=listener", ["Adams"]),
        ("?status=nonsense", ["Adams", "Brown", "Cole", "Dunn"]),
    ],
)
def test_the_buddy_list_filters(client, lead, team, query, expected):
    client.force_login(lead)
    page = page_of(client.get(url("buddy-list") + query))
    assert names_in(page) == expected
    assert f"{len(expected)} buddies" in page or (len(expected) == 1 and "1 buddy" in page)


def test_the_list_names_each_unmet_condition(client, lead, team):
    client.force_login(lead)
    page = page_of(client.get(url("buddy-list") + "?status=active"))
    assert page.count("Compact signed") == 1  # Brown only
    assert page.count("Mandatory training complete") == 1  # Brown only: Adams is trained
    assert page.count('govuk-tag--green">Fit to work<') == 1
    assert page.count('govuk-tag--red">Not fit to work<') == 1


def test_the_list_is_sorted_on_request(client, lead, team):
    client.force_login(lead)
    page = page_of(client.get(url("buddy-list") + "?sort=-name"))
    assert [page.index(f"Sam {n}") for n in ["Dunn", "Cole", "Brown", "Adams"]] == sorted(
        page.index(f"Sam {n}") for n in ["Dunn", "Cole", "Brown", "Adams"]
    )


def test_the_list_takes_a_fixed_number_of_queries(
    client, lead, team, django_assert_max_num_queries
):
    client.force_login(lead)
    # 12, +1 for the second factor's device, +3 since the session is saved with each request's
    # time, for the idle timeout, +1 INSERT recording the read in the audit log.
    with django_assert_max_num_queries(17):
        client.get(url("buddy-list"))


def test_recruitment_counts_a_period(client, lead, home_prison):
    # Applied in the period: Ash, Bo, Cy (3). Offered in it: Bo (1). Not appointed in it: Cy (1).
    BuddyFactory(prison=home_prison, given_name="Ash", applied_on=dt.date(2026, 2, 1))
    BuddyFactory(
        prison=home_prison,
        given_name="Bo",
        status="offered",
        applied_on=dt.date(2026, 2, 3),
        offered_on=dt.date(2026, 2, 20),
    )
    BuddyFactory(
        prison=home_prison,
        given_name="Cy",
        status="rejected",
        applied_on=dt.date(2026, 2, 5),
        rejected_on=dt.date(2026, 2, 9),
    )
    BuddyFactory(
        prison=home_prison, given_name="Di", applied_on=dt.date(2025, 12, 1), status="vetting"
    )
    client.force_login(lead)
    response = client.get(url("buddy-recruitment") + "?from=2026-02-01&to=2026-02-28")
    counts = response.context["counts"]
    assert counts == {"received": 3, "offered": 1, "rejected": 1}
    columns = {
        step.value: [b.given_name for b in people] for step, people in response.context["columns"]
    }
    assert columns == {"applicant": ["Ash"], "vetting": ["Di"], "interview": [], "offered": ["Bo"]}


# --- who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["staff", "la_reviewer"])
def test_staff_and_la_reviewers_read_buddies_but_change_nothing(
    client, request, home_prison, user_fixture
):
    buddy = BuddyFactory(prison=home_prison, given_name="Visible")
    client.force_login(request.getfixturevalue(user_fixture))
    assert "Visible" in page_of(client.get(url("buddy-list")))
    assert client.get(url("buddy-detail", buddy.pk)).status_code == 200
    for name in ["buddy-edit", "buddy-status", "buddy-pay"]:
        assert client.get(url(name, buddy.pk)).status_code == 403
    assert client.post(url("buddy-new"), {}).status_code == 403
    assert "Add an applicant" not in page_of(client.get(url("buddy-list")))


@pytest.mark.parametrize("user_fixture", ["inspector", "analyst"])
def test_aggregate_roles_never_see_a_buddy(client, request, home_prison, user_fixture):
    buddy = BuddyFactory(prison=home_prison)
    client.force_login(request.getfixturevalue(user_fixture))
    for address in [url("buddy-list"), url("buddy-detail", buddy.pk), url("buddy-recruitment")]:
        assert client.get(address).status_code == 403


def test_the_buddy_page_lists_current_clients_only(client, lead, home_prison):
    from tests.factories import AssignmentFactory, RecipientFactory

    buddy = BuddyFactory(prison=home_prison, status="active")
    AssignmentFactory(
        buddy=buddy, recipient=RecipientFactory(prison=home_prison, given_name="Current")
    )
    AssignmentFactory(
        buddy=buddy,
        recipient=RecipientFactory(prison=home_prison, given_name="Former"),
        ended_on=dt.date(2026, 2, 1),
    )
    client.force_login(lead)
    page = page_of(client.get(url("buddy-detail", buddy.pk)))
    assert "Current Person" in page
    assert "Former Person" not in page
