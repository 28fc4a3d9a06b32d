"""Middleware of the service's own: requests no page can answer sensibly, refused before any view
runs, and the caching rule for every response."""

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


class NoStoreByDefault:
    """No browser or proxy keeps a copy of any page, download or API answer: every response
    that does not say how it may be cached gets `Cache-Control: no-store`.

    Nearly everything the service sends holds personal data (names, prison numbers, care
    needs) or figures about people, and is read on shared computers in prisons and councils.
    One rule for every response, rather than a decorator on each view, cannot be forgotten on
    the next page, and also covers redirects, error pages and the API. It costs little: the
    static files (styles, scripts, fonts, images) are answered by WhiteNoise, which sits above
    this middleware, with their own caching. It also means the browser's Back button after
    signing out asks the server again instead of showing the last person's page from memory.

    A response that already sets Cache-Control keeps it: the view chose on purpose (Django's
    sign-in page, for one, sends `no-cache, no-store` and more)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
