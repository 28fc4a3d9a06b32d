"""The pages where people make and revoke their API tokens, and administrators revoke anyone's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from knox.settings import knox_settings

from accounts import policy
from api.forms import TokenForm
from api.models import TokenDetails
from api.services import api_token_create, api_token_revoke
from common.forms import add_service_errors


def _chosen(request, tokens) -> TokenDetails:
    """The token named by the `revoke` button, among those this page may revoke; 404 otherwise."""
    chosen = request.POST.get("revoke", "")
    # isascii() too: "²" is a digit to isdigit() but not a number to int().
    is_id = chosen.isascii() and chosen.isdigit()
    details = tokens.filter(pk=int(chosen)).first() if is_id else None
    if details is None:
        raise Http404("No such token")
    return details


def _listed(tokens):
    return tokens.select_related("token__user").order_by("-token__created", "-pk")


def tokens(request):
    """The signed-in user's own tokens: make one (its secret shown once) or revoke one."""
    own = TokenDetails.objects.filter(token__user=request.user)
    if request.method == "POST" and "revoke" in request.POST:
        details = _chosen(request, own)
        api_token_revoke(details=details, by=request.user)
        messages.success(request, f"Token “{details.name}” revoked: it no longer works")
        return redirect("api-tokens")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            details, secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error, non_field_to="name")
        else:
            response = render(
                request,
                "api/token_created.html",
                {"details": details, "secret": secret},
            )
            response["Cache-Control"] = "no-store"  # the secret must not stay in any cache
            return response
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": _listed(own),
            "now": timezone.now(),
            "days": knox_settings.TOKEN_TTL.days if knox_settings.TOKEN_TTL else None,
            "sees_people": policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA),
            "administers": policy.has_capability(request.user, policy.ADMINISTER),
        },
    )


@policy.require_capability(policy.ADMINISTER)
def all_tokens(request):
    """Every user's tokens, for administrators to revoke one that should not work any more."""
    everyone = TokenDetails.objects.all()
    if request.method == "POST":
        details = _chosen(request, everyone)
        api_token_revoke(details=details, by=request.user)
        messages.success(
            request, f"Token “{details.name}” of {details.token.user} revoked: it no longer works"
        )
        return redirect("api-tokens-all")
    return render(
        request, "api/all_tokens.html", {"tokens": _listed(everyone), "now": timezone.now()}
    )
