"""seed_scale: a national-scale dataset, here at a small size (3 prisons, 3,000 sessions, one
year to 31 March 2026). The counts are what was asked, every record obeys the models' rules, the
sessions hang together (dates, prisons, tasks, assignments), the command leaves a database with a
prison in it alone, and one seed always gives the same data."""

import datetime as dt
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Exists, F, OuterRef, Q

from buddies.constants import MISSED_OUTCOMES, Outcome
from buddies.models import Buddy, MissedReason, PayRate, Session
from costs.models import CostYear
from costs.services import cost_report
from costs.template import read_template
from governance.models import (
    Incident,
    LocalAuthority,
    Prison,
    Scheme,
    StaffMember,
    StaffTime,
    Supervision,
    TrainingRecord,
)
from monitoring import daily, scale
from monitoring.indicators import compute_all
from monitoring.models import StaleDay
from recipients.models import Assignment, CarePlan, Recipient

END = dt.date(2026, 3, 31)
FIRST_DAY = dt.date(2025, 4, 1)  # the day after 31 March 2025: one year up to END
SMALL = ["--prisons", "3", "--sessions", "3000", "--years", "1", "--end", END.isoformat()]


def seed(*extra: str) -> dict[str, int]:
    """Run the command at the small size; return the first id each table was given."""
    first = scale.first_free_ids()
    call_command("seed_scale", *SMALL, *extra, verbosity=0)
    return first


@pytest.fixture
def seeded(db):
    return seed()


# Arithmetic the generator rests on ---------------------------------------------------------------


def test_allocate_splits_exactly_by_largest_remainder():
    assert scale.allocate(10, [1, 1, 1]) == [4, 3, 3]  # 3.33 each: the first gets the spare one
    assert scale.allocate(3000, [2, 1, 1]) == [1500, 750, 750]
    assert scale.allocate(7, [0.5, 0.25, 0.25]) == [3, 2, 2]  # 3.5, 1.75, 1.75: .75 beats .5
    assert scale.allocate(0, [3, 4]) == [0, 0]
    assert sum(scale.allocate(2_000_000, [1.37, 0.2, 5.1, 0.9])) == 2_000_000


def test_window_is_the_years_up_to_the_end_date():
    assert scale.window(END, 1) == (FIRST_DAY, END)
    assert scale.window(dt.date(2026, 11, 25), 5) == (dt.date(2021, 11, 26), dt.date(2026, 11, 25))
    assert scale.window(dt.date(2028, 2, 29), 1) == (dt.date(2027, 3, 1), dt.date(2028, 2, 29))


def test_days_of_the_week_in_a_span():
    monday = dt.date(2026, 3, 2).toordinal()  # Monday 2 March 2026
    # Mondays and Wednesdays from Monday 2 to Sunday 15 March: 2, 4, 9 and 11 March.
    assert scale.weekday_days(monday, monday + 13, (0, 2)) == 4
    # From Tuesday 3 March: the Monday before is left out.
    assert scale.weekday_days(monday + 1, monday + 13, (0, 2)) == 3
    assert scale.weekday_days(monday + 5, monday + 4, (0, 2)) == 0
    assert scale.nth_weekday_day(monday + 1, (0, 2), 0) == monday + 2  # Wednesday 4 March
    assert scale.nth_weekday_day(monday + 1, (0, 2), 1) == monday + 7  # Monday 9 March
    assert scale.nth_weekday_day(monday + 1, (0, 2), 2) == monday + 9  # Wednesday 11 March
    assert scale.financial_year_of(END) == "2025-26"
    assert scale.financial_year_of(dt.date(2026, 4, 1)) == "2026-27"


# The dataset ------------------------------------------------------------------------------------


def test_counts_are_what_was_asked(seeded):
    assert Prison.objects.count() == 3
    assert Scheme.objects.count() == 3
    assert Session.objects.count() == 3000
    assert Session.objects.filter(date__lt=FIRST_DAY).count() == 0
    assert Session.objects.filter(date__gt=END).count() == 0
    # Every prison has activity, buddies, people, staff and a cost template for 2025-26.
    for prison in Prison.objects.all():
        assert prison.sessions.exists()
        assert prison.buddies.filter(status="active").exists()
        assert prison.recipients.exists()
        assert prison.staff.exists()
        assert CostYear.objects.filter(prison=prison, financial_year="2025-26").count() == 1
    # The 12 months up to the end date are the whole window: every session is counted.
    results = compute_all(Prison.objects.all(), FIRST_DAY, END)
    assert results["sessions_delivered"].base == 3000
    delivered = Session.objects.filter(outcome=Outcome.DELIVERED).count()
    assert results["sessions_delivered"].value == delivered
    assert sum(results["sessions_missed"].value.values()) == 3000 - delivered


def test_sessions_belong_to_their_prison_and_follow_the_assignments(seeded):
    sessions = Session.objects.all()
    assert not sessions.exclude(recipient__prison=F("prison")).exists()
    formal = sessions.filter(buddy__isnull=False)
    assert not formal.exclude(buddy__prison=F("prison")).exists()
    # Each buddy was assigned to the person on the day of the session.
    assigned = Assignment.objects.filter(
        buddy=OuterRef("buddy"), recipient=OuterRef("recipient"), started_on__lte=OuterRef("date")
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=OuterRef("date")))
    assert not formal.exclude(Exists(assigned)).exists()
    # Informal help names the helper instead of a buddy.
    informal = sessions.filter(informal=True)
    assert not informal.filter(helper_prison_number="").exists()
    assert not sessions.filter(buddy__isnull=True, informal=False).exists()


