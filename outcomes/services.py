import datetime as dt
from collections.abc import Mapping, Sequence

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.formatting import govuk_date
from governance.models import Prison
from outcomes.models import Answer, Instrument, Item, Response, Subscale, SurveyWave
from outcomes.validation import InstrumentDefinition, validate_instrument_definition


@transaction.atomic
def instrument_create(*, definition: InstrumentDefinition) -> Instrument:
    """Save an instrument entered item by item (e.g. a licensed validated scale), all or nothing.
    Raises ValidationError listing every problem with the definition."""
    validate_instrument_definition(definition)
    instrument = Instrument(
        code=definition.code,
        name=definition.name,
        version=definition.version,
        audience=definition.audience,
        scoring_rule=definition.scoring_rule,
        min_share_answered=definition.min_share_answered,
        licence_note=definition.licence_note,
    )
    instrument.full_clean()
    instrument.save()
    subscales = {}
    for order, subscale_definition in enumerate(definition.subscales, start=1):
        subscale = Subscale(
            instrument=instrument,
            code=subscale_definition.code,
            name=subscale_definition.name,
            order=order,
        )
        subscale.full_clean()
        subscale.save()
        subscales[subscale.code] = subscale
    for item_definition in sorted(definition.items, key=lambda item: item.number):
        item = Item(
            instrument=instrument,
            number=item_definition.number,
            text=item_definition.text,
            subscale=subscales[item_definition.subscale],
            reverse_scored=item_definition.reverse_scored,
            scale=[list(point) for point in item_definition.scale],
        )
        item.full_clean()
        item.save()
    return instrument


@transaction.atomic
def instrument_new_version(*, instrument: Instrument) -> Instrument:
    """Copy a version of an instrument, with its subscales and items, as the next version of its
    code (one more than the highest so far), to be changed before anyone answers it. Responses
    stay on the version they were given on."""
    # Lock the code's versions so two copies made at once cannot take the same number (the
    # unique key would refuse the second anyway).
    latest = max(
        Instrument.objects.select_for_update()
        .filter(code=instrument.code)
        .values_list("version", flat=True)
    )
    copy = Instrument(
        code=instrument.code,
        name=instrument.name,
        version=latest + 1,
        audience=instrument.audience,
        scoring_rule=instrument.scoring_rule,
        min_share_answered=instrument.min_share_answered,
        licence_note=instrument.licence_note,
    )
    copy.full_clean()
    copy.save()
    subscales = {}
    for subscale in instrument.subscales.order_by("order", "code"):
        subscales[subscale.pk] = Subscale.objects.create(
            instrument=copy, code=subscale.code, name=subscale.name, order=subscale.order
        )
    Item.objects.bulk_create(
        Item(
            instrument=copy,
            number=item.number,
            text=item.text,
            subscale=subscales[item.subscale_id],
            reverse_scored=item.reverse_scored,
            scale=item.scale,
        )
        for item in instrument.items.order_by("number")
    )
    return copy


# Survey waves and responses ------------------------------------------------------------------


