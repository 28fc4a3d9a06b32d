"""Incidents: recording them, suspending a buddy from one, the list, the counts, and who sees what.

Incident text and the people it names are personal data: inspectors and national analysts see
counts by kind and severity only.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buddies.models import Buddy
from governance.incident_selectors import incident_counts, incident_todo_counts
from governance.incident_services import incident_record, incident_suspend_buddy
from governance.models import Incident, IncidentCategory
from tests.factories import BuddyFactory, RecipientFactory

# Dates in the future are a month ahead, so a run that passes midnight still sees them as future.
TODAY = timezone.localdate()
TODAY_TEXT = f"{TODAY.day} {TODAY:%B %Y}"  # GOV.UK style, worked out here rather than by the code
A_YEAR_AGO = dt.date(
    TODAY.year - 1, TODAY.month, 28 if (TODAY.month, TODAY.day) == (2, 29) else TODAY.day
)


def url(name, *args, code="HMX"):
    return reverse(name, args=[code, *args])


def date_parts(name, value: dt.date):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def page_of(response):
    return response.content.decode()


def make_incident(prison, reference, **fields):
    values = {
        "occurred_on": dt.date(2026, 1, 20),
        "category_id": "bullying",
        "severity": "medium",
        "status": "open",
        **fields,
    }
    if values["status"] == "closed":
        values.setdefault("closed_on", values["occurred_on"])
    return Incident.objects.create(prison=prison, reference=reference, **values)


@pytest.fixture
def buddy(home_prison):
    return BuddyFactory(
        prison=home_prison,
        prison_number="A1234BC",
        given_name="Dev",
        family_name="Khan",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 1, 12),
    )


@pytest.fixture
def person(home_prison):
    return RecipientFactory(
        prison=home_prison, prison_number="R1234ST", given_name="Pat", family_name="Moss"
    )


def form_data(**changes):
    data = {
        "reference": "INC-1",
        **date_parts("occurred_on", dt.date(2026, 1, 20)),
        "category": "boundary_crossed",
        "severity": "high",
        "buddy": "",
        "recipient": "",
        "summary": "Helped with washing, which is personal care.",
        "actions": "",
        "outcome": "",
        "status": "open",
    }
    data.update(changes)
    return data


# --- recording ---------------------------------------------------------------------------------


def test_lead_records_an_incident(client, lead, home_prison, buddy, person):
    client.force_login(lead)
    response = client.post(
        url("incident-new"),
        form_data(
            buddy=buddy.pk,
            recipient=person.pk,
            **date_parts("safeguarding_referral_on", dt.date(2026, 1, 21)),
        ),
        follow=True,
    )
    incident = Incident.objects.get()
    assert (
        incident.prison,
        incident.reference,
        incident.occurred_on,
        incident.category_id,
        incident.severity,
        incident.buddy,
        incident.recipient,
        incident.status,
        incident.safeguarding_referral_on,
        incident.closed_on,
        incident.recorded_by,
    ) == (
        home_prison,
        "INC-1",
        dt.date(2026, 1, 20),
        "boundary_crossed",
        "high",
        buddy,
        person,
        "open",
        dt.date(2026, 1, 21),
        None,
        lead,
    )
    page = page_of(response)
    assert "Incident INC-1 recorded" in page
    assert "Suspend Dev Khan" in page
    assert '<strong class="govuk-tag govuk-tag--red">High</strong>' in page


def test_a_closing_date_typed_under_another_status_is_ignored(client, lead, home_prison):
    client.force_login(lead)
    client.post(url("incident-new"), form_data(**date_parts("closed_on", dt.date(2026, 1, 22))))
    assert Incident.objects.get().closed_on is None


def test_lead_closes_an_incident(client, lead, home_prison):
    incident = make_incident(home_prison, "INC-7")
    client.force_login(lead)
    response = client.post(
        url("incident-edit", incident.pk),
        form_data(
            reference="INC-7",
            status="closed",
            outcome="Buddy retrained",
            **date_parts("closed_on", dt.date(2026, 2, 3)),
        ),
        follow=True,
    )
    incident.refresh_from_db()
    assert (incident.status, incident.closed_on, incident.outcome) == (
        "closed",
        dt.date(2026, 2, 3),
        "Buddy retrained",
    )
    assert "Changes to incident INC-7 saved" in page_of(response)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            date_parts("occurred_on", TODAY + dt.timedelta(days=30)),
            "occurred_on",
            "The date it happened must be today or in the past",
        ),
        ({"status": "closed"}, "closed_on", "Enter the date the incident was closed"),
        (
            {"status": "closed", **date_parts("closed_on", dt.date(2026, 1, 19))},
            "closed_on",
            "The closing date must be on or after the date it happened",
        ),
        (
            {"reference": "INC-0"},
            "reference",
            "This prison already has an incident with this reference",
        ),
        ({"reference": "INC 1"}, "reference", "Use letters, numbers, hyphens and underscores only"),
        ({"buddy": "OTHER"}, "buddy", "Choose a buddy from the list"),
        ({"recipient": "OTHER"}, "recipient", "Choose a person from the list"),
        ({"category": "washing"}, "category", "Choose a kind of incident from the list"),
        ({"severity": ""}, "severity", "Select how serious it was"),
    ],
)
def test_bad_incident_details_are_explained_next_to_the_field_and_nothing_is_saved(
    client, lead, home_prison, other_prison, changes, field, message
):
    make_incident(home_prison, "INC-0")
    other_buddy = BuddyFactory(prison=other_prison, status="active")
    other_person = RecipientFactory(prison=other_prison)
    replace = {"OTHER": other_buddy.pk if field == "buddy" else other_person.pk}
    changes = {key: replace.get(value, value) for key, value in changes.items()}
    client.force_login(lead)
    response = client.post(url("incident-new"), form_data(**changes))
    page = page_of(response)
    assert response.status_code == 200
    assert f'href="#id_{field}' in page  # in the error summary
    assert f'id="id_{field}_1_error"' in page  # next to the field
    assert page.count(message) == 2
    assert Incident.objects.count() == 1


def test_the_service_refuses_a_buddy_or_person_from_another_prison(home_prison, other_prison, lead):
    with pytest.raises(ValidationError) as refused:
        incident_record(
            prison=home_prison,
            user=lead,
            reference="INC-9",
            occurred_on=dt.date(2026, 1, 20),
            category=IncidentCategory.objects.get(code="bullying"),
            severity="low",
            buddy=BuddyFactory(prison=other_prison),
            recipient=RecipientFactory(prison=other_prison),
        )
    assert refused.value.message_dict == {
        "buddy": ["Choose a buddy from this prison"],
        "recipient": ["Choose a person from this prison"],
    }
    assert Incident.objects.count() == 0


def test_the_service_names_a_duplicate_reference_against_the_reference(home_prison, lead):
    make_incident(home_prison, "INC-1")
    with pytest.raises(ValidationError) as refused:
        incident_record(
            prison=home_prison,
            user=lead,
            reference="INC-1",
            occurred_on=dt.date(2026, 1, 20),
            category=IncidentCategory.objects.get(code="fall"),
            severity="low",
        )
    assert refused.value.message_dict == {
        "reference": ["This prison already has an incident with this reference"]
    }


def test_the_same_reference_may_be_used_in_another_prison(home_prison, other_prison, lead):
    make_incident(other_prison, "INC-1")
    incident_record(
        prison=home_prison,
        user=lead,
        reference="INC-1",
        occurred_on=dt.date(2026, 1, 20),
        category=IncidentCategory.objects.get(code="fall"),
        severity="low",
    )
    assert Incident.objects.filter(reference="INC-1").count() == 2


# --- suspending the buddy ----------------------------------------------------------------------


def test_lead_suspends_the_buddy_from_the_incident(client, lead, home_prison, buddy):
    incident = make_incident(home_prison, "INC-1", buddy=buddy, actions="Told the wing officer")
    client.force_login(lead)
    response = client.post(url("incident-suspend", incident.pk), follow=True)
    buddy.refresh_from_db()
    incident.refresh_from_db()
    assert buddy.status == "suspended"
    assert incident.actions == f"Told the wing officer\nBuddy suspended on {TODAY_TEXT}"
    page = page_of(response)
    assert "Dev Khan is suspended" in page
    assert "Suspend Dev Khan" not in page  # no longer active: no button


def test_suspending_from_an_incident_with_no_actions_writes_one_line(lead, home_prison, buddy):
    incident = make_incident(home_prison, "INC-1", buddy=buddy)
    incident_suspend_buddy(incident=incident, user=lead)
    incident.refresh_from_db()
    assert incident.actions == f"Buddy suspended on {TODAY_TEXT}"


def test_suspending_is_refused_when_the_incident_names_no_buddy(client, lead, home_prison):
    incident = make_incident(home_prison, "INC-1")
    client.force_login(lead)
    response = client.post(url("incident-suspend", incident.pk))
    assert response.status_code == 200
    assert "This incident names no buddy, so there is nobody to suspend" in page_of(response)
    incident.refresh_from_db()
    assert incident.actions == ""


@pytest.mark.parametrize(
    ("status", "reads"), [("suspended", "suspended"), ("left", "left"), ("applicant", "applicant")]
)
def test_suspending_is_refused_when_the_buddy_is_not_active(
    client, lead, home_prison, status, reads
):
    named = BuddyFactory(prison=home_prison, given_name="Ali", family_name="Shah", status=status)
    incident = make_incident(home_prison, "INC-1", buddy=named)
    client.force_login(lead)
    response = client.post(url("incident-suspend", incident.pk))
    assert f"Ali Shah cannot be suspended: they are {reads}, not active" in page_of(response)
    named.refresh_from_db()
    incident.refresh_from_db()
    assert (named.status, incident.actions) == (status, "")


def test_the_buddy_stays_active_when_the_incident_cannot_be_saved(lead, home_prison, buddy):
    # Stored before the date rule existed: the incident no longer passes validation.
    incident = make_incident(
        home_prison, "INC-1", buddy=buddy, occurred_on=TODAY + dt.timedelta(30)
    )
    with pytest.raises(ValidationError):
        incident_suspend_buddy(incident=incident, user=lead)
    assert Buddy.objects.get(pk=buddy.pk).status == "active"
    assert Incident.objects.get(pk=incident.pk).actions == ""


# --- the list ----------------------------------------------------------------------------------


@pytest.fixture
def six_incidents(home_prison, other_prison, buddy, person):
    make_incident(home_prison, "A", severity="high", category_id="bullying", buddy=buddy)
    make_incident(home_prison, "B", severity="low", category_id="fall", recipient=person)
    make_incident(home_prison, "C", severity="high", status="investigating", category_id="fall")
    make_incident(home_prison, "D", severity="medium", status="closed", category_id="bullying")
    make_incident(
        home_prison, "E", severity="high", status="closed", category_id="dishonesty", buddy=buddy
    )
    make_incident(home_prison, "F", severity="medium", category_id="missed_care", recipient=person)
    make_incident(other_prison, "X", severity="high")


def listed(response) -> list[str]:
    return sorted(incident.reference for incident in response.context["incidents"])


@pytest.mark.parametrize(
    ("query", "references"),
    [
        ("", ["A", "B", "C", "D", "E", "F"]),
        ("?status=open", ["A", "B", "F"]),
        ("?status=open&status=investigating", ["A", "B", "C", "F"]),
        ("?severity=high", ["A", "C", "E"]),
        ("?status=open&status=investigating&severity=high", ["A", "C"]),
        ("?category=bullying", ["A", "D"]),
        ("?category=bullying&category=fall&severity=low", ["B"]),
        ("?status=closed&category=missed_care", []),
    ],
)
def test_the_list_filters_by_status_severity_and_kind(
    client, lead, six_incidents, query, references
):
    client.force_login(lead)
    response = client.get(url("incident-list") + query)
    assert listed(response) == references
    count = len(references)
    assert f"{count} incident{'' if count == 1 else 's'}" in page_of(response)


def test_the_list_shows_severity_in_words_and_who_was_involved(client, lead, six_incidents):
    client.force_login(lead)
    page = page_of(client.get(url("incident-list") + "?category=bullying"))
    assert '<strong class="govuk-tag govuk-tag--red">High</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--orange">Medium</strong>' in page
    assert "Dev Khan" in page
    assert "Remove this filter</span> Bullying" in page


def test_the_list_takes_a_fixed_number_of_queries(
    client, lead, six_incidents, django_assert_max_num_queries
):
    client.force_login(lead)
    # 8, +1 for the second factor's device, +3 since the session is saved with each request's
    # time, for the idle timeout, +1 INSERT recording the read in the audit log.
    with django_assert_max_num_queries(13):
        response = client.get(url("incident-list"))
    assert len(listed(response)) == 6


# --- who sees what -----------------------------------------------------------------------------


@pytest.fixture
def named_incident(home_prison, buddy, person):
    return make_incident(
        home_prison,
        "INC-42",
        severity="high",
        category_id="safeguarding_concern",
        buddy=buddy,
        recipient=person,
        summary="Shouting heard from the landing near the servery",
        actions="Moved to another wing",
        outcome="Apology given",
    )


@pytest.mark.parametrize("role", ["inspector", "analyst"])
def test_aggregate_roles_see_counts_only(client, request, named_incident, role):
    client.force_login(request.getfixturevalue(role))
    for name, args in [
        ("incident-list", []),
        ("incident-new", []),
        ("incident-detail", [named_incident.pk]),
        ("incident-edit", [named_incident.pk]),
    ]:
        assert client.get(url(name, *args)).status_code == 403, name
    assert client.post(url("incident-suspend", named_incident.pk)).status_code == 403
    response = client.get(url("incident-summary"))
    assert response.status_code == 200
    page = page_of(response)
    for secret in [
        "Dev",
        "Khan",
        "A1234BC",
        "Pat",
        "Moss",
        "R1234ST",
        "INC-42",
        "Shouting heard",
        "Moved to another wing",
        "Apology given",
        "Lee Lead",
    ]:
        assert secret not in page, secret


@pytest.mark.parametrize("role", ["staff", "la_reviewer"])
def test_staff_and_reviewers_read_incidents_but_change_nothing(
    client, request, named_incident, buddy, role
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("incident-list")).status_code == 200
    page = page_of(client.get(url("incident-detail", named_incident.pk)))
    assert "Shouting heard from the landing" in page
    assert "Suspend Dev Khan" not in page
    assert client.get(url("incident-new")).status_code == 403
    assert client.post(url("incident-new"), form_data()).status_code == 403
    assert client.get(url("incident-edit", named_incident.pk)).status_code == 403
    assert client.post(url("incident-suspend", named_incident.pk)).status_code == 403
    buddy.refresh_from_db()
    assert buddy.status == "active"
    assert Incident.objects.count() == 1


def test_lead_gets_404_for_an_incident_in_another_prison(client, lead, other_prison):
    other_buddy = BuddyFactory(prison=other_prison, status="active")
    incident = make_incident(other_prison, "OT-1", buddy=other_buddy)
    client.force_login(lead)
    for name in ["incident-detail", "incident-edit", "incident-suspend"]:
        for method in (client.get, client.post):
            response = method(url(name, incident.pk, code="OTX"))
            assert response.status_code == 404, (name, method.__name__)
            # Their own prison's address with the other prison's incident number: not found
            # either (a GET of the suspend address is refused as a GET first, whatever the number).
            response = method(url(name, incident.pk, code="HMX"))
            wrong_method = name == "incident-suspend" and method == client.get
            assert response.status_code == (405 if wrong_method else 404), (name, method.__name__)
    other_buddy.refresh_from_db()
    assert other_buddy.status == "active"


def test_suspend_accepts_only_post(client, lead, home_prison, buddy):
    incident = make_incident(home_prison, "INC-1", buddy=buddy)
    client.force_login(lead)
    assert client.get(url("incident-suspend", incident.pk)).status_code == 405
    buddy.refresh_from_db()
    assert buddy.status == "active"


# --- counts ------------------------------------------------------------------------------------


def test_todo_counts_only_high_severity_incidents_still_open(
    lead, inspector, home_prison, other_prison
):
    make_incident(home_prison, "1", severity="high", status="open")
    make_incident(home_prison, "2", severity="high", status="investigating")
    make_incident(home_prison, "3", severity="high", status="closed")
    make_incident(home_prison, "4", severity="low", status="open")
    make_incident(other_prison, "5", severity="high", status="open")  # outside the lead's scope
    assert incident_todo_counts(lead) == {home_prison.pk: {"open_high": 2}}
    assert incident_todo_counts(inspector) == {}  # no personal data, no to-do list


def test_todo_counts_take_one_query(lead, home_prison, django_assert_num_queries):
    make_incident(home_prison, "1", severity="high")
    with django_assert_num_queries(1):
        incident_todo_counts(lead)


def test_counts_by_kind_and_severity_in_a_period(home_prison, other_prison):
    make_incident(
        home_prison, "1", category_id="bullying", severity="high", occurred_on=dt.date(2025, 6, 1)
    )
    make_incident(
        home_prison, "2", category_id="bullying", severity="high", occurred_on=dt.date(2025, 9, 1)
    )
    make_incident(
        home_prison,
        "3",
        category_id="bullying",
        severity="low",
        occurred_on=dt.date(2026, 1, 2),
        status="closed",
    )
    make_incident(
        home_prison,
        "4",
        category_id="fall",
        severity="medium",
        occurred_on=dt.date(2025, 12, 31),
        safeguarding_referral_on=dt.date(2026, 1, 2),
    )
    make_incident(
        home_prison, "5", category_id="fall", severity="high", occurred_on=dt.date(2025, 5, 31)
    )  # before
    make_incident(
        other_prison, "6", category_id="fall", severity="high", occurred_on=dt.date(2025, 7, 1)
    )
    counts = incident_counts(home_prison, dt.date(2025, 6, 1), dt.date(2026, 1, 2))
    rows = {category.code: (by_severity, total) for category, by_severity, total in counts["rows"]}
    assert rows["bullying"] == ({"low": 1, "medium": 0, "high": 2}, 3)
    assert rows["fall"] == ({"low": 0, "medium": 1, "high": 0}, 1)
    assert rows["dishonesty"] == ({"low": 0, "medium": 0, "high": 0}, 0)
    assert len(rows) == 17  # every kind is listed, with its zeros
    assert counts["by_severity"] == {"low": 1, "medium": 1, "high": 2}
    assert (counts["total"], counts["still_open"], counts["referrals"]) == (4, 3, 1)


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("", A_YEAR_AGO + dt.timedelta(days=1), TODAY),
        ("?from=2025-04-01&to=2026-03-31", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("?from=2026-03-31&to=2025-04-01", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("?from=2025-02-30&to=2026-03-31", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("?from=yesterday&to=2026-03-31", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("?from=1999-12-31&to=2026-03-31", dt.date(2025, 4, 1), dt.date(2026, 3, 31)),
        ("?from=2025-04-01&to=2101-01-01", dt.date(2025, 4, 1), TODAY),
    ],
)
def test_the_summary_period_falls_back_to_the_last_12_months(
    client, inspector, home_prison, query, start, end
):
    client.force_login(inspector)
    response = client.get(url("incident-summary") + query)
    assert response.status_code == 200
    assert (response.context["start"], response.context["end"]) == (start, end)


def test_the_summary_page_shows_the_counts(client, analyst, home_prison):
    make_incident(
        home_prison, "1", category_id="demand_for_pay", severity="high", occurred_on=TODAY
    )
    make_incident(home_prison, "2", category_id="demand_for_pay", severity="low", occurred_on=TODAY)
    client.force_login(analyst)
    page = page_of(client.get(url("incident-summary")))
    row = page.split("Demand for pay</th>", 1)[1].split("</tr>", 1)[0]
    numbers = [cell.split(">")[-1] for cell in row.split("</td>")[:-1]]
    assert numbers == ["1", "0", "1", "2"]  # low, medium, high, total
