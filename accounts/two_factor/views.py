from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from accounts import two_factor
from accounts.two_factor.forms import CodeForm, RecoveryCodeForm
from audit.events import record_security_event


def next_page(request) -> str:
    """Where the user was going before the second step (only an address on this site)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def show_recovery_codes(request, codes, *, first_time):
    return render(
        request,
        "accounts/two_factor/recovery_codes.html",
        {"codes": codes, "first_time": first_time, "next": next_page(request)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    """First sign-in (or after a reset): scan the QR code, or type the key, then enter the app's
    first code. A user who already has an app must enter its code first (a password alone is not
    enough to replace the second factor); once verified, this page changes their app (a new
    phone), and the old app stops working only when the new one has given a right code."""
    user = request.user
    if two_factor.authenticator(user) and not user.is_verified():
        return redirect(step_url("two-factor-verify", request))
    device = two_factor.pending_authenticator(user)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.wait_seconds(device)
        if wait:
            form.refuse(wait)
        elif two_factor.confirm_authenticator(request, device, form.cleaned_data["code"]):
            record_security_event("two_factor_set_up", user=user, request=request)
            codes = two_factor.new_recovery_codes(user)
            record_security_event("recovery_codes_created", user=user, request=request)
            return show_recovery_codes(request, codes, first_time=True)
        else:
            record_security_event("two_factor_failed", user=user, request=request)
            form.refuse()
    return render(
        request,
        "accounts/two_factor/set_up.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.secret_for_typing(device),
            "next": next_page(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of every sign-in: the code the app shows now."""
    return _verify(
        request, CodeForm, two_factor.authenticator(request.user), "accounts/two_factor/verify.html"
    )


@login_required
@require_http_methods(["GET", "POST"])
def recovery(request):
    """The second step with a recovery code instead, when the phone is not to hand."""
    return _verify(
        request,
        RecoveryCodeForm,
        two_factor.recovery_device(request.user),
        "accounts/two_factor/recovery.html",
    )


def _verify(request, form_class, device, template):
    user = request.user
    if user.is_verified():
        return redirect(next_page(request))
    if two_factor.authenticator(user) is None:
        return redirect(step_url("two-factor-set-up", request))
    form = form_class(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.wait_seconds(device) if device else 0
        if wait:
            form.refuse(wait)
        elif two_factor.verify_code(request, device, form.cleaned_data["code"]):
            if form_class is RecoveryCodeForm:
                record_security_event("recovery_code_used", user=user, request=request)
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left: "
                    "make new ones from your two-factor sign-in page if you are running out.",
                )
            return redirect(next_page(request))
        else:
            record_security_event("two_factor_failed", user=user, request=request)
            form.refuse()
    return render(request, template, {"form": form, "next": next_page(request)})


def account(request):
    """The user's own two-factor page: when their app was set up, how many recovery codes are
    left, and the two changes they may make."""
    user = request.user
    app = two_factor.authenticator(user)
    return render(
        request,
        "accounts/two_factor/account.html",
        {"app": app, "codes_left": two_factor.recovery_codes_left(user)},
    )


@require_POST
def recovery_codes_new(request):
    codes = two_factor.new_recovery_codes(request.user)
    record_security_event("recovery_codes_created", user=request.user, request=request)
    return show_recovery_codes(request, codes, first_time=False)


def step_url(name, request):
    return f"{reverse(name)}?next={quote(next_page(request), safe='/')}"
