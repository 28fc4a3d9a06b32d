"""Survey waves: planning the baseline and follow-ups, recording answers (declined and partial),
and the results per wave with the change from baseline, with small numbers hidden from those who
may not see records. Expected scores are worked out by hand in the comments.

The buddy questionnaire (peercare-buddy, version 1): 12 questions on a 1 to 5 scale, two per
subscale in this order: wellbeing (1, 2), confidence (3, 4), skills (5, 6), safety (7, 8),
manageable workload (9, 10), support from staff (11, 12). Questions 2, 8 and 9 are reverse-scored
(6 - answer). Mean rule; a score needs at least 80% of its questions answered."""

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes import results
from outcomes.models import Answer, Instrument, Response, SurveyWave, add_months
from outcomes.services import response_record, response_update, wave_plan
from tests.factories import BuddyFactory, RecipientFactory, SurveyWaveFactory, UserFactory

D = Decimal
BASELINE_START = dt.date(2026, 3, 2)


def buddy_questionnaire():
    return Instrument.objects.get(code="peercare-buddy", version=1)


def recipient_questionnaire():
    return Instrument.objects.get(code="peercare-recipient", version=1)


def plan(prison, starts_on, *, days=27, months=3, instruments=None):
    return wave_plan(
        prison=prison,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days),
        follow_up_months=months,
        instruments=instruments or [buddy_questionnaire(), recipient_questionnaire()],
    )


def every(value, n=12):
    return dict.fromkeys(range(1, n + 1), value)


def answer(wave, person, values=None, *, declined=False, on=None):
    audience = "buddy" if hasattr(person, "vetting_outcome") else "recipient"
    instrument = buddy_questionnaire() if audience == "buddy" else recipient_questionnaire()
    return response_record(
        wave=wave,
        instrument=instrument,
        answered_on=on or wave.starts_on,
        declined=declined,
        answers=values or {},
        **{audience: person},
    )


def active_buddy(prison, **kwargs):
    return BuddyFactory(prison=prison, status="active", **kwargs)


# --- planning waves -------------------------------------------------------------------------


def test_the_first_wave_is_the_baseline_and_later_ones_are_numbered_follow_ups(home_prison):
    baseline = plan(home_prison, BASELINE_START)
    first = plan(home_prison, dt.date(2026, 6, 1))
    assert (baseline.number, baseline.label, baseline.is_baseline) == (0, "Baseline", True)
    assert (first.number, first.label) == (1, "Follow-up 1")
    # 2 March + 3 months
    assert baseline.next_due_on == dt.date(2026, 6, 2)
    assert set(first.instruments.values_list("code", flat=True)) == {
        "peercare-buddy",
        "peercare-recipient",
    }


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),  # February is shorter
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),  # a leap year
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 15)),  # into the next year
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),  # backwards, as the demo uses
    ],
)
def test_months_are_added_by_the_calendar(day, months, expected):
    assert add_months(day, months) == expected


def test_a_follow_up_must_start_after_the_last_wave_ended(home_prison):
    plan(home_prison, BASELINE_START)  # ends 29 March
    with pytest.raises(ValidationError) as error:
        plan(home_prison, dt.date(2026, 3, 29))
    assert error.value.message_dict == {
        "starts_on": ["Baseline ends on 29 March 2026: start this wave after that"]
    }
    assert SurveyWave.objects.filter(prison=home_prison).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"days": -1}, "__all__", "The last day of asking must not be before the first"),
        ({"months": 0}, "follow_up_months", "Ensure this value is greater than or equal to 1."),
        ({"months": 25}, "follow_up_months", "Ensure this value is less than or equal to 24."),
    ],
)
def test_a_wave_with_bad_dates_or_interval_is_refused(home_prison, change, field, message):
    with pytest.raises(ValidationError) as error:
        plan(home_prison, BASELINE_START, **change)
    assert message in error.value.message_dict[field]
    assert not SurveyWave.objects.exists()


