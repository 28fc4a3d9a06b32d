"""The weekly sheet: a week of sessions for a whole scheme in one submit."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from buddies.models import Session
from buddies.week import CellInvalid, parse_cell
from governance.models import Task
from tests.factories import AssignmentFactory, BuddyFactory, CarePlanFactory, RecipientFactory

MONDAY = dt.date(2026, 3, 2)  # ISO week 2026-W10


def week_url(week="2026-W10"):
    return reverse("week-sheet", args=["HMX", week])


def ready_buddy(prison, name):
    return BuddyFactory(
        prison=prison,
        given_name=name,
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        compact_signed_on=dt.date(2026, 1, 7),
        benefits_explained_on=dt.date(2026, 1, 7),
        safeguarding_briefed_on=dt.date(2026, 1, 7),
        started_on=dt.date(2026, 1, 8),
    )


@pytest.fixture
def scheme(home_prison):
    """Two buddies; Ann supports Pat and Sid, Bob supports Sid. Pat's plan: meals and laundry."""
    ann, bob = ready_buddy(home_prison, "Ann"), ready_buddy(home_prison, "Bob")
    pat = RecipientFactory(prison=home_prison, given_name="Pat")
    sid = RecipientFactory(prison=home_prison, given_name="Sid")
    plan = CarePlanFactory(recipient=pat, state="approved", la_approved_on=dt.date(2026, 1, 15))
    plan.tasks.set(Task.objects.filter(code__in=["meals_collect", "laundry"]))
    AssignmentFactory(buddy=ann, recipient=pat, started_on=dt.date(2026, 1, 12))
    AssignmentFactory(buddy=ann, recipient=sid, started_on=dt.date(2026, 1, 12))
    # Bob starts with Sid on the Wednesday of the week: Monday and Tuesday are not his.
    AssignmentFactory(buddy=bob, recipient=sid, started_on=dt.date(2026, 3, 4))
    return {"ann": ann, "bob": bob, "pat": pat, "sid": sid}


def cell(buddy, person, day: dt.date, period="am"):
    return f"c-{buddy.pk}-{person.pk}-{day.isoformat()}-{period}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30", ("yes", 30, None)),
        (" 45u ", ("yes", 45, False)),
        ("L", ("missed_regime_lockdown", 25, None)),
        ("b", ("missed_buddy_unavailable", 25, None)),
        ("D", ("missed_recipient_declined", 25, None)),
        ("M", ("missed_other", 25, None)),
        ("", None),
    ],
)
def test_cells_read_minutes_or_a_missed_code(text, expected):
    assert parse_cell(text, usual_minutes=25) == expected


@pytest.mark.parametrize("text", ["x", "30x", "1234", "-5", "L30"])
def test_other_cell_text_is_refused(text):
    with pytest.raises(CellInvalid):
        parse_cell(text, usual_minutes=25)


def test_the_sheet_has_a_row_per_assignment_and_only_open_days_are_enabled(client, lead, scheme):
    client.force_login(lead)
    page = client.get(week_url()).content.decode()
    ann, bob, pat, sid = scheme["ann"], scheme["bob"], scheme["pat"], scheme["sid"]
    assert page.count('class="govuk-table__header pc-sheet__name"') == 3
    assert f'name="{cell(ann, pat, MONDAY)}"' in page
    assert f'name="{cell(bob, sid, MONDAY)}"' not in page  # before Bob's assignment
    assert f'name="{cell(bob, sid, MONDAY + dt.timedelta(days=2))}"' in page
    # What a screen reader says for a cell: who, with whom, the day and the part of it.
    wednesday_pm = cell(bob, sid, MONDAY + dt.timedelta(days=2), "pm")
    label = f'aria-label="{bob.full_name} with {sid.full_name}, Wednesday afternoon"'
    assert re.search(f'name="{wednesday_pm}"[^>]*{re.escape(label)}', page)


