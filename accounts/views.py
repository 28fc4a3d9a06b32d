from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.forms import SignInForm
from accounts.todo import action_lists
from governance.models import Prison


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Signing out ends every session of the user, on every device, not only this one."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            request.user.end_every_session()
        return super().post(request, *args, **kwargs)


sign_out = SignOutView.as_view()


@require_POST
def keep_alive(request):
    """What the timeout warning's "Stay signed in" asks for. The request itself is the activity
    that accounts.sessions.SessionTimeouts notes, so there is nothing to answer."""
    return HttpResponse(status=204)


def home(request):
    """The signed-in home page: the prisons in the user's scope, with what their role lets them do."""
    user = request.user
    prisons = list(
        Prison.objects.for_user(user).select_related("scheme", "local_authority").order_by("name")
    )
    todo = action_lists(user, prisons)
    return render(
        request,
        "accounts/home.html",
        {
            "prisons": prisons,
            "todo": todo,
            "sees_people": policy.has_capability(user, policy.VIEW_PERSONAL_DATA),
            "manages": policy.has_capability(user, policy.MANAGE_SCHEME),
            "reviews": policy.has_capability(user, policy.REVIEW_CARE_PLANS),
        },
    )
