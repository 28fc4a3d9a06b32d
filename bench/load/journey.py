"""A social care lead's daily journey through PeerCare, for the load test and its check.

Kept free of locust (which monkey-patches the standard library with gevent when imported) so the
test suite can import it, reverse every URL it uses and drive it once through Django's test
client. The locustfile runs the same steps against gunicorn.

The journey, one "day" of a lead: sign in (password, then the code from their authenticator
app); the home page with its action lists; the buddy list;
the people list and one person's page; the week's sessions sheet; the pay sheet; record one
session through the quick log on that person's page; the monitoring dashboard; sign out.
"""

import base64
import datetime as dt
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from django_otp.oath import TOTP

PRISON = "NGT"  # a demo prison (governance/demo.py)
USERNAME = "demo_lead"  # its social care lead
PASSWORD = "demo-peercare-2026"  # noqa: S105 - the demo accounts' published password
# The demo accounts' authenticator key (governance/demo.py DEMO_TWO_FACTOR_KEY), published too.
TOTP_KEY = "PEERCAREDEMOKEYFORTESTINGONLY234"

# Every page the journey opens: (step label, URL name, whether the URL takes the prison code).
# tests/test_load_journey.py reverses each, so renaming a URL fails the tests, not the load test.
PAGES = {
    "sign-in": ("sign-in", False),
    "code": ("two-factor-verify", False),
    "home": ("home", False),
    "buddies": ("buddy-list", True),
    "people": ("recipient-list", True),
    "week sheet": ("week-sheet-current", True),
    "pay sheet": ("pay-sheet", True),
    "monitoring": ("monitoring-dashboard", True),
    "sign-out": ("sign-out", False),
}
# Pages for one record, reversed with the prison code and the record's id.
RECORD_PAGES = {
    "person": "recipient-detail",
    "quick log": "recipient-quick-log",
}

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHECKED_TASK_RE = re.compile(r'<input[^>]*name="tasks"[^>]*value="([^"]+)"[^>]*checked', re.S)


def person_ids(html: str, prison: str) -> list[int]:
    return sorted({int(n) for n in re.findall(rf"/prisons/{prison}/people/(\d+)/", html)})


def buddy_ids(html: str, prison: str) -> list[int]:
    return sorted({int(n) for n in re.findall(rf"/prisons/{prison}/buddies/(\d+)/", html)})


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    if match is None:
        raise JourneyError("no CSRF token in the form")
    return match.group(1)


