"""Sign-in lockout, with django-axes (settings: AXES_*).

Five failed sign-ins with one username, or from one address, pause signing in with that username
or from that address for ten minutes. The page that says so is the same whether or not the
username belongs to anyone, so it cannot be used to find out who has an account.
"""

from axes.helpers import get_cool_off
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import render

from accounts.durations import describe


def locked_out(request, original_response=None, credentials=None):
    """The GOV.UK page shown instead of the sign-in page while signing in is paused (axes'
    AXES_LOCKOUT_CALLABLE). 429 Too Many Requests: the request was fine, there were too many."""
    return render(
        request,
        "accounts/locked_out.html",
        {"cool_off": describe(get_cool_off(request))},
        status=429,
    )


def client_ip_address(request) -> str | None:
    """The address of the computer signing in (axes' AXES_CLIENT_IP_CALLABLE).

    With no proxy in front (PEERCARE_PROXY_COUNT 0) it is the connection's own address. Behind N
    proxies that each add the address they were reached from to X-Forwarded-For, it is the N-th
    address from the right: the one the outermost proxy saw. A client can put anything at the
    left of that header, but not there. A request with fewer addresses than that did not come
    through the proxies, and its connection's address is the truth."""
    count = settings.PEERCARE_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if len(addresses) >= count:
            return addresses[-count]
    return request.META.get("REMOTE_ADDR")


@receiver(user_logged_in, dispatch_uid="accounts.lockout.clear_own_failures")
def clear_own_failures(sender, request, user, **kwargs):
    """A successful sign-in clears the failures against that username only (axes'
    AXES_RESET_ON_SUCCESS would also clear every failure from the same address, so anyone with
    an account could wipe the count against someone else's username and keep guessing)."""
    reset(username=user.get_username())
