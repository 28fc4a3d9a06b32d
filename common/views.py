from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render

from accounts.constants import Role

# One help page per role, in the order the index lists them: (address, role, page title).
# What each page says is in its template, common/help/<address>.html.
HELP_PAGES = [
    ("social-care-lead", Role.SOCIAL_CARE_LEAD, "Help for social care leads"),
    ("prison-staff", Role.PRISON_STAFF, "Help for prison staff"),
    ("local-authority-reviewer", Role.LA_REVIEWER, "Help for local authority reviewers"),
    ("inspector", Role.INSPECTOR, "Help for inspectors"),
    ("national-analyst", Role.NATIONAL_ANALYST, "Help for national analysts"),
    ("administrator", Role.ADMIN, "Help for administrators"),
]


@login_not_required
def help_page(request):
    """Every role's help page, open to everyone; a signed-in user's own role comes first."""
    role = getattr(request.user, "role", None)
    pages = [
        {"slug": slug, "role": page_role, "title": title, "yours": page_role == role}
        for slug, page_role, title in HELP_PAGES
    ]
    pages.sort(key=lambda page: not page["yours"])
    return render(request, "common/help/index.html", {"pages": pages})


@login_not_required
def help_for_role(request, role):
    for slug, page_role, title in HELP_PAGES:
        if slug == role:
            return render(
                request,
                f"common/help/{slug}.html",
                {"slug": slug, "role": page_role, "title": title},
            )
    raise Http404("No help page for that role")


@login_not_required
def accessibility_statement(request):
    return render(request, "common/accessibility.html")


@login_not_required
def privacy_notice(request):
    return render(request, "common/privacy.html")
