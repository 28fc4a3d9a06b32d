"""Retention (`manage.py apply_retention`): a dry run counts exactly what would go and deletes
nothing; a real run deletes the expired people with everything about them and every history row,
keeps everyone else and their sessions, keeps incidents and group supervisions without them, is
all or nothing, and is recorded.

Today is fixed at 15 March 2026, so with 7 years the cut-off is 15 March 2019: support or work
that ended on 14 March 2019 or before has run out of time; 15 March 2019 (exactly 7 years) and
16 March 2019 (6 years and 364 days) have not.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models
from django.test import override_settings

from buddies.models import Buddy, PayRate, Session
from governance.models import Incident, Supervision, TrainingRecord
from outcomes.models import Answer, Instrument, Response
from privacy import retention
from privacy.models import RetentionRun
from recipients.models import Assignment, CarePlan, PlanReview, Recipient
from tests.factories import (
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    RecipientFactory,
    SurveyWaveFactory,
    train,
)

TODAY = dt.date(2026, 3, 15)

# Names and numbers used by nobody else, so a scan of the whole database can look for them.
GONE_PERSON = ("Ottoline", "Quenbury", "Q7391XZ")
GONE_BUDDY = ("Barnabus", "Wolstenholme", "W2468JT")
REJECTED = ("Perpetua", "Fitzgrimble", "F1357KD")
GONE_TEXT = ["spilt marmalade on Quenbury", "talked about Wolstenholme's wing move"]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(retention, "today", lambda: TODAY)


def respond(wave, person, code, values):
    response = Response.objects.create(
        wave=wave,
        instrument=Instrument.objects.get(code=code, version=1),
        prison=wave.prison,
        answered_on=dt.date(2018, 6, 10),
        **person,
    )
    for item in response.instrument.items.order_by("number")[: len(values)]:
        Answer.objects.create(response=response, item=item, value=values[item.number - 1])
    return response


@pytest.fixture
def people(home_prison, other_prison, lead):
    """Who expires (gone_person, gone_buddy, rejected) and who stays (everyone else)."""
    p = SimpleNamespace()
    given, family, number = GONE_PERSON
    # Support ended on 14 March 2019: 7 years and a day ago. Transferred to other_prison, whose
    # record of the same person (taken_over) is still open.
    p.gone_person = RecipientFactory(
        prison=home_prison,
        prison_number=number,
        given_name=given,
        family_name=family,
        support_started_on=dt.date(2017, 5, 1),
        support_ended_on=dt.date(2019, 3, 14),
        end_reason="transferred",
        transferred_to=other_prison,
    )
    p.gone_person.needs.set(["mobility"])
    p.taken_over = RecipientFactory(
        prison=other_prison,
        prison_number=number,
        given_name=given,
        family_name=family,
        support_started_on=dt.date(2019, 3, 14),
        transferred_from=p.gone_person,
    )
    p.exactly_seven = RecipientFactory(
        prison=home_prison,
        support_started_on=dt.date(2018, 1, 1),
        support_ended_on=dt.date(2019, 3, 15),
        end_reason="released",
    )
    p.almost_seven = RecipientFactory(  # 6 years and 364 days
        prison=home_prison,
        support_started_on=dt.date(2018, 1, 1),
        support_ended_on=dt.date(2019, 3, 16),
        end_reason="released",
    )
    p.supported = RecipientFactory(prison=home_prison, support_started_on=dt.date(2017, 1, 1))

    given, family, number = GONE_BUDDY
    p.gone_buddy = BuddyFactory(
        prison=home_prison,
        prison_number=number,
        given_name=given,
        family_name=family,
        status="left",
        applied_on=dt.date(2015, 11, 1),
        started_on=dt.date(2016, 1, 4),
        ended_on=dt.date(2019, 3, 10),
        end_reason="released",
    )
    given, family, number = REJECTED
    p.rejected = BuddyFactory(
        prison=home_prison,
        prison_number=number,
        given_name=given,
        family_name=family,
        status="rejected",
        applied_on=dt.date(2018, 12, 1),
        rejected_on=dt.date(2019, 1, 10),
    )
    p.buddy = BuddyFactory(
        prison=home_prison, status="active", applied_on=dt.date(2015, 1, 5)
    )  # still working
    p.applicant = BuddyFactory(prison=home_prison, applied_on=dt.date(2012, 1, 5))  # no decision

    # The gone person's plan, in two versions, the second reviewed.
    CarePlanFactory(
        recipient=p.gone_person,
        version=1,
        state="superseded",
        starts_on=dt.date(2017, 5, 1),
        review_due_on=dt.date(2017, 11, 1),
        la_approved_on=dt.date(2017, 5, 2),
    )
    plan = CarePlanFactory(
        recipient=p.gone_person,
        version=2,
        state="approved",
        starts_on=dt.date(2018, 5, 1),
        review_due_on=dt.date(2018, 11, 1),
        la_approved_on=dt.date(2018, 5, 2),
    )
    PlanReview.objects.create(plan=plan, action="approved", by=lead)

    # The gone buddy's pay, training and supervision: one alone, one in a group with p.buddy.
    PayRate.objects.create(
        buddy=p.gone_buddy, effective_from=dt.date(2016, 1, 4), pay_scheme="standard"
    )
    PayRate.objects.create(
        buddy=p.gone_buddy, effective_from=dt.date(2018, 1, 1), pay_scheme="enhanced"
    )
    train(p.gone_buddy, on=dt.date(2016, 1, 5), modules=["care_act"])
    alone = Supervision.objects.create(
        prison=home_prison,
        reference="SUP-1",
        date=dt.date(2018, 2, 1),
        kind="one_to_one",
        supervisor_name="Visiting lead",
    )
    alone.buddies.set([p.gone_buddy])
    p.group = Supervision.objects.create(
        prison=home_prison,
        reference="SUP-2",
        date=dt.date(2018, 3, 1),
        kind="group",
        supervisor_name="Visiting lead",
        notes=GONE_TEXT[1],
    )
    p.group.buddies.set([p.gone_buddy, p.buddy])

    def session(buddy, recipient, day, period="am"):
        return Session.objects.create(
            prison=home_prison,
            date=day,
            period=period,
            buddy=buddy,
            recipient=recipient,
            minutes=30,
        )

    with_task = session(p.buddy, p.gone_person, dt.date(2018, 6, 4))
    with_task.tasks.set(["meals_collect"])
    session(p.buddy, p.gone_person, dt.date(2018, 6, 4), "pm")
    session(p.gone_buddy, p.gone_person, dt.date(2018, 7, 2))
    session(p.gone_buddy, p.supported, dt.date(2018, 5, 1))
    session(p.gone_buddy, p.supported, dt.date(2018, 5, 2))
    p.others_session = session(p.buddy, p.supported, dt.date(2018, 5, 3))

    AssignmentFactory(buddy=p.buddy, recipient=p.gone_person, started_on=dt.date(2018, 6, 1))
    AssignmentFactory(buddy=p.gone_buddy, recipient=p.gone_person, started_on=dt.date(2018, 7, 1))
    AssignmentFactory(buddy=p.gone_buddy, recipient=p.supported, started_on=dt.date(2018, 5, 1))
    p.others_assignment = AssignmentFactory(
        buddy=p.buddy, recipient=p.supported, started_on=dt.date(2018, 5, 3)
    )

    def incident(reference, summary, **named):
        return Incident.objects.create(
            prison=home_prison,
            reference=reference,
            occurred_on=dt.date(2018, 8, 1),
            category_id="bullying",
            severity="medium",
            summary=summary,
            actions="moved wings",
            outcome="resolved",
            **named,
        )

    p.about_gone_person = incident("INC-1", GONE_TEXT[0], buddy=p.buddy, recipient=p.gone_person)
    p.about_gone_buddy = incident("INC-2", "a row on the landing", buddy=p.gone_buddy)
    p.about_others = incident("INC-3", "a quiet word", buddy=p.buddy, recipient=p.supported)

    wave = SurveyWaveFactory(
        prison=home_prison, number=0, starts_on=dt.date(2018, 6, 1), ends_on=dt.date(2018, 6, 30)
    )
    respond(wave, {"recipient": p.gone_person}, "peercare-recipient", [4, 3, 2])
    respond(wave, {"buddy": p.gone_buddy}, "peercare-buddy", [2, 3])
    p.others_response = respond(wave, {"buddy": p.buddy}, "peercare-buddy", [4, 4])
    return p


COUNTED = [Recipient, Buddy, Session, Assignment, CarePlan, PlanReview, PayRate, TrainingRecord]
COUNTED += [Supervision, Incident, Response, Answer]


def row_counts() -> dict[str, int]:
    """Rows in every table that holds records or their history."""
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            counts[model.__name__] = model._default_manager.count()
    return counts


def every_text_value() -> list[str]:
    """Every text value in every table, history included."""
    values = []
    for model in apps.get_models():
        text = [
            f.attname
            for f in model._meta.fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if text:
            for row in model._default_manager.values_list(*text):
                values += [value for value in row if value]
    return values


def test_cut_off_is_the_same_day_the_period_earlier():
    assert retention.years_before(dt.date(2026, 3, 15), 7) == dt.date(2019, 3, 15)
    assert retention.years_before(dt.date(2024, 2, 29), 7) == dt.date(2017, 2, 28)
    assert retention.years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)


def test_dry_run_reports_exact_counts_and_deletes_nothing(people, capsys):
    before = row_counts()

    call_command("apply_retention")

    out = capsys.readouterr().out.splitlines()
    # History rows, by hand. recipient: 5 for the sessions (one is created and then given a
    # task: 2 versions and 1 task row; 1 each for the others), 2 assignments, 1 response and 3
    # answers, 2 care plans, and the person (created, then given a need: 2 versions, 1 need
    # row) = 16. buddy: 2 sessions, 1 assignment, 1 response and 2 answers, the supervision of
    # them alone (created, then given its buddy: 2 versions and 1 buddy row), their row in the
    # group supervision's history, 2 pay rates, 1 training record, 2 buddies = 15.
    assert out == [
        "Dry run on 2026-03-15: nothing has been deleted. Add --apply to delete.",
        "recipient: 1 would be deleted, cut-off 2019-03-15 (people supported are kept 7 years "
        "after their support ended)",
        "  would be deleted: answers 3, assignments 2, care plans 2, history rows 16, "
        "plan reviews 1, recipients 1, responses 1, sessions 3",
        "  would be kept without them: incidents 1, records taken over after a transfer 1",
        "buddy: 2 would be deleted, cut-off 2019-03-15 (buddies are kept 7 years after they "
        "left, or were not appointed)",
        "  would be deleted: answers 2, assignments 1, buddies 2, history rows 15, pay rates 2, "
        "responses 1, sessions 2, supervisions 1, training records 1",
        "  would be kept without them: incidents 1, supervisions 1",
        "audit_event: 0 would be deleted, cut-off 2024-03-15 (audit events are kept 2 years "
        "after they were recorded)",
    ]
    assert row_counts() == before
    assert not RetentionRun.objects.exists()


def test_real_run_deletes_the_expired_and_keeps_everyone_else(people, capsys):
    others_session_history = people.others_session.history.count()

    call_command("apply_retention", "--apply", "--requested-by", "Data protection officer")

    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "recipient: 1 deleted, cut-off 2019-03-15 (people supported are kept 7 years after "
        "their support ended)"
    )
    assert out[1] == (
        "  deleted: answers 3, assignments 2, care plans 2, history rows 16, plan reviews 1, "
        "recipients 1, responses 1, sessions 3"
    )
    assert out[-1].startswith("Recorded as retention run ")

    assert set(Recipient.objects.all()) == {
        people.taken_over,
        people.exactly_seven,
        people.almost_seven,
        people.supported,
    }
    assert set(Buddy.objects.all()) == {people.buddy, people.applicant}
    # Other people's sessions, assignments and answers, untouched.
    assert list(Session.objects.all()) == [people.others_session]
    assert Session.objects.get().minutes == 30
    assert people.others_session.history.count() == others_session_history
    assert list(Assignment.objects.all()) == [people.others_assignment]
    assert list(Response.objects.all()) == [people.others_response]
    assert Answer.objects.filter(response=people.others_response).count() == 2
    assert Answer.objects.count() == 2
    assert not CarePlan.objects.exists()
    assert not PlanReview.objects.exists()
    assert not PayRate.objects.exists()
    assert not TrainingRecord.objects.exists()

    # The taken-over record carries on without the link to the deleted one.
    people.taken_over.refresh_from_db()
    assert people.taken_over.transferred_from is None
    assert people.taken_over.support_ended_on is None


def test_incidents_and_group_supervisions_are_kept_without_them(people):
    call_command("apply_retention", "--apply")

    first, second, third = (
        Incident.objects.get(reference=reference) for reference in ["INC-1", "INC-2", "INC-3"]
    )
    assert (first.buddy, first.recipient) == (people.buddy, None)
    assert (second.buddy, second.recipient) == (None, None)
    assert (first.summary, first.actions, first.outcome) == (retention.REMOVED_NOTE, "", "")
    assert (second.category_id, second.severity, second.occurred_on) == (
        "bullying",
        "medium",
        dt.date(2018, 8, 1),
    )
    # Someone else's incident is untouched.
    assert (third.buddy, third.recipient, third.summary, third.actions) == (
        people.buddy,
        people.supported,
        "a quiet word",
        "moved wings",
    )
    assert third.history.count() == 1

    group = Supervision.objects.get()
    assert group.reference == "SUP-2"
    assert list(group.buddies.all()) == [people.buddy]
    assert group.notes == retention.REMOVED_NOTE


def test_nothing_about_the_deleted_survives_anywhere_in_history(people):
    gone_buddy_ids = {people.gone_buddy.pk, people.rejected.pk}
    gone_recipient_ids = {people.gone_person.pk}

    call_command("apply_retention", "--apply")

    for model in apps.get_models():
        if not model.__name__.startswith("Historical"):
            continue
        rows = model._default_manager
        if model.__name__ == "HistoricalBuddy":
            assert not rows.filter(id__in=gone_buddy_ids).exists()
        if model.__name__ == "HistoricalRecipient":
            assert not rows.filter(id__in=gone_recipient_ids).exists()
        for column in model._meta.fields:
            if column.name == "history" or not column.is_relation:
                continue
            if column.related_model is Buddy:
                assert not rows.filter(**{f"{column.attname}__in": gone_buddy_ids}).exists()
            if column.related_model is Recipient:
                assert not rows.filter(**{f"{column.attname}__in": gone_recipient_ids}).exists()

    # Names, the numbers of those with no other record, and free text naming them: nowhere.
    text = "\n".join(every_text_value())
    # (The gone person's name and number stay on the other prison's record: the same person.)
    for secret in [*GONE_BUDDY, *REJECTED]:
        assert secret not in text
    for secret in GONE_TEXT:
        assert secret not in text
    # Nothing else has the deleted session, answer or care plan ids in its history.
    assert not Session.history.model.objects.filter(date=dt.date(2018, 7, 2)).exists()
    assert not CarePlan.history.model.objects.exists()
    assert not PayRate.history.model.objects.exists()
    assert not TrainingRecord.history.model.objects.exists()


def test_the_other_prisons_record_of_the_same_person_keeps_its_history(people):
    versions = people.taken_over.history.count()

    call_command("apply_retention", "--apply")

    # One more version: the link to the deleted record removed, with the reason.
    history = list(people.taken_over.history.order_by("history_date", "history_id"))
    assert len(history) == versions + 1
    assert history[-1].history_change_reason == retention.CHANGE_REASON
    assert all(row.transferred_from_id is None for row in history)


def test_each_real_run_is_recorded_and_never_changed(people):
    call_command("apply_retention", "--apply", "--requested-by", "Data protection officer")

    run = RetentionRun.objects.get()
    assert run.requested_by == "Data protection officer"
    assert run.run_on == TODAY
    assert run.kinds["recipient"]["records"] == 1
    assert run.kinds["recipient"]["cut_off"] == "2019-03-15"
    assert run.kinds["recipient"]["years"] == 7
    assert run.kinds["buddy"]["records"] == 2
    assert run.kinds["buddy"]["deleted"]["sessions"] == 2
    assert run.kinds["buddy"]["kept_without_them"] == {"incidents": 1, "supervisions": 1}
    with pytest.raises(ValueError, match="never changed"):
        run.save()
    with pytest.raises(ValueError, match="never deleted"):
        run.delete()
    with pytest.raises(ValueError, match="never deleted"):
        RetentionRun.objects.all().delete()

    # A second run finds nothing more, and is recorded too.
    call_command("apply_retention", "--apply")
    assert RetentionRun.objects.count() == 2
    assert RetentionRun.objects.first().kinds["recipient"]["records"] == 0


def test_a_failure_midway_deletes_nothing(people, monkeypatch):
    before = row_counts()

    # Sessions, assignments and responses are already deleted when incidents are saved.
    def fail(self, *args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(Incident, "save", fail)

    with pytest.raises(CommandError, match="Retention stopped and nothing was deleted"):
        call_command("apply_retention", "--apply")

    assert row_counts() == before
    assert not RetentionRun.objects.exists()


def test_a_failing_kind_after_others_deletes_nothing(people):
    """Registered last, it fails after both people kinds have deleted their rows."""

    def fail(rows):
        raise RuntimeError("cannot delete these")

    retention.register(
        retention.RecordKind(
            name="test_failing",
            label="failing rows",
            counted_from="they were made",
            expired=lambda cut_off: Incident.objects.all(),
            delete=fail,
        )
    )
    before = row_counts()
    try:
        with (
            override_settings(
                PEERCARE_RETENTION={"recipient": 7, "buddy": 7, "audit_event": 2, "test_failing": 1}
            ),
            pytest.raises(CommandError, match="cannot delete these"),
        ):
            call_command("apply_retention", "--apply")
    finally:
        retention.unregister("test_failing")

    assert row_counts() == before
    assert not RetentionRun.objects.exists()


def test_periods_come_from_settings(people, capsys):
    with override_settings(PEERCARE_RETENTION={"recipient": 6, "buddy": 10, "audit_event": 2}):
        call_command("apply_retention")

    out = capsys.readouterr().out.splitlines()
    # Six years: the cut-off is 15 March 2020, so all three who ended in March 2019 go.
    assert out[1].startswith("recipient: 3 would be deleted, cut-off 2020-03-15")
    # Ten years: 15 March 2016; nobody left or was turned down before then.
    assert out[-2].startswith("buddy: 0 would be deleted, cut-off 2016-03-15")
    # Two years: 15 March 2024 (tests/test_audit.py purges audit events).
    assert out[-1].startswith("audit_event: 0 would be deleted, cut-off 2024-03-15")


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ({"buddy": 7}, "No retention period for recipient: .*PEERCARE_RETENTION_RECIPIENT_YEARS"),
        ({"recipient": 0, "buddy": 7}, "must be a whole number of years, 1 or more"),
        ({"recipient": "7", "buddy": 7}, "must be a whole number of years, 1 or more"),
    ],
)
def test_a_missing_or_bad_period_is_refused_before_anything_is_deleted(people, periods, message):
    before = row_counts()

    with override_settings(PEERCARE_RETENTION=periods), pytest.raises(CommandError, match=message):
        call_command("apply_retention", "--apply")

    assert row_counts() == before


def test_audit_events_are_kept_two_years_by_default(settings):
    assert settings.PEERCARE_RETENTION == {"recipient": 7, "buddy": 7, "audit_event": 2}
    assert [kind.name for kind in retention.registered_kinds()] == [
        "recipient",
        "buddy",
        "audit_event",
    ]
