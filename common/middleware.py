"""Requests no page can answer sensibly, refused before any view runs."""

from django.core.exceptions import BadRequest


class RejectNulCharacters:
    """A NUL character in the address or the query string is never meant: PostgreSQL cannot
    even compare it, so a lookup with it would fail as a server error. Form fields refuse it
    themselves (Django's ProhibitNullCharactersValidator); this covers the URL, for every page
    present and future. The answer is the service's 400 page. The API (under /api/) answers
    such requests itself, in its own JSON error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)