def test_a_wave_asks_one_version_of_each_questionnaire_and_at_least_one(home_prison):
    from outcomes.services import instrument_new_version

    version_2 = instrument_new_version(instrument=buddy_questionnaire())
    with pytest.raises(ValidationError) as error:
        plan(home_prison, BASELINE_START, instruments=[buddy_questionnaire(), version_2])
    assert error.value.message_dict == {"instruments": ["Select one version of each questionnaire"]}
    with pytest.raises(ValidationError) as error:
        wave_plan(
            prison=home_prison,
            starts_on=BASELINE_START,
            ends_on=BASELINE_START,
            follow_up_months=3,
            instruments=[],
        )
    assert error.value.message_dict == {"instruments": ["Select at least one questionnaire"]}
    assert not SurveyWave.objects.exists()


# --- recording answers ----------------------------------------------------------------------


def test_a_partly_answered_response_keeps_a_row_for_every_question(home_prison):
    wave = plan(home_prison, BASELINE_START)
    buddy = active_buddy(home_prison)
    response = answer(wave, buddy, {1: 4, 2: 2, 3: None})
    stored = dict(response.answers.values_list("item__number", "value"))
    assert stored == {1: 4, 2: 2, **dict.fromkeys(range(3, 13), None)}
    assert (response.prison_id, response.audience, response.declined) == (
        home_prison.pk,
        "buddy",
        False,
    )


