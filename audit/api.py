"""Reads through the API, noted by api.views.RecordViewSet (the base of every endpoint serving
records about people) and recorded by AuditReadsMiddleware once the answer is a success.

DRF authenticates inside the view (a token, or the session), and sets the signed-in user on the
request the middleware holds, so the event names the token's owner."""

from collections import Counter

from audit.constants import API_OBJECT_TYPES
from audit.reads import READING, ApiRead


def prison_id_of(record, prison_field: str):
    """The prison of a record, following the endpoint's path to it ("recipient__prison")."""
    *hops, last = prison_field.split("__")
    for hop in hops:
        record = getattr(record, hop)
    return getattr(record, f"{last}_id")


def note_api_read(view, records, *, many: bool) -> None:
    """Note the records an endpoint is about to show: one record, or a page of a list (then one
    event per prison in it, with how many of its records were listed)."""
    request = view.request
    if request.method not in READING:
        return
    model = view.records().model
    object_type = API_OBJECT_TYPES.get(model._meta.label, model._meta.model_name)
    if many:
        counts = Counter(prison_id_of(record, view.prison_field) for record in records)
        noted = [
            ApiRead(object_type, None, prison_id, {"records": count})
            for prison_id, count in sorted(counts.items())
        ] or [ApiRead(object_type, None, None, {"records": 0})]
    else:
        noted = [ApiRead(object_type, records.pk, prison_id_of(records, view.prison_field))]
    request._request.audit_api_reads = noted
