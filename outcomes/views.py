"""Survey waves, the paper-like answer screen, and the results.

Results are aggregates: everyone who may see a prison's monitoring sees them, with small numbers
hidden for those who may not see records. Who answered, and what they said, is personal data."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts import policy
from buddies.constants import BuddyStatus
from buddies.models import Buddy
from common.forms import add_service_errors
from common.history import history_entries
from governance.models import Prison
from monitoring.views import hides_small_numbers
from outcomes import results
from outcomes.constants import Audience
from outcomes.forms import ResponseForm, WaveForm
from outcomes.models import Instrument, Response, SurveyWave
from outcomes.scoring import OVERALL
from outcomes.services import response_record, response_update, wave_plan
from recipients.models import Recipient


def _waves(prison) -> list[SurveyWave]:
    return list(
        SurveyWave.objects.filter(prison=prison).prefetch_related("instruments").order_by("number")
    )


def get_wave_for_user(prison, wave_id: int) -> SurveyWave:
    """A wave of a prison the user may see (the prison is already checked); 404 otherwise."""
    return get_object_or_404(
        SurveyWave.objects.filter(prison=prison).prefetch_related("instruments"), pk=wave_id
    )


def get_response_for_user(user, prison, response_id: int) -> Response:
    """A response the user may see, in this prison; 404 otherwise."""
    return get_object_or_404(
        Response.objects.for_user(user)
        .filter(prison=prison)
        .select_related("wave", "instrument", "buddy", "recipient"),
        pk=response_id,
    )


def _can_manage(request) -> bool:
    return policy.has_capability(request.user, policy.MANAGE_SCHEME)


@policy.prison_view(policy.VIEW_AGGREGATES)
def survey_list(request, prison):
    """The prison's waves, when the next is due, and every wave's results beside the baseline."""
    waves = _waves(prison)
    today = timezone.localdate()
    scheme = getattr(prison, "scheme", None)
    next_due = waves[-1].next_due_on if waves else None
    return render(
        request,
        "outcomes/survey_list.html",
        {
            "prison": prison,
            "waves": waves,
            "tables": results.tables(waves, hide_small=hides_small_numbers(request.user)),
            "next_due": next_due,
            "overdue": next_due is not None and next_due < today and waves[-1].ends_on < today,
            "current": waves[-1]
            if waves and waves[-1].starts_on <= today <= waves[-1].ends_on
            else None,
            "scheme_started_on": scheme.started_on if scheme else None,
            "baseline_after_start": bool(
                waves and scheme and scheme.started_on and waves[0].starts_on > scheme.started_on
            ),
            "hide_small": hides_small_numbers(request.user),
            "can_manage": _can_manage(request),
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def wave_new(request, prison):
    waves = _waves(prison)
    today = timezone.localdate()
    starts_on = (
        max(waves[-1].next_due_on, waves[-1].ends_on + dt.timedelta(days=1)) if waves else today
    )
    previous_codes = {i.code for i in waves[-1].instruments.all()} if waves else None
    form = WaveForm(request.POST or None)
    if not form.is_bound:
        choices = form.fields["instruments"].queryset
        form.initial = {
            "starts_on": starts_on,
            "ends_on": starts_on + dt.timedelta(days=27),
            "follow_up_months": waves[-1].follow_up_months if waves else 3,
            "instruments": [
                i.pk
                for i in choices
                if (i.code in previous_codes if previous_codes else i.code.startswith("peercare-"))
            ],
        }
    if request.method == "POST" and form.is_valid():
        try:
            wave = wave_plan(prison=prison, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{wave.label} planned")
            return redirect("wave-detail", prison.code, wave.pk)
    label = "the next follow-up" if waves else "the baseline survey"
    return render(
        request,
        "outcomes/wave_form.html",
        {"prison": prison, "form": form, "title": f"Plan {label}", "is_baseline": not waves},
    )


def _people(user, prison, wave: SurveyWave, instrument: Instrument, *, keep=None):
    """Who may answer a questionnaire in a wave: buddies on the scheme (active or suspended), or
    people the scheme supports or will support (support not ended before the wave), less those
    who have already answered it."""
    answered = Response.objects.filter(wave=wave, instrument__code=instrument.code)
    if instrument.audience == Audience.BUDDY:
        people = Buddy.objects.for_user(user).filter(
            prison=prison, status__in=[BuddyStatus.ACTIVE, BuddyStatus.SUSPENDED]
        )
        people = people.exclude(pk__in=answered.exclude(buddy=None).values("buddy_id"))
    elif instrument.audience == Audience.RECIPIENT:
        # Not only those already supported: a baseline is best taken before support starts.
        people = (
            Recipient.objects.for_user(user)
            .filter(prison=prison)
            .filter(Q(support_ended_on__isnull=True) | Q(support_ended_on__gte=wave.starts_on))
        )
        people = people.exclude(pk__in=answered.exclude(recipient=None).values("recipient_id"))
    else:
        return None
    return people.order_by("family_name", "given_name")


PERSON_LABEL = {Audience.BUDDY: "Buddy answering", Audience.RECIPIENT: "Person answering"}


@policy.prison_view(policy.VIEW_AGGREGATES)
def wave_detail(request, prison, wave_id):
    """One wave: its results beside the baseline, who has answered, and who is still to ask."""
    wave = get_wave_for_user(prison, wave_id)
    waves = _waves(prison)
    columns = [waves[0], wave] if not wave.is_baseline else [wave]
    hide_small = hides_small_numbers(request.user)
    responses = list(
        Response.objects.for_user(request.user)
        .filter(wave=wave)
        .select_related("instrument", "buddy", "recipient")
        .order_by("instrument__name", "answered_on", "pk")
    )
    scores = results.response_scores(responses)
    instruments = sorted(wave.instruments.all(), key=lambda i: (i.audience, i.name))
    to_ask = []
    if _can_manage(request):
        for instrument in instruments:
            people = _people(request.user, prison, wave, instrument)
            to_ask.append((instrument, people.count() if people is not None else None))
    return render(
        request,
        "outcomes/wave_detail.html",
        {
            "prison": prison,
            "wave": wave,
            "instruments": instruments,
            "tables": results.tables(columns, hide_small=hide_small),
            "responses": [(response, scores[response.pk]) for response in responses],
            "to_ask": to_ask,
            "hide_small": hide_small,
            "can_see_people": policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA),
            "can_manage": _can_manage(request),
            "open": wave.starts_on <= timezone.localdate(),
        },
    )


def _answer_initial(response: Response) -> dict:
    initial = {"answered_on": response.answered_on, "declined": response.declined}
    for number, value in response.answers.values_list("item__number", "value"):
        initial[f"item_{number}"] = "" if value is None else str(value)
    return initial


@policy.prison_view(policy.MANAGE_SCHEME)
def response_new(request, prison, wave_id, instrument_id):
    """The paper-like screen: the lead reads each question aloud and notes the answer given."""
    wave = get_wave_for_user(prison, wave_id)
    instrument = next((i for i in wave.instruments.all() if i.pk == instrument_id), None)
    if instrument is None:
        raise Http404("This questionnaire is not used in this wave")
    people = _people(request.user, prison, wave, instrument)
    today = timezone.localdate()
    form = ResponseForm(
        request.POST or None,
        instrument=instrument,
        people=people,
        person_label=PERSON_LABEL.get(instrument.audience, ""),
        initial={"answered_on": min(max(today, wave.starts_on), wave.ends_on)},
    )
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data.get("person")
        person_field = {Audience.BUDDY: "buddy", Audience.RECIPIENT: "recipient"}.get(
            instrument.audience
        )
        try:
            response = response_record(
                wave=wave,
                instrument=instrument,
                answered_on=form.cleaned_data["answered_on"],
                declined=form.cleaned_data["declined"],
                answers=form.answers,
                **({person_field: person} if person_field else {}),
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"buddy": "person", "recipient": "person"})
        else:
            who = f"{person.given_name} {person.family_name}" if person else "Staff member"
            what = "declined" if response.declined else "answers saved"
            messages.success(request, f"{who}: {what}. Record the next person below.")
            return redirect("response-new", prison.code, wave.pk, instrument.pk)
    return render(
        request,
        "outcomes/response_form.html",
        {
            "prison": prison,
            "wave": wave,
            "instrument": instrument,
            "form": form,
            "title": f"{instrument.name}: {wave.label.lower()}",
            "nobody_left": people is not None and not people.exists(),
        },
    )


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def response_detail(request, prison, response_id):
    response = get_response_for_user(request.user, prison, response_id)
    result = results.response_scores([response])[response.pk]
    answers = dict(response.answers.values_list("item__number", "value"))
    items = [
        (item, answers.get(item.number), dict(item.scale))
        for item in response.instrument.items.select_related("subscale").order_by("number")
    ]
    return render(
        request,
        "outcomes/response_detail.html",
        {
            "prison": prison,
            "response": response,
            "person": response.buddy or response.recipient,
            "items": [(item, value, labels.get(value)) for item, value, labels in items],
            "scores": [*result.subscales.values(), result.overall],
            "can_manage": _can_manage(request),
            "entries": history_entries(response, subject="Response", hidden=["prison", "audience"]),
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def response_edit(request, prison, response_id):
    response = get_response_for_user(request.user, prison, response_id)
    form = ResponseForm(
        request.POST or None, instrument=response.instrument, initial=_answer_initial(response)
    )
    if request.method == "POST" and form.is_valid():
        try:
            response_update(
                response=response,
                answered_on=form.cleaned_data["answered_on"],
                declined=form.cleaned_data["declined"],
                answers=form.answers,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Changes to the answers saved")
            return redirect("response-detail", prison.code, response.pk)
    person = response.buddy or response.recipient
    return render(
        request,
        "outcomes/response_form.html",
        {
            "prison": prison,
            "wave": response.wave,
            "instrument": response.instrument,
            "response": response,
            "person": person,
            "form": form,
            "title": f"Change the answers of {person.given_name} {person.family_name}"
            if person
            else "Change a staff member's answers",
        },
    )


@policy.require_capability(policy.VIEW_AGGREGATES)
def outcomes_comparison(request):
    """Every prison the user may see, side by side: each questionnaire's baseline and latest
    mean for the chosen subscale, and the change."""
    prisons = Prison.objects.for_user(request.user).order_by("name")
    subscale = request.GET.get("score") or OVERALL
    comparisons = results.comparison(
        prisons,
        timezone.localdate(),
        hide_small=hides_small_numbers(request.user),
        subscale=subscale,
    )
    choices = []
    for comparison in comparisons:
        for code, name in comparison.subscales:
            if (code, name) not in choices:
                choices.append((code, name))
    if subscale not in {code for code, _name in choices}:  # an old or mistyped link: overall
        subscale = OVERALL
        comparisons = results.comparison(
            prisons, timezone.localdate(), hide_small=hides_small_numbers(request.user)
        )
    return render(
        request,
        "outcomes/comparison.html",
        {
            "comparisons": comparisons,
            "choices": choices,
            "subscale": subscale,
            "subscale_name": dict(choices).get(subscale, "Overall"),
            "hide_small": hides_small_numbers(request.user),
        },
    )
