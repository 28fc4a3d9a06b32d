"""The questionnaires PeerCare asks, version by version. Everyone signed in may read them (they
hold no one's data); only administrators add one or make a new version."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import policy
from common.forms import add_service_errors
from outcomes import services
from outcomes.instrument_forms import FORM_FIELD_FOR, InstrumentForm
from outcomes.models import Instrument

ALREADY_EXISTS = next(
    constraint.violation_error_message
    for constraint in Instrument._meta.constraints
    if constraint.name == "instrument_version_once"
)


def get_instrument(instrument_id: int) -> Instrument:
    """Any version of any instrument: questionnaires are not about a prison or a person."""
    return get_object_or_404(Instrument, pk=instrument_id)


@policy.require_capability(policy.VIEW_AGGREGATES)
def instrument_list(request):
    instruments = Instrument.objects.annotate(item_count=Count("items")).order_by("name", "version")
    return render(
        request,
        "outcomes/instruments/instrument_list.html",
        {
            "instruments": instruments,
            "can_administer": policy.has_capability(request.user, policy.ADMINISTER),
        },
    )


@policy.require_capability(policy.VIEW_AGGREGATES)
def instrument_detail(request, instrument_id):
    instrument = get_instrument(instrument_id)
    items = list(instrument.items.select_related("subscale"))
    subscales = instrument.subscales.annotate(item_count=Count("items"))
    scales = {tuple(map(tuple, item.scale)) for item in items}
    return render(
        request,
        "outcomes/instruments/instrument_detail.html",
        {
            "instrument": instrument,
            "items": items,
            "subscales": subscales,
            # Most instruments use one scale for every item: show it once, not on every row.
            "common_scale": items[0].scale if len(scales) == 1 else None,
            "min_share_percent": round(instrument.min_share_answered * 100),
            "can_administer": policy.has_capability(request.user, policy.ADMINISTER),
        },
    )


@policy.require_capability(policy.ADMINISTER)
def instrument_new(request):
    # Bound on every POST, even an empty one, so a bare POST is refused rather than ignored.
    form = InstrumentForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            instrument = services.instrument_create(definition=form.definition)
        except ValidationError as error:
            # The one rule the form cannot check alone is the database's: code and version once.
            add_service_errors(form, error, rename={**FORM_FIELD_FOR, NON_FIELD_ERRORS: "version"})
        except IntegrityError:
            # The same instrument sent twice at once: the second save loses to the unique key.
            if not Instrument.objects.filter(
                code=form.definition.code, version=form.definition.version
            ).exists():
                raise
            form.add_error("version", ALREADY_EXISTS)
        else:
            messages.success(
                request,
                f"{instrument} added with {len(form.definition.items)} items",
            )
            return redirect("instrument-detail", instrument.pk)
    return render(
        request,
        "outcomes/instruments/instrument_form.html",
        {"form": form, "title": "Add an instrument"},
    )


@policy.require_capability(policy.ADMINISTER)
@require_POST
def instrument_new_version(request, instrument_id):
    """Copy a version, with its subscales and items, as the next version of its code."""
    instrument = get_instrument(instrument_id)
    copy = services.instrument_new_version(instrument=instrument)
    messages.success(
        request,
        f"Version {copy.version} of {copy.name} made: a copy of version {instrument.version} "
        f"with its {copy.items.count()} items",
    )
    return redirect("instrument-detail", copy.pk)
