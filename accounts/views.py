from django.contrib.auth import views as auth_views
from django.shortcuts import render

from accounts import policy
from accounts.forms import SignInForm
from buddies.constants import Outcome
from buddies.selectors import activity_todo_counts, buddy_todo_counts
from governance.incident_selectors import incident_todo_counts
from governance.models import Prison
from governance.selectors import governance_todo_counts
from recipients.selectors import recipient_todo_counts


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_out = auth_views.LogoutView.as_view()


def home(request):
    """The signed-in home page: the prisons in the user's scope, with what their role lets them do."""
    user = request.user
    prisons = list(
        Prison.objects.for_user(user).select_related("scheme", "local_authority").order_by("name")
    )
    sources = [
        buddy_todo_counts(user),
        recipient_todo_counts(user),
        activity_todo_counts(user),
        governance_todo_counts(user),
        incident_todo_counts(user),
    ]
    todo = []
    for prison in prisons:
        if not any(prison.pk in counts for counts in sources):
            continue
        merged = {k: v for counts in sources for k, v in counts.get(prison.pk, {}).items()}
        merged["missed_reasons"] = [
            (Outcome(key.split(":", 1)[1]).label.removeprefix("Missed: "), n)
            for key, n in merged.items()
            if key.startswith("missed_last_week:")
        ]
        todo.append((prison, merged))
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