def _merge(errors: dict, error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        errors.setdefault(name, []).extend(messages)


@transaction.atomic
def wave_plan(
    *,
    prison: Prison,
    starts_on: dt.date,
    ends_on: dt.date,
    follow_up_months: int,
    instruments: Sequence[Instrument],
    user=None,
) -> SurveyWave:
    """Plan a prison's next survey wave: the baseline if it has none, else the next follow-up.
    A follow-up starts after the previous wave has ended, and a wave asks one version of each
    questionnaire it uses. Raises ValidationError by field."""
    Prison.objects.select_for_update().filter(pk=prison.pk).first()  # one planner at a time
    previous = SurveyWave.objects.filter(prison=prison).order_by("-number").first()
    errors: dict[str, list[str]] = {}
    if previous and starts_on and starts_on <= previous.ends_on:
        errors["starts_on"] = [
            f"{previous.label} ends on {govuk_date(previous.ends_on)}: start this wave after that"
        ]
    codes = [instrument.code for instrument in instruments]
    if not instruments:
        errors["instruments"] = ["Select at least one questionnaire"]
    elif len(set(codes)) < len(codes):
        errors["instruments"] = ["Select one version of each questionnaire"]
    wave = SurveyWave(
        prison=prison,
        number=previous.number + 1 if previous else 0,
        starts_on=starts_on,
        ends_on=ends_on,
        follow_up_months=follow_up_months,
        created_by=user,
    )
    try:
        wave.full_clean()
    except ValidationError as error:
        _merge(errors, error)
    if errors:
        raise ValidationError(errors)
    wave.save()
    wave.instruments.set(instruments)
    return wave


NO_ANSWERS = "Select an answer to at least one question, or record that they declined"
DECLINED_WITH_ANSWERS = (
    "A person who declined has no answers: clear the answers, or untick that they declined"
)


def _check_answers(
    instrument: Instrument, answers: Mapping[int, int | None], declined: bool
) -> dict[str, list[str]]:
    """Answers by item number must be on the item's scale; a declined response has none and any
    other response has at least one."""
    items = {item.number: item for item in instrument.items.all()}
    errors: dict[str, list[str]] = {}
    for number, value in answers.items():
        if number not in items:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                f"Question {number} is not on this questionnaire"
            )
        elif value is not None and value not in items[number].values:
            values = ", ".join(str(v) for v in items[number].values)
            errors[f"item_{number}"] = [f"Question {number}: choose one of {values}"]
    given = [value for value in answers.values() if value is not None]
    if declined and given:
        errors.setdefault("declined", []).append(DECLINED_WITH_ANSWERS)
    if not declined and not given:
        errors.setdefault(NON_FIELD_ERRORS, []).append(NO_ANSWERS)
    return errors


def _check_date(answered_on: dt.date | None) -> dict[str, list[str]]:
    if answered_on and answered_on > timezone.localdate():
        return {"answered_on": ["The date they answered must be today or in the past"]}
    return {}


@transaction.atomic
def response_record(
    *,
    wave: SurveyWave,
    instrument: Instrument,
    answered_on: dt.date,
    declined: bool,
    answers: Mapping[int, int | None],
    buddy=None,
    recipient=None,
) -> Response:
    """Record one person's answers in a wave, as read out and noted by a lead, or that they
    declined. Every item gets an answer row, empty where it was not answered, so the record
    says which items were skipped. All or nothing; raises ValidationError by field."""
    response = Response(
        wave=wave,
        instrument=instrument,
        prison_id=wave.prison_id,
        buddy=buddy,
        recipient=recipient,
        answered_on=answered_on,
        declined=declined,
    )
    errors = {**_check_answers(instrument, answers, declined), **_check_date(answered_on)}
    try:
        response.full_clean()
    except ValidationError as error:
        _merge(errors, error)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as error:  # someone recorded the same person a moment ago
        raise ValidationError(
            {NON_FIELD_ERRORS: ["This person has already answered in this wave"]}
        ) from error
    bulk_create_with_history(
        [
            Answer(response=response, item=item, value=answers.get(item.number))
            for item in instrument.items.all()
        ],
        Answer,
    )
    return response


@transaction.atomic
def response_update(
    *,
    response: Response,
    answered_on: dt.date,
    declined: bool,
    answers: Mapping[int, int | None],
) -> Response:
    """Correct a recorded response: its date, whether they declined, and its answers."""
    errors = {
        **_check_answers(response.instrument, answers, declined),
        **_check_date(answered_on),
    }
    response.answered_on, response.declined = answered_on, declined
    try:
        response.full_clean()
    except ValidationError as error:
        _merge(errors, error)
    if errors:
        response.refresh_from_db()
        raise ValidationError(errors)
    response.save()
    stored = {answer.item_id: answer for answer in response.answers.select_related("item")}
    changed, added = [], []
    for item in response.instrument.items.all():
        value = answers.get(item.number)
        answer = stored.get(item.pk)
        if answer is None:
            added.append(Answer(response=response, item=item, value=value))
        elif answer.value != value:
            answer.value = value
            changed.append(answer)
    if added:
        bulk_create_with_history(added, Answer)
    if changed:
        bulk_update_with_history(changed, Answer, ["value"])
    return response
