from django.db import transaction

from outcomes.models import Instrument, Item, Subscale
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