class Authenticator:
    """One account's authenticator app: the code for now, as the app shows it. A code works
    once (the server refuses a time step it has accepted), so a simulated user signing in again
    within 30 seconds takes the next step, which the server allows for clock drift, or waits
    for it."""

    def __init__(self, key_base32: str = TOTP_KEY, wait: Callable[[float], None] = time.sleep):
        self.key = base64.b32decode(key_base32 + "=" * (-len(key_base32) % 8))
        self.wait = wait
        self.last_step = -1

    def code(self) -> str:
        now = time.time()
        step = max(int(now // 30), self.last_step + 1)
        if step > int(now // 30) + 1:
            self.wait(step * 30 - 30 - now + 0.05)
        self.last_step = step
        totp = TOTP(self.key)
        totp.time = step * 30
        return f"{totp.token():06d}"


class JourneyError(Exception):
    """A page did not answer as a signed-in lead expects."""


@dataclass
class Response:
    status: int
    text: str
    location: str = ""  # the Location header of a redirect, else ""


class Client(Protocol):
    """What the journey needs of an HTTP client: no redirects followed, cookies kept."""

    def get(self, path: str, label: str) -> Response: ...

    def post(self, path: str, data: dict, label: str) -> Response: ...


@dataclass
class Outcome:
    """What the quick log did: a session recorded, or the form shown again with a reason (most
    often a duplicate: many simulated leads record for the same few people)."""

    recorded: int = 0
    refused: int = 0
    refusals: list[str] = field(default_factory=list)


def run_day(
    client: Client,
    url: Callable[..., str],
    *,
    prison: str = PRISON,
    username: str = USERNAME,
    password: str = PASSWORD,
    authenticator: Authenticator | None = None,
    pause: Callable[[], None] = lambda: None,
    rng: random.Random | None = None,
    today: dt.date | None = None,
    outcome: Outcome | None = None,
) -> Outcome:
    """One day of a lead. `url(name, *args)` reverses a URL name; `pause()` is the think time
    between pages. Raises JourneyError when a page answers unexpectedly."""
    authenticator = authenticator or Authenticator()
    rng = rng or random.Random()  # noqa: S311 - picks a page to open, not a secret
    today = today or dt.date.today()
    outcome = outcome or Outcome()

    def page(name: str, *args) -> str:
        return url(PAGES[name][0], *((prison, *args) if PAGES[name][1] else args))

    def expect(response: Response, status: int, what: str) -> Response:
        if response.status != status:
            raise JourneyError(f"{what}: HTTP {response.status}, expected {status}")
        return response

    sign_in = expect(client.get(page("sign-in"), "sign-in form"), 200, "sign-in form")
    answer = client.post(
        page("sign-in"),
        {
            "csrfmiddlewaretoken": csrf_token(sign_in.text),
            "username": username,
            "password": password,
        },
        "sign-in",
    )
    if answer.status != 302:
        raise JourneyError(f"sign-in refused: HTTP {answer.status}")
    verify = expect(client.get(page("code"), "code form"), 200, "code form")
    answer = client.post(
        page("code"),
        {"csrfmiddlewaretoken": csrf_token(verify.text), "code": authenticator.code()},
        "code",
    )
    if answer.status != 302:
        raise JourneyError(f"code refused: HTTP {answer.status}")
    pause()
    expect(client.get(page("home"), "home"), 200, "home")
    pause()
    buddies = expect(client.get(page("buddies"), "buddies"), 200, "buddies")
    if not buddy_ids(buddies.text, prison):
        raise JourneyError("the buddy list shows no buddy")
    pause()
    people = person_ids(expect(client.get(page("people"), "people"), 200, "people").text, prison)
    if not people:
        raise JourneyError("the people list shows no one")
    person = rng.choice(people)
    detail = client.get(url(RECORD_PAGES["person"], prison, person), "person")
    expect(detail, 200, "person")
    pause()
    week = expect(client.get(page("week sheet"), "week sheet (redirect)"), 302, "week sheet")
    expect(client.get(week.location, "week sheet"), 200, "week sheet")
    pause()
    expect(client.get(page("pay sheet"), "pay sheet"), 200, "pay sheet")
    pause()
    log_url = url(RECORD_PAGES["quick log"], prison, person)
    form = expect(client.get(log_url, "quick log form"), 200, "quick log form")
    assigned = buddy_ids(detail.text, prison)
    day = today - dt.timedelta(days=rng.randrange(7))
    data = {
        "csrfmiddlewaretoken": csrf_token(form.text),
        "date_0": str(day.day),
        "date_1": str(day.month),
        "date_2": str(day.year),
        "period": rng.choice(["am", "pm", "eve"]),
        "buddy": str(rng.choice(assigned)) if assigned else "",
        "recipient": str(person),
        "outcome": "yes",
        "minutes": "30",
        "tasks": CHECKED_TASK_RE.findall(form.text),  # the person's care plan, ticked already
        "off_plan_reason": "",
        "paid": "",
    }
    if not assigned:
        data["informal"] = "on"
    saved = client.post(log_url, data, "quick log")
    if saved.status == 302:
        outcome.recorded += 1
    elif saved.status == 200 and "govuk-error-summary" in saved.text:
        outcome.refused += 1
        found = re.search(
            r'class="govuk-error-summary__list">\s*<li>\s*<a[^>]*>([^<]+)', saved.text
        )
        outcome.refusals.append(found.group(1).strip() if found else "form shown again")
    else:
        raise JourneyError(f"quick log: HTTP {saved.status}")
    pause()
    expect(client.get(page("monitoring"), "monitoring"), 200, "monitoring")
    pause()
    sign_out = client.post(
        page("sign-out"), {"csrfmiddlewaretoken": csrf_token(form.text)}, "sign-out"
    )
    if sign_out.status != 302:
        raise JourneyError(f"sign-out: HTTP {sign_out.status}")
    return outcome
