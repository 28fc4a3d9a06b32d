"""Files sent for download: as an attachment that browsers and proxies must not keep a copy of."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    # Downloads carry personal data or figures about people: a shared computer's cache is no
    # place for them.
    response["Cache-Control"] = "no-store"
    return response
