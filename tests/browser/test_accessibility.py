"""Every page, as every role that can reach it, passes axe-core's WCAG 2.2 AA rules with no serious
or critical violation, and every status badge says what it means in words.

The walk starts at the home page with the demo data (`seed_demo`) and follows every link on each
page it reaches, in the browser, as each role and as nobody signed in. One page of each URL pattern
is checked per role (a second buddy's page is the same template with other words). The walk must
reach every page of the service's URL patterns for at least one role: a page added later and
linked from nowhere a role can go fails `test_the_walk_reaches_every_page` until it is linked or
listed below as a page that is not one.
"""

import datetime as dt
from collections import Counter, deque
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser

from accounts.constants import Role
from accounts.models import User
from exchange.models import ImportRun
from files.models import FileState, PreparedFile
from governance.demo import USERS
from governance.models import Prison
from recipients.constants import SupportEndReason
from recipients.models import Recipient
from recipients.services import recipient_take_over
from tests.browser.axe import describe, silent_badges, violations
from tests.test_every_url import URLS, is_api
from tests.two_factor import password_only_login

pytestmark = pytest.mark.django_db(transaction=True)

# Addresses that are no page to look at: files, answers to a form, the API.
DOWNLOADS = {
    "monitoring-summary-pdf",
    "week-sheet-pdf",
    "recipient-handover-pdf",
    "pay-sheet-csv",
    "import-errors-csv",
    "export-xlsx",
    "export-zip",
    "cost-summary-download",
    "file-download",
}
POST_ONLY = {
    "sign-out",
    "session-keep-alive",
    "file-request",
    "plan-submit",
    "plan-review",
    "import-confirm",
    "incident-suspend",
    "two-factor-recovery-codes",
    "instrument-new-version",
}
NOT_PAGES = DOWNLOADS | POST_ONLY | {"api-not-found", "api-schema", "healthz", "readyz"}
ROLES = [username for username, *_ in USERS]
TWO_FACTOR_STEPS = ["/account/two-factor/verify/", "/account/two-factor/recovery/"]
PAGES_READ = 5


def records_demo_data_lacks() -> dict[str, list[str]]:
    """A checked import, a file prepared for the analyst, someone moved from Westfell to
    Northgate, and a new member of staff who has not set up an authenticator app: pages that only
    these lead to. Returns the people's pages, for the walks to start from too."""
    ngt = Prison.objects.get(code="NGT")
    ImportRun.objects.create(prison=ngt, source="browser", result="checked", files=["buddies.csv"])
    PreparedFile.objects.create(
        kind="comparison",
        parameters={"from": "2025-11-26", "to": "2026-11-25", "by": "prison", "format": "csv"},
        title="Prisons compared",
        requested_by=User.objects.get(username="demo_analyst"),
        state=FileState.READY,
        filename="prisons-compared.csv",
        content_type="text/csv; charset=utf-8",
        content=b"prison_code\n",
    )
    User.objects.create_user("new_starter", role=Role.PRISON_STAFF).prisons.add(ngt)
    moved = Recipient.objects.filter(prison__code="WFL", support_ended_on__isnull=True).first()
    Recipient.objects.filter(pk=moved.pk).update(
        support_ended_on=dt.date(2026, 11, 20),
        end_reason=SupportEndReason.TRANSFERRED,
        transferred_to=ngt,
    )
    arrived = recipient_take_over(prison=ngt, prison_number=moved.prison_number)
    return {
        "demo_lead": ["/", f"/prisons/NGT/people/{arrived.pk}/"],
        "demo_admin": ["/", f"/prisons/WFL/people/{moved.pk}/"],
    }


def url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def signed_in_context(
    browser: Browser, live_server, username: str | None, *, second_factor: bool = True, **options
):
    """A browser context signed in as the user, past the second factor unless told otherwise,
    or as nobody."""
    context = browser.new_context(**options)
    if username:
        client = Client()
        user = User.objects.get(username=username)
        if second_factor:
            client.force_login(user)
        else:
            password_only_login(client, user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def problems_in(tab) -> list[dict]:
    """axe's serious and critical findings, and badges without words."""
    found = violations(tab)
    badges = silent_badges(tab)
    if badges:
        found.append(
            {
                "id": "badge-text",
                "impact": "serious",
                "help": "badge with no text",
                "targets": badges,
            }
        )
    return found


def walk(
    browser: Browser, live_server, username: str | None, start=("/",), **sign_in
) -> tuple[set[str], dict]:
    """Visit one page of each URL pattern reachable by links from the home page; return the names
    visited and the problems found, by address. A form for something new is also sent empty, so
    its error messages are checked too (a form whose defaults are enough saves, which is fine).

    axe checks the first page of each pattern. Links are gathered from up to PAGES_READ of them:
    the first buddy may have left, and only an active one's page links to the quick log."""
    context = signed_in_context(browser, live_server, username, **sign_in)
    tab = context.new_page()
    origin = urlsplit(live_server.url).netloc
    queue, read, seen, problems = deque((path, None) for path in start), set(), Counter(), {}
    while queue:
        path, linked_from = queue.popleft()
        name = url_name(urlsplit(path).path)
        if name is None or path in read or seen[name] >= PAGES_READ:
            continue
        if name in NOT_PAGES or is_api(name):
            continue
        read.add(path)
        seen[name] += 1
        response = tab.goto(live_server.url + path)
        if response is None or response.status != 200:  # a link the role may not follow
            status = response.status if response else "no answer"
            problems[f"{username} {path}"] = [
                {"id": "broken-link", "impact": "serious", "help": status, "targets": [linked_from]}
            ]
            continue
        if seen[name] == 1 and (found := problems_in(tab)):
            problems[f"{username} {path}"] = found
        if name == "help-role":  # another role's help names screens this one cannot open
            continue
        for href in tab.evaluate(
            "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"
        ):
            parts = urlsplit(href)
            if parts.netloc == origin and "format=" not in parts.query:  # not a file
                queue.append((parts.path + (f"?{parts.query}" if parts.query else ""), path))
        send = tab.locator("main form[method=post i] button:not([formaction])")
        if seen[name] == 1 and (name.endswith("-new") or name == "sign-in") and send.count():
            send.last.click()
            tab.wait_for_load_state()
            if found := problems_in(tab):
                problems[f"{username} {path} sent empty"] = found
    context.close()
    return set(seen), problems


def test_every_page_passes_axe_for_every_role(browser: Browser, live_server, transactional_db):
    call_command("seed_demo", stdout=StringIO())
    starts = records_demo_data_lacks()
    walks = {
        "nobody": (None, {"start": ["/sign-in/", "/help/", "/accessibility/", "/privacy/"]}),
        # Between the password and the code; and a first sign-in, with no authenticator app yet.
        "second step": ("demo_lead", {"start": TWO_FACTOR_STEPS, "second_factor": False}),
        "first sign-in": ("new_starter", {"start": ["/"], "second_factor": False}),
        **{username: (username, {"start": starts.get(username, ["/"])}) for username in ROLES},
    }
    visited, problems = {}, {}
    for key, (username, options) in walks.items():
        visited[key], found = walk(browser, live_server, username, **options)
        problems.update(found)
    assert not problems, describe(problems)
    # Each role reaches its own pages (a handful at least), and together they reach them all.
    assert all(len(names) >= 4 for names in visited.values()), visited
    pages = {name for name, _params in URLS if not is_api(name)} - NOT_PAGES
    unreached = sorted(pages - set().union(*visited.values()))
    assert unreached == [], f"no link leads to {unreached}"