@pytest.mark.parametrize(
    ("values", "declined", "on", "field", "message"),
    [
        ({1: 3}, True, None, "declined", "A person who declined has no answers"),
        ({}, False, None, "__all__", "Select an answer to at least one question"),
        ({1: None}, False, None, "__all__", "Select an answer to at least one question"),
        ({1: 6}, False, None, "item_1", "Question 1: choose one of 1, 2, 3, 4, 5"),
        ({13: 3}, False, None, "__all__", "Question 13 is not on this questionnaire"),
        ({1: 3}, False, dt.date(2026, 4, 1), "answered_on", "The date must be within the wave"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_saved(
    home_prison, values, declined, on, field, message
):
    wave = plan(home_prison, BASELINE_START)
    buddy = active_buddy(home_prison)
    with pytest.raises(ValidationError) as error:
        answer(wave, buddy, values, declined=declined, on=on)
    assert any(text.startswith(message) for text in error.value.message_dict[field])
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_an_answer_date_in_the_future_is_refused(home_prison, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 3, 10))
    wave = plan(home_prison, BASELINE_START)
    with pytest.raises(ValidationError) as error:
        answer(wave, active_buddy(home_prison), {1: 3}, on=dt.date(2026, 3, 11))
    assert error.value.message_dict == {
        "answered_on": ["The date they answered must be today or in the past"]
    }


def test_a_person_answers_a_questionnaire_once_per_wave(home_prison):
    wave = plan(home_prison, BASELINE_START)
    buddy = active_buddy(home_prison)
    answer(wave, buddy, {1: 3})
    with pytest.raises(ValidationError) as error:
        answer(wave, buddy, {1: 4})
    assert error.value.message_dict["__all__"] == [
        "This buddy has already answered this questionnaire in this wave"
    ]
    # ...and again in the next wave.
    follow_up = plan(home_prison, dt.date(2026, 6, 1))
    answer(follow_up, buddy, {1: 4})
    assert Response.objects.filter(buddy=buddy).count() == 2


def test_someone_from_another_prison_cannot_answer_in_this_prisons_wave(home_prison, other_prison):
    wave = plan(home_prison, BASELINE_START)
    with pytest.raises(ValidationError) as error:
        answer(wave, active_buddy(other_prison), {1: 3})
    assert error.value.message_dict == {"buddy": ["This person is not in the response's prison"]}


def test_a_questionnaire_the_wave_does_not_ask_is_refused(home_prison):
    wave = plan(home_prison, BASELINE_START, instruments=[recipient_questionnaire()])
    with pytest.raises(ValidationError) as error:
        answer(wave, active_buddy(home_prison), {1: 3})
    assert error.value.message_dict == {
        "instrument": ["This questionnaire is not used in this wave"]
    }


def test_correcting_a_response_changes_only_the_answers_that_differ(home_prison):
    wave = plan(home_prison, BASELINE_START)
    response = answer(wave, active_buddy(home_prison), {1: 4, 2: 2})
    response_update(
        response=response, answered_on=dt.date(2026, 3, 5), declined=False, answers={1: 5, 2: 2}
    )
    response.refresh_from_db()
    assert response.answered_on == dt.date(2026, 3, 5)
    assert dict(response.answers.values_list("item__number", "value"))[1] == 5
    answer_1 = response.answers.get(item__number=1)
    assert [h.value for h in answer_1.history.order_by("history_date")] == [4, 5]
    answer_2 = response.answers.get(item__number=2)
    assert answer_2.history.count() == 1  # unchanged, so no new history row
    # Declining with answers left in is refused and changes nothing.
    with pytest.raises(ValidationError):
        response_update(
            response=response, answered_on=dt.date(2026, 3, 6), declined=True, answers={1: 5}
        )
    response.refresh_from_db()
    assert (response.answered_on, response.declined) == (dt.date(2026, 3, 5), False)


# --- results --------------------------------------------------------------------------------


@pytest.fixture
def two_waves(home_prison):
    """Baseline: B1 answers 3 to everything, B2 answers 4 to everything, B3 declines.
    Follow-up 1: B1 answers 5 to questions 1 to 10 and skips 11 and 12; B2 answers only
    question 1."""
    b1, b2, b3 = (active_buddy(home_prison) for _ in range(3))
    baseline = plan(home_prison, BASELINE_START)
    answer(baseline, b1, every(3))
    answer(baseline, b2, every(4))
    answer(baseline, b3, declined=True)
    follow_up = plan(home_prison, dt.date(2026, 6, 1))
    answer(follow_up, b1, {**every(5, 10), 11: None, 12: None})
    answer(follow_up, b2, {1: 5})
    return [baseline, follow_up]


def buddy_table(waves, *, hide_small):
    """The buddy questionnaire's table (the recipient one is asked too, and has no answers)."""
    tables = {table.code: table for table in results.tables(waves, hide_small=hide_small)}
    assert set(tables) <= {"peercare-buddy", "peercare-recipient"}
    return tables["peercare-buddy"]


def rows_of(table):
    return {
        row.code: ([(cell.mean, cell.scored) for cell in row.cells], row.change)
        for row in table.rows
    }


def test_subscale_means_counts_and_change_from_baseline(two_waves):
    table = buddy_table(two_waves, hide_small=False)
    assert (table.code, table.asked, table.declined) == ("peercare-buddy", [3, 2], [1, 0])
    rows = rows_of(table)
    # Baseline B1: every score 3.00. B2: 4 everywhere, but 2, 8 and 9 reversed to 2:
    #   wellbeing (4 + 2) / 2 = 3.00, confidence 4.00, safety (4 + 2) / 2 = 3.00,
    #   overall (9 x 4 + 3 x 2) / 12 = 42 / 12 = 3.50.
    # Follow-up B1: 5 on 1 to 10, reversed 2, 8, 9 become 1: wellbeing (5 + 1) / 2 = 3.00,
    #   confidence 5.00, support from staff 0 of 2 answered (no score), overall 10 of 12
    #   answered (83% >= 80%): (7 x 5 + 3 x 1) / 10 = 38 / 10 = 3.80.
    #   B2 answered 1 of 2 wellbeing questions and 1 of 12 overall: no scores.
    assert rows["wellbeing"] == ([(D("3.00"), 2), (D("3.00"), 1)], D("0.00"))
    # confidence (3 + 4) / 2 = 3.50 at baseline, 5.00 after: +1.50
    assert rows["confidence"] == ([(D("3.50"), 2), (D("5.00"), 1)], D("1.50"))
    assert rows["staff_support"] == ([(D("3.50"), 2), (None, 0)], None)
    # overall (3.00 + 3.50) / 2 = 3.25, then 3.80: +0.55
    assert rows["overall"] == ([(D("3.25"), 2), (D("3.80"), 1)], D("0.55"))
    assert list(rows) == [
        "wellbeing",
        "confidence",
        "skills",
        "safety",
        "burden",
        "staff_support",
        "overall",
    ]


def test_small_numbers_are_hidden_from_those_who_may_not_see_records(two_waves):
    table = buddy_table(two_waves, hide_small=True)
    assert (table.asked, table.declined) == (["<5", "<5"], ["<5", 0])
    rows = rows_of(table)
    assert rows["confidence"] == ([("<5", "<5"), ("<5", "<5")], "<5")
    # No follow-up score to compare: nothing to hide either.
    assert rows["staff_support"] == ([("<5", "<5"), (None, 0)], None)


def test_five_scores_are_shown_to_everyone(home_prison):
    wave = plan(home_prison, BASELINE_START)
    for value in [1, 2, 3, 4, 5]:  # wellbeing: 1 and 6 - 1 = 5 -> 3.00, and so on
        answer(wave, active_buddy(home_prison), {1: value, 2: 1})
    table = buddy_table([wave], hide_small=True)
    # wellbeing per buddy: (1 + 5) / 2 = 3, (2 + 5) / 2 = 3.5, 4, 4.5, 5 -> mean 20 / 5 = 4.00
    assert rows_of(table)["wellbeing"] == ([(D("4.00"), 5)], None)
    assert table.asked == [5]
    assert not table.compares_with_baseline


def test_a_follow_up_on_a_newer_version_lines_up_with_the_baseline(home_prison):
    from outcomes.services import instrument_new_version

    buddy = active_buddy(home_prison)
    baseline = plan(home_prison, BASELINE_START, instruments=[buddy_questionnaire()])
    answer(baseline, buddy, every(3))
    version_2 = instrument_new_version(instrument=buddy_questionnaire())
    follow_up = plan(home_prison, dt.date(2026, 6, 1), instruments=[version_2])
    response_record(
        wave=follow_up,
        instrument=version_2,
        answered_on=follow_up.starts_on,
        declined=False,
        answers=every(4),
        buddy=buddy,
    )
    (table,) = results.tables([baseline, follow_up], hide_small=False)
    # Version 2 is a copy: overall (9 x 4 + 3 x 2) / 12 = 3.50, against 3.00 at baseline.
    assert rows_of(table)["overall"] == ([(D("3.00"), 1), (D("3.50"), 1)], D("0.50"))


def test_the_summary_compares_the_baseline_with_the_latest_follow_up_that_has_answers(
    home_prison, two_waves
):
    started = plan(home_prison, dt.date(2026, 9, 1))  # under way, nobody asked yet
    waves = results.waves_by_prison([home_prison], dt.date(2026, 9, 2))[home_prison.pk]
    assert [wave.number for wave in waves] == [0, 1, 2]
    assert [wave.pk for wave in results.baseline_and_latest(waves)] == [
        two_waves[0].pk,
        two_waves[1].pk,
    ]
    answer(started, BuddyFactory(prison=home_prison, status="active"), every(2))
    waves = results.waves_by_prison([home_prison], dt.date(2026, 9, 2))[home_prison.pk]
    assert [wave.number for wave in results.baseline_and_latest(waves)] == [0, 2]
    # A wave that starts after the date asked about is left out.
    waves = results.waves_by_prison([home_prison], dt.date(2026, 8, 31))[home_prison.pk]
    assert [wave.number for wave in waves] == [0, 1]


def recipients_answer(prison, wave, value, count):
    for _ in range(count):
        answer(wave, RecipientFactory(prison=prison), every(value, 14))


def recipient_comparison(prisons, on, **options):
    comparisons = {c.code: c for c in results.comparison(prisons, on, **options)}
    assert set(comparisons) == {"peercare-buddy", "peercare-recipient"}
    return comparisons["peercare-recipient"]


def test_prisons_compared_with_small_numbers_hidden(home_prison, other_prison, analyst):
    """Home: 5 people at baseline answering 4 to everything, 5 at follow-up answering 5.
    Other: 2 people in each wave. Trust in buddy (questions 13 and 14, not reversed)."""
    home = [plan(home_prison, BASELINE_START), plan(home_prison, dt.date(2026, 6, 1))]
    recipients_answer(home_prison, home[0], 4, 5)
    recipients_answer(home_prison, home[1], 5, 5)
    other = [plan(other_prison, BASELINE_START), plan(other_prison, dt.date(2026, 6, 1))]
    recipients_answer(other_prison, other[0], 4, 2)
    recipients_answer(other_prison, other[1], 5, 2)
    prisons = [home_prison, other_prison]

    hidden = recipient_comparison(prisons, dt.date(2026, 7, 1), hide_small=True, subscale="trust")
    by_prison = {row.prison.code: row for row in hidden.prisons}
    home_row, other_row = by_prison["HMX"], by_prison["OTX"]
    assert (home_row.baseline_cell, home_row.latest_cell) == (
        results.Cell(D("4.00"), 5),
        results.Cell(D("5.00"), 5),
    )
    assert home_row.row.change == D("1.00")
    assert (other_row.baseline_cell.mean, other_row.latest_cell.mean) == ("<5", "<5")
    assert other_row.row.change == "<5"

    # Overall: 9 questions at 4 and 5 reversed to 2 -> 46 / 14 = 3.2857 -> 3.29; then 9 at 5
    # and 5 reversed to 1 -> 50 / 14 = 3.5714 -> 3.57; change 3.57 - 3.29 = 0.28.
    shown = recipient_comparison(prisons, dt.date(2026, 7, 1), hide_small=False)
    by_prison = {row.prison.code: row for row in shown.prisons}
    assert by_prison["HMX"].row.change == D("0.28")
    assert by_prison["OTX"].baseline_cell == results.Cell(D("3.29"), 2)

    # Before the follow-ups started there is only the baseline to show.
    early = recipient_comparison(prisons, dt.date(2026, 5, 1), hide_small=True)
    assert [(row.latest, row.latest_cell, row.row.change) for row in early.prisons] == [
        (None, None, None),
        (None, None, None),
    ]


# --- pages ----------------------------------------------------------------------------------


def date_parts(name, value: dt.date):
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def test_a_lead_plans_the_baseline_then_the_follow_up_in_the_browser_form(
    client, lead, home_prison
):
    client.force_login(lead)
    page = client.get(reverse("wave-new", args=["HMX"]))
    assert page.status_code == 200
    assert "Plan the baseline survey" in page.content.decode()
    chosen = [recipient_questionnaire().pk, buddy_questionnaire().pk]
    response = client.post(
        reverse("wave-new", args=["HMX"]),
        {
            **date_parts("starts_on", BASELINE_START),
            **date_parts("ends_on", dt.date(2026, 3, 29)),
            "follow_up_months": 3,
            "instruments": chosen,
        },
    )
    baseline = SurveyWave.objects.get(prison=home_prison)
    assert response.status_code == 302
    assert response["Location"] == reverse("wave-detail", args=["HMX", baseline.pk])
    # The follow-up form offers the date the next one is due, and the same questionnaires.
    page = client.get(reverse("wave-new", args=["HMX"]))
    form = page.context["form"]
    assert form.initial["starts_on"] == dt.date(2026, 6, 2)
    assert sorted(form.initial["instruments"]) == sorted(chosen)
    bad = client.post(
        reverse("wave-new", args=["HMX"]),
        {
            **date_parts("starts_on", dt.date(2026, 3, 20)),
            **date_parts("ends_on", dt.date(2026, 4, 20)),
            "follow_up_months": 3,
            "instruments": chosen,
        },
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors == {
        "starts_on": ["Baseline ends on 29 March 2026: start this wave after that"]
    }
    assert SurveyWave.objects.count() == 1


def test_a_lead_records_answers_on_the_paper_like_screen(client, lead, home_prison):
    wave = plan(home_prison, BASELINE_START)
    buddy = active_buddy(home_prison, given_name="Dev", family_name="Khan")
    active_buddy(home_prison, family_name="Still-to-ask")
    BuddyFactory(prison=home_prison, status="left", family_name="Gone")
    client.force_login(lead)
    url = reverse("response-new", args=["HMX", wave.pk, buddy_questionnaire().pk])
    page = client.get(url)
    people = [label for _pk, label in page.context["form"].fields["person"].choices][1:]
    assert [str(label).split(",")[0] for label in people] == ["Khan", "Still-to-ask"]
    response = client.post(
        url,
        {
            "person": buddy.pk,
            **date_parts("answered_on", dt.date(2026, 3, 3)),
            **{f"item_{n}": "4" for n in range(1, 11)},
            "item_11": "",
            "item_12": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url
    saved = Response.objects.get(buddy=buddy)
    assert saved.answered_on == dt.date(2026, 3, 3)
    assert sorted(saved.answers.exclude(value=None).values_list("item__number", flat=True)) == list(
        range(1, 11)
    )
    # Khan has answered, so only the other buddy is left to choose.
    page = client.get(url)
    people = [label for _pk, label in page.context["form"].fields["person"].choices][1:]
    assert [str(label).split(",")[0] for label in people] == ["Still-to-ask"]
    detail = client.get(reverse("response-detail", args=["HMX", saved.pk])).content.decode()
    # Wellbeing: 4 and 6 - 4 = 2 -> 3.00; overall 10 of 12 answered: (7 x 4 + 3 x 2) / 10 = 3.40
    assert "3.40" in detail and "10 of 12" in detail


def test_a_declined_response_with_answers_shows_the_error_by_the_field(client, lead, home_prison):
    wave = plan(home_prison, BASELINE_START)
    buddy = active_buddy(home_prison)
    client.force_login(lead)
    url = reverse("response-new", args=["HMX", wave.pk, buddy_questionnaire().pk])
    page = client.post(
        url,
        {
            "person": buddy.pk,
            **date_parts("answered_on", dt.date(2026, 3, 3)),
            "declined": "on",
            "item_1": "3",
        },
    )
    assert page.status_code == 200
    assert page.context["form"].errors == {
        "declined": [
            "A person who declined has no answers: clear the answers, or untick that they declined"
        ]
    }
    assert not Response.objects.exists()


def test_people_still_to_ask_include_those_whose_support_has_not_started(client, lead, home_prison):
    """A baseline is best taken before support starts; people whose support ended before the
    wave are not asked."""
    wave = plan(home_prison, BASELINE_START)
    RecipientFactory(prison=home_prison, family_name="Soon", support_started_on=None)
    RecipientFactory(prison=home_prison, family_name="Now")
    RecipientFactory(
        prison=home_prison,
        family_name="Ended",
        support_started_on=dt.date(2026, 1, 1),
        support_ended_on=dt.date(2026, 3, 1),
    )
    client.force_login(lead)
    url = reverse("response-new", args=["HMX", wave.pk, recipient_questionnaire().pk])
    people = list(client.get(url).context["form"].fields["person"].choices)[1:]
    assert sorted(str(label).split(",")[0] for _pk, label in people) == ["Now", "Soon"]


def test_what_each_role_may_do(client, users_by_role, home_prison, two_waves):
    baseline = two_waves[0]
    response = Response.objects.filter(wave=baseline, declined=False).first()
    person = response.buddy
    urls = {
        "list": reverse("survey-list", args=["HMX"]),
        "wave": reverse("wave-detail", args=["HMX", baseline.pk]),
        "new": reverse("wave-new", args=["HMX"]),
        "answer": reverse("response-new", args=["HMX", baseline.pk, buddy_questionnaire().pk]),
        "response": reverse("response-detail", args=["HMX", response.pk]),
        "edit": reverse("response-edit", args=["HMX", response.pk]),
        "compare": reverse("outcomes-comparison"),
    }
    expected = {
        "social_care_lead": dict.fromkeys(urls, 200),
        "admin": dict.fromkeys(urls, 200),
        "prison_staff": {**dict.fromkeys(urls, 200), "new": 403, "answer": 403, "edit": 403},
        "la_reviewer": {**dict.fromkeys(urls, 200), "new": 403, "answer": 403, "edit": 403},
        "inspector": {**dict.fromkeys(urls, 403), "list": 200, "wave": 200, "compare": 200},
        "national_analyst": {
            **dict.fromkeys(urls, 403),
            "list": 200,
            "wave": 200,
            "compare": 200,
        },
    }
    for role, user in users_by_role.items():
        client.force_login(user)
        statuses = {name: client.get(url).status_code for name, url in urls.items()}
        assert statuses == expected[role], role
        wave_page = client.get(urls["wave"]).content.decode()
        sees_people = role not in {"inspector", "national_analyst"}
        assert (person.family_name in wave_page) == sees_people, role
        response_page = client.get(urls["response"]).content.decode()
        assert (person.prison_number in response_page) == sees_people, role


def test_out_of_scope_prisons_surveys_are_not_found(client, lead, other_prison):
    wave = SurveyWaveFactory(prison=other_prison)
    client.force_login(lead)
    assert client.get(reverse("survey-list", args=["OTX"])).status_code == 404
    assert client.get(reverse("wave-detail", args=["OTX", wave.pk])).status_code == 404


def test_a_wave_of_another_prison_is_not_found_under_this_one(client, lead, other_prison):
    wave = SurveyWaveFactory(prison=other_prison)
    client.force_login(lead)
    assert client.get(reverse("wave-detail", args=["HMX", wave.pk])).status_code == 404
    url = reverse("response-new", args=["HMX", wave.pk, buddy_questionnaire().pk])
    assert client.get(url).status_code == 404


def test_the_comparison_page_shows_only_prisons_in_scope(
    client, lead, analyst, home_prison, other_prison
):
    for prison in (home_prison, other_prison):
        wave = plan(prison, BASELINE_START)
        recipients_answer(prison, wave, 4, 5)
    client.force_login(lead)
    page = client.get(reverse("outcomes-comparison")).content.decode()
    assert "HMP Home" in page and "HMP Other" not in page
    client.force_login(analyst)
    page = client.get(reverse("outcomes-comparison") + "?score=trust").content.decode()
    assert "HMP Home" in page and "HMP Other" in page
    assert "Trust in buddy" in page
    # An unknown score falls back to the overall one rather than failing.
    page = client.get(reverse("outcomes-comparison") + "?score=nonsense")
    assert page.status_code == 200
    assert page.context["subscale"] == "overall"


def survey_world(prison, size):
    """A baseline and a follow-up with `size` buddies and `size` people answering each."""
    start = BASELINE_START
    waves = [plan(prison, start), plan(prison, dt.date(2026, 6, 1))]
    for wave in waves:
        for _ in range(size):
            answer(wave, active_buddy(prison), every(3))
            answer(wave, RecipientFactory(prison=prison), every(4, 14))
    return waves


@pytest.mark.parametrize("name", ["survey-list", "wave-detail", "outcomes-comparison"])
def test_survey_pages_take_the_same_queries_whatever_the_numbers(client, lead, home_prison, name):
    waves = survey_world(home_prison, 1)
    args = {
        "survey-list": ["HMX"],
        "wave-detail": ["HMX", waves[1].pk],
        "outcomes-comparison": [],
    }[name]
    client.force_login(lead)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(name, args=args)).status_code == 200
    for wave in waves:
        for _ in range(3):
            answer(wave, active_buddy(home_prison), every(2))
    plan(home_prison, dt.date(2026, 9, 1))
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse(name, args=args)).status_code == 200
    assert len(large) == len(small)


def test_a_lead_corrects_a_response(client, lead, home_prison):
    wave = plan(home_prison, BASELINE_START)
    response = answer(wave, active_buddy(home_prison), {1: 2})
    client.force_login(lead)
    url = reverse("response-edit", args=["HMX", response.pk])
    form = client.get(url).context["form"]
    assert form.initial["item_1"] == "2" and form.initial["item_2"] == ""
    result = client.post(
        url, {**date_parts("answered_on", dt.date(2026, 3, 4)), "item_1": "3", "item_2": "5"}
    )
    assert result.status_code == 302
    assert dict(response.answers.values_list("item__number", "value"))[2] == 5


def test_staff_cannot_record_answers(client, staff, home_prison):
    wave = plan(home_prison, BASELINE_START)
    client.force_login(staff)
    url = reverse("response-new", args=["HMX", wave.pk, buddy_questionnaire().pk])
    assert client.post(url, {"item_1": "3"}).status_code == 403
    assert not Response.objects.exists()


def test_a_second_lead_sees_their_own_prison_only(client, other_prison):
    other_lead = UserFactory(username="lead2", role="social_care_lead", prisons=[other_prison])
    client.force_login(other_lead)
    assert client.get(reverse("survey-list", args=["HMX"])).status_code == 404


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_the_dashboard_and_pdf_show_the_baseline_beside_the_latest_follow_up(
    client, lead, inspector, home_prison, two_waves, monkeypatch
):
    """The buddy questionnaire's overall: 3.25 (n=2) at baseline, 3.80 (n=1) at follow-up 1."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 6, 30))
    client.force_login(lead)
    page = client.get(reverse("monitoring-dashboard", args=["HMX"]))
    tables = {table.code: table for table in page.context["outcomes"]}
    assert rows_of(tables["peercare-buddy"])["overall"] == (
        [(D("3.25"), 2), (D("3.80"), 1)],
        D("0.55"),
    )
    assert "+0.55" in page.content.decode()
    pdf = client.get(
        reverse("monitoring-summary-pdf", args=["HMX"]) + "?from=2026-04-01&to=2026-06-30"
    )
    text = pdf_text(pdf.content)
    assert "Survey results" in text
    assert re.search(r"Overall\s+3\.25 \(n=2\)\s+3\.80 \(n=1\)\s+\+0\.55", text)
    # An inspector sees the same tables with every figure resting on 1 to 4 people hidden.
    client.force_login(inspector)
    page = client.get(reverse("monitoring-dashboard", args=["HMX"]))
    tables = {table.code: table for table in page.context["outcomes"]}
    assert rows_of(tables["peercare-buddy"])["overall"] == ([("<5", "<5"), ("<5", "<5")], "<5")
    text = pdf_text(
        client.get(
            reverse("monitoring-summary-pdf", args=["HMX"]) + "?from=2026-04-01&to=2026-06-30"
        ).content
    )
    assert "3.25" not in text and "3.80" not in text
    assert re.search(r"Overall\s+<5 \(n=<5\)\s+<5 \(n=<5\)\s+<5", text)


def test_a_pdf_of_a_period_before_any_survey_says_so(client, lead, home_prison, two_waves):
    client.force_login(lead)
    pdf = client.get(
        reverse("monitoring-summary-pdf", args=["HMX"]) + "?from=2025-01-01&to=2025-12-31"
    )
    assert "No surveys of buddies or people supported had started by the end of the period" in (
        " ".join(pdf_text(pdf.content).split())
    )