def test_every_delivered_session_has_a_task_and_missed_ones_a_standard_reason(seeded):
    delivered = Session.objects.filter(outcome=Outcome.DELIVERED).annotate(n=Count("tasks"))
    assert delivered.exists()
    assert not delivered.filter(n=0).exists()
    missed = Session.objects.exclude(outcome=Outcome.DELIVERED)
    assert missed.exists()
    assert set(missed.values_list("outcome", flat=True)) <= {o.value for o in MISSED_OUTCOMES}
    # A prison's own reason counts under the outcome it maps to.
    for session in missed.filter(missed_reason__isnull=False).select_related("missed_reason"):
        assert session.missed_reason.maps_to == session.outcome
        assert session.missed_reason.prison_id == session.prison_id
    # Tasks are ones a buddy may do, from the person's plan or given a reason.
    forbidden = Session.tasks.through.objects.filter(task__kind="forbidden")
    assert not forbidden.exists()


def test_the_daily_summary_is_worked_out_for_every_session(seeded):
    assert not StaleDay.objects.exists()
    sessions, tasks = daily.stored()
    assert sum(row[5] for row in sessions) == 3000
    assert (sessions, tasks) == daily.recomputed()


def test_people_and_records_cover_the_life_cycle(seeded):
    statuses = set(Buddy.objects.values_list("status", flat=True))
    assert {"active", "left", "rejected"} <= statuses
    assert statuses & {"applicant", "vetting", "interview", "offered"}
    plan_states = set(CarePlan.objects.values_list("state", flat=True))
    assert {"approved", "superseded"} <= plan_states
    approved = CarePlan.objects.filter(la_approved_on__isnull=False).count()
    assert approved > CarePlan.objects.count() / 2  # most are approved by the local authority
    kinds = set(Supervision.objects.values_list("kind", flat=True))
    assert kinds >= {"group", "one_to_one"}
    assert TrainingRecord.objects.filter(buddy__isnull=False).exists()
    assert Incident.objects.exists()
    assert not Incident.objects.exclude(buddy__isnull=True).exclude(buddy__prison=F("prison"))
    assert Recipient.objects.filter(needs__isnull=False).distinct().count() == (
        Recipient.objects.count()
    )


def test_a_sample_of_every_kind_of_record_passes_full_clean(seeded):
    for model in [
        LocalAuthority,
        Prison,
        Scheme,
        MissedReason,
        StaffMember,
        Buddy,
        PayRate,
        TrainingRecord,
        Recipient,
        CarePlan,
        Assignment,
        Supervision,
        StaffTime,
        Session,
        Incident,
        CostYear,
    ]:
        rows = list(model.objects.order_by("pk")[:25]) + list(model.objects.order_by("-pk")[:25])
        assert rows, model.__name__
        for row in rows:
            row.full_clean()


def test_cost_templates_follow_the_data_standard_and_can_be_costed(seeded):
    for cost_year in CostYear.objects.select_related("prison"):
        read_template(cost_year.template)
        result = cost_report(cost_year)
        assert result.source_of_buddy_pay == "sessions"
        assert result.total > 0


def test_refuses_a_database_that_already_holds_a_prison(home_prison):
    with pytest.raises(CommandError, match="already holds 1 prison"):
        call_command("seed_scale", *SMALL, verbosity=0)
    assert list(Prison.objects.values_list("code", flat=True)) == ["HMX"]
    assert not Session.objects.exists()


def test_refuses_sizes_that_make_no_sense(db):
    with pytest.raises(CommandError, match="at least one prison"):
        call_command("seed_scale", "--prisons", "0", "--sessions", "10", verbosity=0)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_scale", "--prisons", "1", "--end", "31/03/2026", verbosity=0)
    with pytest.raises(CommandError, match="today or in the past"):
        call_command("seed_scale", "--prisons", "1", "--end", "2999-01-01", verbosity=0)
    assert not Prison.objects.exists()


# Determinism -------------------------------------------------------------------------------------


def build(first: dict[str, int], seed_value: int = 1) -> tuple[scale.Builder, scale.Dataset]:
    options = scale.ScaleOptions(prisons=3, sessions=3000, years=1, seed=seed_value, end=END)
    builder = scale.Builder(options, scale.Ids(first), existing_councils={})
    return builder, builder.build()


def rows_in_database(table: str) -> Counter:
    model, names = scale.COLUMNS[table]
    attnames = [model._meta.get_field(name).attname for name in names]
    rows = model.objects.values_list(*attnames)
    if table == "cost_year":  # JSON comes back parsed (PostgreSQL orders the keys its own way)
        return Counter((*row[:3], json.dumps(row[3], sort_keys=True), row[4]) for row in rows)
    return Counter(rows)


def test_the_same_seed_writes_the_same_data(db):
    first = seed()
    builder, dataset = build(first)
    for table in scale.ORDER:
        if table in {"session", "session_tasks"}:
            continue
        expected = Counter(dataset.rows[table])
        if table == "cost_year":
            expected = Counter(
                (*row[:3], json.dumps(json.loads(row[3]), sort_keys=True), row[4])
                for row in dataset.rows[table]
            )
        assert rows_in_database(table) == expected, table
    tasks: list = []
    sessions = list(builder.session_rows(first["session"], tasks))
    assert rows_in_database("session") == Counter(sessions)
    expected_tasks = Counter(
        (first["session"] + i, code) for i, codes in enumerate(tasks) for code in codes
    )
    assert rows_in_database("session_tasks") == expected_tasks


def test_another_seed_gives_other_data():
    first = dict.fromkeys(scale.WITH_IDS, 1)
    one, _ = build(first, seed_value=1)
    again, _ = build(first, seed_value=1)
    other, _ = build(first, seed_value=2)
    assert one.session_keys == again.session_keys
    assert one.session_keys != other.session_keys
    assert len(other.session_keys) == 3000
