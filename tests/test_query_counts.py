"""Every list page and dashboard takes the same number of queries whatever the size of the data.

Each page is asked for twice for each size: once to warm the look-ups made once per process
(content types, reference codes), then counted. SIZES builds 1, then 5, of every kind of record a
page lists (scheme_records below), and the count must be the same exact number at both.

Every page signed in through the test client starts with the same queries (the sign-in steps):
the session, the user, the second factor's device, and at the end the session saved with the
time of the request for the idle timeout (a savepoint, the update and its release): 6 in all.
A page that shows people's records adds one INSERT recording the read in the audit log.

Pages whose counts are tested elsewhere are not repeated here: buddy-list (test_buddy_pages),
recipient-list (test_recipient_pages), incident-list (test_incidents), pay-sheet
(test_pay_sheet), week-sheet (test_week_sheet), monitoring-dashboard (test_monitoring_outputs),
home (test_pages), survey-list, wave-detail and outcomes-comparison (test_surveys), and every
list endpoint of the API (test_api_reads).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from api.services import api_token_create
from audit.constants import AuditKind, ObjectType
from audit.models import AuditEvent
from buddies.models import MissedReason, PayRate, Session
from common.history import history_entries, history_entries_of
from costs.models import CostYear, UnitCost
from exchange.models import ImportRun
from files.models import FileState, PreparedFile
from governance.models import Incident, StaffMember, StaffTime, Supervision, TrainingRecord
from recipients.models import PlanReview
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    PrisonFactory,
    RecipientFactory,
    train,
)

SIZES = [1, 5]
TODAY = dt.date(2026, 1, 28)  # a Wednesday; the records below are in January 2026
WEEK = "2026-W04"  # Monday 19 to Sunday 25 January
DAY = dt.date(2026, 1, 20)  # the Tuesday of that week


def scheme_records(prison, size: int, *, by) -> dict:
    """`size` of every kind of record in a prison, each linked as its pages list it.

    Buddy 0 supports every person and person 0 is supported by every buddy, so the pages of one
    buddy or one person list `size` of each kind too; buddy 0, person 0 and the scheme are
    changed `size` times, for their history pages.
    """
    index = range(size)
    staff = [
        StaffMember.objects.create(
            prison=prison,
            staff_ref=f"S-{prison.code}-{i}",
            name=f"Officer {i}",
            role="Wing officer",
            organisation="prison",
            band=6,
        )
        for i in index
    ]
    for i in index:
        StaffTime.objects.create(
            staff=staff[0],
            week_starting=dt.date(2026, 1, 5) + dt.timedelta(weeks=i % 3),
            activity=["running", "training_buddies", "supervision", "set_up"][i % 4],
            hours=Decimal("2.00"),
        )
        TrainingRecord.objects.create(
            prison=prison,
            staff=staff[0],
            module_id="safeguarding",
            provider="local_authority",
            completed_on=dt.date(2025, 12, 1) + dt.timedelta(days=i),
        )
    buddies = []
    for i in index:
        buddy = BuddyFactory(
            prison=prison,
            given_name="Sam",
            family_name=f"Buddy{prison.code}{i}",
            status="active",
            vetting_outcome="approved",
            vetted_on=dt.date(2026, 1, 6),
            started_on=dt.date(2026, 1, 8),
            compact_signed_on=dt.date(2026, 1, 8),
        )
        buddy.other_peer_roles.set(["listener"])
        train(buddy)
        PayRate.objects.create(
            buddy=buddy,
            effective_from=dt.date(2026, 1, 8),
            pay_scheme="standard",
            rate_per_session=Decimal("1.50"),
        )
        buddies.append(buddy)
        # Applicants at each step of recruitment, for the recruitment board.
        for status in ["applicant", "vetting", "interview", "offered"]:
            BuddyFactory(
                prison=prison,
                family_name=f"Applicant{prison.code}{status}{i}",
                status=status,
                applied_on=dt.date(2026, 1, 5),
            )
    people = []
    for i in index:
        person = RecipientFactory(prison=prison, family_name=f"Person{prison.code}{i}")
        person.needs.set(["mobility", "wheelchair_user"])
        approved = CarePlanFactory(
            recipient=person, state="approved", la_approved_on=dt.date(2026, 1, 10)
        )
        approved.tasks.set(["meals_collect", "cell_cleaning"])
        submitted = CarePlanFactory(
            recipient=person, version=2, state="submitted", starts_on=dt.date(2026, 2, 1)
        )
        submitted.tasks.set(["meals_collect"])
        PlanReview.objects.create(plan=submitted, action="submitted", by=by)
        people.append(person)
    for i in index:  # the review trail of person 0's plan, and earlier versions of it
        PlanReview.objects.create(
            plan=people[0].care_plans.get(version=1),
            action=["submitted", "returned"][i % 2],
            by=by,
            comments=f"Round {i}",
        )
        earlier = CarePlanFactory(
            recipient=people[0],
            version=3 + i,
            state="superseded",
            starts_on=dt.date(2025, 1, 1) + dt.timedelta(days=i),
            la_approved_on=dt.date(2025, 1, 1),
        )
        earlier.tasks.set(["meals_collect"])
    pairs = {(i, i) for i in index} | {(0, i) for i in index} | {(i, 0) for i in index}
    for b, p in sorted(pairs):
        AssignmentFactory(buddy=buddies[b], recipient=people[p])
        for date in [DAY, DAY + dt.timedelta(days=1)]:
            session = Session.objects.create(
                prison=prison,
                date=date,
                period="am",
                buddy=buddies[b],
                recipient=people[p],
                minutes=30,
                paid=True,
            )
            session.tasks.set(["meals_collect"])
    for i in range(
        size + 1
    ):  # this year and last year at least, as the monitoring summary compares
        CostYear.objects.create(
            prison=prison,
            financial_year=f"{2025 - i}-{26 - i}",
            template={
                "prison_code": prison.code,
                "financial_year": f"{2025 - i}-{26 - i}",
                "buddies_in_year": size,
                "recipients_in_year": size,
                "staff": [{"role": "Wing officer", "band": 6, "hours": 1}],
            },
        )
    for i in index:
        supervision = Supervision.objects.create(
            prison=prison,
            reference=f"SUP-{i}",
            date=dt.date(2026, 1, 12) + dt.timedelta(days=i),
            kind="group",
            supervisor=staff[i],
        )
        supervision.buddies.set(buddies)
        Incident.objects.create(
            prison=prison,
            reference=f"INC-{prison.code}-{i}",
            occurred_on=DAY,
            category_id=["boundary_crossed", "bullying", "buddy_burden"][i % 3],
            severity=["high", "medium", "low"][i % 3],
            buddy=buddies[i],
            recipient=people[0],
            summary="Overstepped",
            recorded_by=by,
        )
        MissedReason.objects.create(
            prison=prison, label=f"Rest day {i}", maps_to="missed_buddy_unavailable"
        )
        ImportRun.objects.create(
            prison=prison, by=by, source="browser", result="refused", files=["buddies.csv"]
        )
    # Changes, for the history pages: each made by the lead.
    for i in index:
        for record, field in [(buddies[0], "given_name"), (people[0], "given_name")]:
            record._history_user = by
            setattr(record, field, f"Renamed{i}")
            record.save()
        scheme = prison.scheme
        scheme._history_user = by
        scheme.name = f"Helpers {i}"
        scheme.save()
        buddies[0].other_peer_roles.set([["insider", "mentor"][i % 2]])
        rate = buddies[0].pay_rates.get(effective_from=dt.date(2026, 1, 8))
        rate._history_user = by
        rate.rate_per_session = Decimal("1.50") + i
        rate.save()
        PayRate.objects.create(  # earlier rates, each with its own history
            buddy=buddies[0],
            effective_from=dt.date(2025, 1, 1) + dt.timedelta(days=i),
            pay_scheme="standard",
            rate_per_session=Decimal("1.00"),
        )
        incident = people[0].incidents.get(reference=f"INC-{prison.code}-0")
        incident._history_user = by
        incident.severity = ["low", "medium", "high"][i % 3]
        incident.buddy = buddies[(i + 1) % size]  # buddy 0 again at the end
        incident.save()
        cost_year = prison.cost_years.get(financial_year="2025-26")
        cost_year._history_user = by
        cost_year.template = {**cost_year.template, "buddies_in_year": i}
        cost_year.save()
    return {"staff": staff, "buddies": buddies, "people": people}


def audit_events(prison, records: dict, size: int, *, reader) -> None:
    """`size` reads of each kind of record, and of the lists, by someone who sees them."""
    buddy, person = records["buddies"][0], records["people"][0]
    about = [
        (ObjectType.BUDDY, buddy.pk),
        (ObjectType.RECIPIENT, person.pk),
        (ObjectType.CARE_PLAN, person.care_plans.first().pk),
        (ObjectType.INCIDENT, person.incidents.get(reference=f"INC-{prison.code}-0").pk),
        (ObjectType.ASSIGNMENT, buddy.assignments.first().pk),
        (ObjectType.SESSION, buddy.sessions.first().pk),
        (ObjectType.STAFF_MEMBER, records["staff"][0].pk),
        ("", None),
    ]
    for _ in range(size):
        for object_type, object_id in about:
            AuditEvent.objects.create(
                user=reader,
                username=reader.username,
                role=reader.role,
                kind=AuditKind.VIEW,
                action="some-page",
                prison=prison,
                object_type=object_type,
                object_id=object_id,
                path="/somewhere/",
                method="GET",
                status_code=200,
                detail={} if object_type else {"records": size},
            )


def own_records(user, size: int) -> None:
    """`size` of what belongs to a user or to everyone: API tokens, prepared files, unit costs."""
    for i in range(size):
        api_token_create(user=user, name=f"Token {i}")
        PreparedFile.objects.create(
            kind="comparison",
            parameters={"from": "2025-01-29", "to": "2026-01-28", "by": "prison", "format": "csv"},
            title=f"Prisons compared {i}",
            requested_by=user,
            state=FileState.READY,
            filename="prisons-compared.csv",
            content_type="text/csv; charset=utf-8",
            content=b"prison_code\n",
        )
        UnitCost.objects.create(
            financial_year=f"{2030 + i}-{31 + i}", band=4, hourly_cost=Decimal("25.00")
        )


def api_client(user) -> APIClient:
    _details, secret = api_token_create(user=user, name="Query counts")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def address(name: str, prison, records: dict) -> str:
    """The page's address for the prison's buddy 0, person 0 and their records."""
    person = records["people"][0]
    values = {
        "code": prison.code,
        "buddy_id": records["buddies"][0].pk,
        "recipient_id": person.pk,
        "plan_id": person.care_plans.get(version=1).pk,
        "incident_id": person.incidents.get(reference=f"INC-{prison.code}-0").pk,
        "staff_id": records["staff"][0].pk,
        "week": WEEK,
        "year": "2025-26",
        "fmt": "csv",
    }
    [(possibilities, _pattern, _defaults, _converters)] = get_resolver().reverse_dict.getlist(name)
    [(_format, keywords)] = possibilities
    return reverse(name, kwargs={keyword: values[keyword] for keyword in keywords}) + QUERY.get(
        name, ""
    )


QUERY = {
    "pay-sheet-csv": "?month=2026-01",
    # One financial year, whose cost template every size has (the summary costs each year of
    # the period and of the period before, three queries a year, however many records).
    "monitoring-summary-pdf": "?from=2025-04-01&to=2026-01-28",
}

# Pages across prisons: every prison in the comparison has `size` of each record. Both
# comparisons take a fixed number of queries per prison compared (costs.services.cost_report for
# each cost template: 5; monitoring.comparison.prison_cells: 25), so two prisons are compared
# at every size here.
ACROSS_PRISONS = {"cost-comparison", "monitoring-comparison"}

# Sign-in (6): the session, the user and the second factor's device; at the end the session
# saved with the time of the request (savepoint, update, release). "Read recorded": the INSERT
# recording a read of people's records in the audit log. "Navigation": the user's prisons, for
# the menu of those who see people. "Prison": the prison in the address, in the user's scope.
# "Fit to work" (4): buddies, their training records, the schemes' settings and mandatory
# modules (governance.training.TrainingContext).
PAGES = [
    # Sign-in, the prisons with their schemes and councils.
    ("prison-list", "inspector", 7),
    # Sign-in, prison, allowed tasks, the pool (fit to work and two counts: 6), navigation,
    # mandatory modules, forbidden tasks, read recorded.
    ("prison-detail", "lead", 18),
    # The same without navigation and the read recorded.
    ("prison-detail", "inspector", 16),
    # Sign-in, prison, the scheme's versions with who made them, its modules at each version,
    # the prison's versions, navigation, read recorded.
    ("prison-history", "lead", 12),
    # Sign-in, prison, the 13 PSI requirements and the governance model (25, in
    # governance.compliance and governance.classification), navigation, read recorded.
    ("prison-compliance", "lead", 34),
    # The same without navigation and the read recorded.
    ("prison-compliance", "inspector", 32),
    # Sign-in, prison, navigation, the staff, read recorded.
    ("staff-list", "lead", 10),
    # Sign-in, prison, the member of staff, their training, their weeks of time, navigation,
    # read recorded.
    ("staff-detail", "lead", 12),
    # Sign-in, prison, active buddies with their last supervision, navigation, the sessions
    # with supervisors, their buddies, read recorded.
    ("supervision-list", "lead", 12),
    # Sign-in, prison, fit to work, navigation, read recorded.
    ("training-matrix", "lead", 13),
    # Sign-in, prison, incidents counted by category and severity, the categories, those still
    # open and those referred for safeguarding.
    ("incident-summary", "inspector", 10),
    # Sign-in, prison, the incident, its versions with who made them and the people named,
    # navigation, read recorded.
    ("incident-detail", "lead", 11),
    # Sign-in, prison, the people being recruited, the period's counts, navigation, read
    # recorded.
    ("buddy-recruitment", "lead", 11),
    # Sign-in, prison, the buddy with their pay, fit to work (3, the buddy known), peer roles,
    # pay rates, workload, the prison and scheme for the supervision limit (2), open
    # assignments, last supervision, clients, navigation, peer roles again, read recorded.
    ("buddy-detail", "lead", 22),
    # Sign-in, prison, the buddy, their versions, their peer roles at each version, pay rates,
    # the pay rates' versions, navigation, read recorded.
    ("buddy-history", "lead", 14),
    # Sign-in, prison, the reasons, navigation, read recorded.
    ("missed-reasons", "lead", 10),
    # Sign-in, prison, the month's sessions by buddy, pay rates, the buddies, read recorded.
    ("pay-sheet-csv", "lead", 11),
    # Sign-in, prison, the week's assignments, sessions and their tasks, the people's
    # assignments, plans and their tasks, fit to work (4), allowed tasks, every task for the
    # key, navigation, read recorded.
    ("week-sheet-pdf", "lead", 21),
    # Sign-in, prison, the person, plans, their tasks, assignments with buddies, needs,
    # informal help and escalation (3), sessions missed in recent weeks, navigation, read
    # recorded.
    ("recipient-detail", "lead", 18),
    # Sign-in, prison, the person, their versions, needs at each version, plans, the plans'
    # versions, tasks at each version, assignments, their versions, navigation, read recorded.
    ("recipient-history", "lead", 17),
    # Sign-in, prison, the person, plans, their tasks, needs, assignments with buddies,
    # navigation, read recorded.
    ("recipient-handover", "lead", 14),
    # Sign-in, prison, the person, the plan, its tasks, its review trail, navigation, read
    # recorded.
    ("plan-detail", "lead", 13),
    # Sign-in, plans awaiting review with their people and prisons, navigation, read recorded.
    ("review-queue", "la_reviewer", 9),
    # Sign-in, prison, navigation, the years, read recorded.
    ("cost-years", "lead", 10),
    # Sign-in, prison, the year, its costs (4, in costs.services), its versions, navigation,
    # read recorded.
    ("cost-summary", "lead", 15),
    # The same as a CSV, without the versions and navigation.
    ("cost-summary-download", "lead", 13),
    # Sign-in, the year's templates in the user's prisons, the costs of them all (4, in
    # costs.services.cost_reports_for, whatever the number of prisons).
    ("cost-comparison", "analyst", 11),
    # Sign-in, unit costs, every version of every unit cost, navigation, the unit costs shown.
    ("unit-costs", "admin_user", 10),
    # Sign-in, prison, navigation, the imports with who made them, read recorded.
    ("exchange", "lead", 10),
    # Sign-in, prison, the prison again then each file of the data standard (19), read
    # recorded.
    ("export-zip", "lead", 27),
    # The same in one workbook, without the cost templates.
    ("export-xlsx", "lead", 26),
    # Sign-in, the user's files.
    ("file-list", "analyst", 7),
    # Sign-in, navigation, the user's tokens.
    ("api-tokens", "lead", 8),
    # Sign-in, navigation, every token with its user, read recorded.
    ("api-tokens-all", "admin_user", 9),
    # Sign-in, the filter's prisons, the count and page of events, the records they are about
    # (one query a kind: 7), navigation, the filter's prisons drawn, read recorded.
    ("audit-log", "admin_user", 19),
    # Sign-in, prison, the count and page of reads, the records they are about (7),
    # navigation, read recorded.
    ("prison-audit", "lead", 18),
    # Sign-in, prison, the buddy, the count and page of reads about them, the records they are
    # about (4), navigation, read recorded.
    ("buddy-audit", "lead", 16),
    # The same for a person (5 kinds of record).
    ("recipient-audit", "lead", 17),
    # Sign-in, prison, the person, the plan, the count and page of reads, the plan named,
    # navigation, read recorded.
    ("plan-audit", "lead", 14),
    # Sign-in, prison, the incident, the count and page of reads, the incident named,
    # navigation, read recorded.
    ("incident-audit", "lead", 13),
    # Sign-in, the prisons compared, their governance models at once (8), then 12 a prison
    # (monitoring.comparison, through compute_all).
    ("monitoring-comparison", "analyst", 39),
    # Sign-in, prison, the indicators for the period and the one before, the PSI requirements,
    # the governance model, the costs, charts and gaps (monitoring.summary), download recorded.
    ("monitoring-summary-pdf", "inspector", 154),
    # Sign-in, the questionnaires with their number of items.
    ("instrument-list", "analyst", 7),
    # The token (2), prison, then the indicators (monitoring.indicators).
    ("api-prison-indicators", "lead", 59),
    # The token (2), prison, the year, its costs (4, in costs.services).
    ("api-cost-report", "lead", 8),
]

# What each page shows of the last record made, so a count cannot pass on a page that left the
# records out.
SHOWS = {
    "prison-history": lambda code, last: f"Helpers {last}",
    "staff-list": lambda code, last: f"Officer {last}",
    "supervision-list": lambda code, last: f"SUP-{last}",
    "training-matrix": lambda code, last: f"Buddy{code}{last}",
    "buddy-recruitment": lambda code, last: f"Applicant{code}offered{last}",
    "buddy-detail": lambda code, last: f"Person{code}{last}",
    "buddy-history": lambda code, last: f"Renamed{last}",
    "missed-reasons": lambda code, last: f"Rest day {last}",
    "pay-sheet-csv": lambda code, last: f"Buddy{code}{last}",
    "recipient-detail": lambda code, last: f"Buddy{code}{last}",
    "recipient-history": lambda code, last: f"Renamed{last}",
    "review-queue": lambda code, last: f"Person{code}{last}",
    "plan-detail": lambda code, last: f"Round {last}",
    "cost-years": lambda code, last: f"{2024 - last}-{25 - last}",
    "file-list": lambda code, last: f"Prisons compared {last}",
    "api-tokens": lambda code, last: f"Token {last}",
    "unit-costs": lambda code, last: f"{2030 + last}-{31 + last}",
    "prison-list": lambda code, last: f"HMP Extra {last}",
}


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: TODAY)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("name", "role", "queries"), [pytest.param(*page, id=f"{page[0]}-{page[1]}") for page in PAGES]
)
def test_a_page_takes_the_same_queries_whatever_the_size(
    name,
    role,
    queries,
    size,
    request,
    client,
    home_prison,
    other_prison,
    lead,
    today,
    django_assert_num_queries,
):
    user = request.getfixturevalue(role)
    records = scheme_records(home_prison, size, by=lead)
    if name in ACROSS_PRISONS:
        scheme_records(other_prison, size, by=lead)
    if name == "prison-list":  # the records it lists are prisons
        for i in range(size):
            PrisonFactory(code=f"EX{chr(65 + i)}", name=f"HMP Extra {i}")
    audit_events(home_prison, records, size, reader=lead)
    own_records(user, size)
    url = address(name, home_prison, records)
    if name.startswith("api-") and not name.startswith("api-tokens"):
        client = api_client(user)
    else:
        client.force_login(user)
    assert client.get(url).status_code == 200  # the look-ups made once per process
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if name in SHOWS:
        assert SHOWS[name](home_prison.code, size - 1) in response.content.decode()


def test_history_read_in_one_go_shows_each_version_as_it_was(home_prison, lead):
    """The history pages read every version at once (common.history): linked records and
    many-to-many fields are still shown as each version held them."""
    ann = BuddyFactory(prison=home_prison, given_name="Ann", family_name="Able")
    bob = BuddyFactory(prison=home_prison, given_name="Bob", family_name="Best")
    for buddy in (ann, bob):
        buddy._history_user = lead
    ann.other_peer_roles.set(["listener"])
    ann.other_peer_roles.set(["mentor", "insider"])  # one version without Listener, one with both
    bob.other_peer_roles.set(["health_champion"])
    incident = Incident.objects.create(
        prison=home_prison,
        reference="INC-1",
        occurred_on=DAY,
        category_id="bullying",
        severity="low",
        buddy=ann,
    )
    incident.buddy = bob
    incident.severity = "high"
    incident.save()

    def changes(entries):
        return [
            (e.subject, e.action, [(c.field, c.old, c.new) for c in e.changes]) for e in entries
        ]

    roles = [
        (subject, action, found)
        for subject, action, found in changes(history_entries_of([ann, bob], subject=str))
        if action == "Changed"
    ]
    assert roles == [
        ("Ann Able", "Changed", [("Other peer roles", "", "Insider, Mentor")]),
        ("Ann Able", "Changed", [("Other peer roles", "Listener", "")]),
        ("Ann Able", "Changed", [("Other peer roles", "", "Listener")]),
        ("Bob Best", "Changed", [("Other peer roles", "", "Health champion")]),
    ]
    [changed, _created] = changes(history_entries(incident, subject="Incident"))
    assert changed == (
        "Incident",
        "Changed",
        [("Buddy", "Ann Able", "Bob Best"), ("Severity", "Low", "High")],
    )
