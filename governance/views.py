from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts import policy
from buddies.selectors import buddy_pool
from common.forms import add_service_errors
from common.history import history_entries
from governance.classification import governance_model
from governance.compliance import psi_compliance
from governance.constants import TaskKind
from governance.forms import SchemeForm
from governance.models import Prison, Task
from governance.services import scheme_update


@policy.require_capability(policy.VIEW_AGGREGATES)
def prison_list(request):
    prisons = (
        Prison.objects.for_user(request.user)
        .select_related("scheme", "local_authority")
        .order_by("name")
    )
    return render(request, "governance/prison_list.html", {"prisons": prisons})


@policy.prison_view(policy.VIEW_AGGREGATES)
def prison_detail(request, prison):
    scheme = getattr(prison, "scheme", None)
    allowed = list(scheme.allowed_tasks()) if scheme else []
    return render(
        request,
        "governance/prison_detail.html",
        {
            "prison": prison,
            "scheme": scheme,
            "mandatory_modules": scheme.mandatory_modules.all() if scheme else [],
            "allowed_tasks": allowed,
            "pool": buddy_pool(prison) if scheme else None,
            "forbidden_tasks": Task.objects.filter(kind=TaskKind.FORBIDDEN),
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
            "can_record": policy.has_capability(request.user, policy.RECORD_ACTIVITY),
            "can_see_history": policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA),
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def scheme_edit(request, prison):
    scheme = prison.scheme
    if request.method == "POST":
        form = SchemeForm(request.POST)
        if form.is_valid():
            try:
                scheme_update(scheme=scheme, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Scheme settings for {prison.name} saved")
                return redirect("prison-detail", prison.code)
    else:
        form = SchemeForm(
            initial={
                "name": scheme.name,
                "formality": scheme.formality,
                "leadership": scheme.leadership,
                "started_on": scheme.started_on,
                "allows_outer_clothing": scheme.allows_outer_clothing,
                "allows_medication_collect": scheme.allows_medication_collect,
                "min_pay_rate": scheme.min_pay_rate,
                "max_pay_rate": scheme.max_pay_rate,
                "recipients_per_buddy": scheme.recipients_per_buddy,
                "mandatory_modules": list(scheme.mandatory_modules.all()),
            }
        )
    return render(request, "governance/scheme_form.html", {"prison": prison, "form": form})


@policy.prison_view(policy.VIEW_PERSONAL_DATA)
def prison_history(request, prison):
    entries = history_entries(prison.scheme, subject="Scheme settings") + history_entries(
        prison, subject="Prison details"
    )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return render(request, "governance/prison_history.html", {"prison": prison, "entries": entries})


@policy.prison_view(policy.VIEW_AGGREGATES)
def prison_compliance(request, prison):
    """PSI 17/2015 requirement by requirement, and the scheme's governance model, from its records."""
    today = timezone.localdate()
    return render(
        request,
        "governance/prison_compliance.html",
        {
            "prison": prison,
            "results": psi_compliance(prison, today),
            "classification": governance_model(prison, today),
            "on": today,
            "can_see_records": policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA),
            "can_see_history": policy.has_capability(request.user, policy.VIEW_PERSONAL_DATA),
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
            "can_record": policy.has_capability(request.user, policy.RECORD_ACTIVITY),
        },
    )