def test_a_week_is_saved_in_one_submit_with_plan_tasks_and_pay(client, lead, scheme):
    ann, bob, pat, sid = scheme["ann"], scheme["bob"], scheme["pat"], scheme["sid"]
    client.force_login(lead)
    wednesday = MONDAY + dt.timedelta(days=2)
    response = client.post(
        week_url(),
        {
            cell(ann, pat, MONDAY): "30",
            cell(ann, pat, MONDAY, "pm"): "45u",
            cell(ann, sid, MONDAY): "L",
            cell(bob, sid, wednesday): "D",
            cell(bob, sid, wednesday, "pm"): "20",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "3 sessions recorded, 2 missed (5 new, 0 changed, 0 removed)" in page
    sessions = {
        (s.buddy.given_name, s.recipient.given_name, s.date, s.period): s
        for s in Session.objects.all()
    }
    monday_am = sessions[("Ann", "Pat", MONDAY, "am")]
    assert (monday_am.minutes, monday_am.outcome, monday_am.paid) == (30, "yes", True)
    assert sorted(t.code for t in monday_am.tasks.all()) == ["laundry", "meals_collect"]
    assert sessions[("Ann", "Pat", MONDAY, "pm")].paid is False
    lockdown = sessions[("Ann", "Sid", MONDAY, "am")]
    # A lockdown session counts the usual 30 planned minutes and is paid by default.
    assert (lockdown.outcome, lockdown.minutes, lockdown.paid) == (
        "missed_regime_lockdown",
        30,
        True,
    )
    assert sessions[("Bob", "Sid", wednesday, "am")].paid is False  # declined: not paid
    assert all(s.logged_by == lead for s in sessions.values())
    assert monday_am.history.first().history_user == lead


def test_saving_again_changes_and_removes_only_what_changed(client, lead, scheme):
    ann, pat, sid = scheme["ann"], scheme["pat"], scheme["sid"]
    client.force_login(lead)
    client.post(week_url(), {cell(ann, pat, MONDAY): "30", cell(ann, sid, MONDAY): "30"})
    page = client.post(
        week_url(), {cell(ann, pat, MONDAY): "40", cell(ann, sid, MONDAY): ""}, follow=True
    ).content.decode()
    assert "1 session recorded, 0 missed (0 new, 1 changed, 1 removed)" in page
    assert list(Session.objects.values_list("recipient__given_name", "minutes")) == [("Pat", 40)]


def test_one_bad_cell_saves_nothing_and_is_named(client, lead, scheme):
    ann, pat, sid = scheme["ann"], scheme["pat"], scheme["sid"]
    client.force_login(lead)
    response = client.post(
        week_url(), {cell(ann, pat, MONDAY): "30", cell(ann, sid, MONDAY, "pm"): "lots"}
    )
    page = response.content.decode()
    assert "There is a problem: nothing has been saved" in page
    assert f'href="#{cell(ann, sid, MONDAY, "pm")}"' in page
    assert "Ann " in page and "Monday afternoon" in page
    assert 'value="lots"' in page and 'value="30"' in page  # what was typed is kept
    assert Session.objects.count() == 0


def test_copy_last_week_fills_empty_cells_without_saving(client, lead, scheme):
    ann, pat = scheme["ann"], scheme["pat"]
    client.force_login(lead)
    client.post(week_url(), {cell(ann, pat, MONDAY): "35"})
    page = client.get(week_url("2026-W11") + "?copy=last").content.decode()
    next_monday = MONDAY + dt.timedelta(days=7)
    assert f'name="{cell(ann, pat, next_monday)}" value="35"' in page
    assert "nothing is saved until you do" in page
    assert Session.objects.filter(date=next_monday).count() == 0


def test_cells_for_future_days_are_not_offered(client, lead, scheme):
    from django.utils import timezone

    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    client.force_login(lead)
    year, week, _ = monday.isocalendar()
    page = client.get(week_url(f"{year}-W{week:02d}")).content.decode()
    tomorrow = today + dt.timedelta(days=1)
    assert f'name="{cell(scheme["ann"], scheme["pat"], tomorrow)}"' not in page


def test_posting_a_cell_that_is_not_on_the_grid_is_ignored(client, lead, scheme, other_prison):
    bob, pat = scheme["bob"], scheme["pat"]  # Bob is not assigned to Pat
    client.force_login(lead)
    client.post(week_url(), {cell(bob, pat, MONDAY): "30"})
    assert Session.objects.count() == 0


def test_the_sheet_takes_a_fixed_number_of_queries(
    client, lead, scheme, home_prison, django_assert_max_num_queries
):
    client.force_login(lead)
    client.post(week_url(), {cell(scheme["ann"], scheme["pat"], MONDAY): "30"})
    for n in range(6):  # three times the buddies and people
        buddy = ready_buddy(home_prison, f"Extra{n}")
        AssignmentFactory(
            buddy=buddy,
            recipient=RecipientFactory(prison=home_prison),
            started_on=dt.date(2026, 1, 12),
        )
    with django_assert_max_num_queries(14):
        client.get(week_url())


def test_only_roles_that_record_activity_reach_the_sheet(client, users_by_role, scheme):
    from accounts.constants import Role

    expected = {
        Role.SOCIAL_CARE_LEAD: 200,
        Role.PRISON_STAFF: 200,
        Role.LA_REVIEWER: 403,
        Role.INSPECTOR: 403,
        Role.NATIONAL_ANALYST: 403,
        Role.ADMIN: 200,
    }
    for role, status in expected.items():
        client.force_login(users_by_role[role])
        assert client.get(week_url()).status_code == status, role


def test_a_week_that_does_not_exist_is_not_found(client, lead, home_prison):
    client.force_login(lead)
    assert client.get(week_url("2026-W99")).status_code == 404
    assert client.get(week_url("last-week")).status_code == 404


def test_fill_puts_the_usual_minutes_in_every_open_empty_cell_without_saving(client, lead, scheme):
    ann, pat, sid = scheme["ann"], scheme["pat"], scheme["sid"]
    client.force_login(lead)
    client.post(week_url(), {cell(ann, pat, MONDAY): "45"})
    page = client.get(week_url() + "?fill=usual").content.decode()
    assert f'name="{cell(ann, pat, MONDAY)}" value="45"' in page  # recorded cells are kept
    assert f'name="{cell(ann, sid, MONDAY, "pm")}" value="30"' in page
    # Bob's row has 5 open days (Wednesday to Sunday) x 2 periods; Ann's two rows 7 x 2 each, less one.
    assert page.count('value="30"') == 5 * 2 + 2 * 7 * 2 - 1
    assert Session.objects.count() == 1


def test_the_paper_sheet_lists_rows_with_plan_tasks(client, lead, scheme, tmp_path):
    import subprocess

    client.force_login(lead)
    response = client.get(reverse("week-sheet-pdf", args=["HMX", "2026-W10"]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Sessions sheet: week of 2 March 2026" in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "Ann" in text and "Pat" in text
    assert "Collecting and carrying meals, Laundry" in text
    assert "No approved care plan" in text  # Sid has none


def test_posting_the_sheet_back_unchanged_changes_nothing(client, lead, scheme, home_prison):
    from buddies.models import MissedReason

    ann, pat = scheme["ann"], scheme["pat"]
    rest = MissedReason.objects.create(
        prison=home_prison, label="Rest day", maps_to="missed_buddy_unavailable"
    )
    Session.objects.create(
        prison=home_prison,
        buddy=ann,
        recipient=pat,
        date=MONDAY,
        period="pm",
        minutes=45,
        outcome="missed_buddy_unavailable",
        missed_reason=rest,
        paid=True,
    )
    client.force_login(lead)
    page = client.get(week_url()).content.decode()
    import re

    cells = dict(re.findall(r'name="(c-[^"]+)" value="([^"]*)"', page))
    response = client.post(week_url(), cells, follow=True)
    assert "(0 new, 0 changed, 0 removed)" in response.content.decode()
    kept = Session.objects.get()
    assert (kept.minutes, kept.missed_reason, kept.paid) == (45, rest, True)


def test_cells_left_out_of_the_post_are_kept_and_only_an_emptied_cell_removes(client, lead, scheme):
    ann, pat, sid = scheme["ann"], scheme["pat"], scheme["sid"]
    client.force_login(lead)
    client.post(week_url(), {cell(ann, pat, MONDAY): "30", cell(ann, sid, MONDAY): "30"})
    client.post(week_url(), {cell(ann, pat, MONDAY, "pm"): "20"})
    assert Session.objects.count() == 3
    client.post(week_url(), {cell(ann, sid, MONDAY): ""})
    assert sorted(Session.objects.values_list("recipient__given_name", "period")) == [
        ("Pat", "am"),
        ("Pat", "pm"),
    ]


def test_an_old_session_that_no_longer_fits_the_rules_does_not_block_the_week(
    client, lead, scheme, home_prison
):
    ann, bob, pat, sid = scheme["ann"], scheme["bob"], scheme["pat"], scheme["sid"]
    # Recorded before Ann was suspended; later sessions for Bob must still save.
    Session.objects.create(
        prison=home_prison,
        buddy=ann,
        recipient=pat,
        date=MONDAY,
        period="am",
        minutes=30,
        paid=True,
    )
    ann.status = "suspended"
    ann.save()
    client.force_login(lead)
    wednesday = MONDAY + dt.timedelta(days=2)
    page = client.post(
        week_url(), {cell(ann, pat, MONDAY): "30", cell(bob, sid, wednesday): "30"}, follow=True
    ).content.decode()
    assert "(1 new, 0 changed, 0 removed)" in page
