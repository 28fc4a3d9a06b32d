"""One shape for every error the API returns, 400 to 415:

    {"status": 400, "code": "invalid", "detail": "…", "errors": {"field": ["message", …]}}

`errors` names each field that is wrong (a field inside a list as `tasks.0`; anything not about
one field as `non_field_errors`) and is empty for errors that are not about the input.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from api.permissions import NO_ACCESS

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
INVALID = "The request is not valid: see errors"
KNOX_INVALID_TOKEN = "Invalid token."  # noqa: S105 - knox's message, not a secret
PLAIN_WORDS = {
    exceptions.NotAuthenticated: "Send your API token in the Authorization header, "
    "like this: Authorization: Token <your token>",
    exceptions.AuthenticationFailed: "This token does not work: it may have been revoked or "
    "have expired. Make a new one at /account/api-tokens/",
    exceptions.NotFound: "Not found",
    exceptions.PermissionDenied: NO_ACCESS,
}


def error_body(status_code: int, code: str, detail: str, errors: dict | None = None) -> dict:
    return {"status": status_code, "code": code, "detail": detail, "errors": errors or {}}


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {field: [messages]}; nested fields joined with dots."""
    found: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = NON_FIELD if key in {NON_FIELD, NON_FIELD_ERRORS} else str(key)
            for field, messages in flatten(value, f"{prefix}.{name}" if prefix else name).items():
                found.setdefault(field, []).extend(messages)
    elif isinstance(detail, list) and all(not isinstance(item, dict | list) for item in detail):
        if detail:
            found[prefix or NON_FIELD] = [str(item) for item in detail]
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            for field, messages in flatten(
                item, f"{prefix}.{index}" if prefix else str(index)
            ).items():
                found.setdefault(field, []).extend(messages)
    else:
        found[prefix or NON_FIELD] = [str(detail)]
    return found


def service_errors(error: DjangoValidationError, rename: dict[str, str]) -> dict[str, list[str]]:
    """A domain service's ValidationError with its field names put into the API's names."""
    messages = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD: error.messages}
    found: dict[str, list[str]] = {}
    for name, field_messages in messages.items():
        target = NON_FIELD if name == NON_FIELD_ERRORS else rename.get(name, name)
        found.setdefault(target, []).extend(field_messages)
    return found


def api_exception_handler(exc, context):
    """DRF's handler (status, headers such as WWW-Authenticate), with the one error body."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(service_errors(exc, {}))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()  # the same words whatever was looked for
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(NO_ACCESS)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a real fault: Django's 500 page, logged
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(response.status_code, "invalid", INVALID, flatten(exc.detail))
        return response
    detail = str(exc.detail)
    if detail in {str(exc.default_detail), KNOX_INVALID_TOKEN}:
        detail = PLAIN_WORDS.get(type(exc), detail)
    code = exc.get_codes()
    response.data = error_body(
        response.status_code, code if isinstance(code, str) else exc.default_code, detail
    )
    return response


@csrf_exempt
@login_not_required
def api_not_found(request, *args, **kwargs):
    """Any address under /api/ that is not an endpoint: 404 in the API's error shape."""
    detail = "Not found: see /api/docs/ for the endpoints"
    path = request.path
    if not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            detail = f"Not found: did you mean {path}/ (with a slash at the end)?"
    return JsonResponse(
        error_body(status.HTTP_404_NOT_FOUND, "not_found", detail),
        status=status.HTTP_404_NOT_FOUND,
    )
