"""Locust users, each a social care lead going through a working day (bench/load/journey.py)
again and again: sign in, the home page, buddies, people and one person, the week's sheet, the
pay sheet, one session through the quick log, the monitoring dashboard, sign out.

Think time between pages is 1 to 5 seconds (reading a page and deciding what to do next; a
practised lead is quicker on the lists, slower on a form). Each simulated user signs in with an
account of its own, load_lead_1, load_lead_2... (leads of NGT that bench/load/run.py adds to the
scratch database, with the demo password and authenticator key), because a code from an
authenticator app works once: many users of one account would queue for the next code.
LOAD_FIRST_ACCOUNT is the number of the first account (each run.py step takes new ones);
LOAD_USERNAME (a prefix: LOAD_USERNAME1, LOAD_USERNAME2...), LOAD_PASSWORD, LOAD_TOTP_KEY and
LOAD_PRISON change the rest.

bench/load/run.py starts gunicorn and runs this file headless. When LOAD_OUTCOMES_FILE is set,
the number of sessions the quick log recorded and refused (and why) is written there at the end.
"""

import itertools
import json
import math
import os
import random
import sys
from collections import Counter
from pathlib import Path

import gevent
from locust import HttpUser, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

# The repository root goes on the path first, for bench.load.journey.
from bench.load.journey import (
    PAGES,
    PASSWORD,
    PRISON,
    RECORD_PAGES,
    TOTP_KEY,
    Authenticator,
    JourneyError,
    Outcome,
    Response,
    run_day,
)

# URL names to paths, without Django: the load test runs against any server. The journey's
# test reverses the same names with Django, so these must agree with config/urls.py.
PATHS = {
    "sign-in": "/sign-in/",
    "two-factor-verify": "/account/two-factor/verify/",
    "home": "/",
    "sign-out": "/sign-out/",
    "buddy-list": "/prisons/{0}/buddies/",
    "recipient-list": "/prisons/{0}/people/",
    "week-sheet-current": "/prisons/{0}/sessions/week/",
    "pay-sheet": "/prisons/{0}/sessions/pay/",
    "monitoring-dashboard": "/prisons/{0}/monitoring/",
    "recipient-detail": "/prisons/{0}/people/{1}/",
    "recipient-quick-log": "/prisons/{0}/people/{1}/log/",
}
assert set(PATHS) == {name for name, _ in PAGES.values()} | set(RECORD_PAGES.values())  # noqa: S101


def url(name: str, *args) -> str:
    return PATHS[name].format(*args)


OUTCOME = Outcome()
ACCOUNT_NUMBERS = itertools.count(int(os.environ.get("LOAD_FIRST_ACCOUNT", "1")))
ABANDONED: Counter = Counter()
# Response times (ms) of every request but the sign-in POSTs (password and code): the password's
# hashing (PBKDF2, a million rounds, by design slow) would otherwise hide how the pages do.
PAGE_TIMES: list[float] = []


@events.request.add_listener
def keep_page_time(name, response_time, exception, **_kwargs):
    if name not in {"sign-in", "code"} and exception is None:
        PAGE_TIMES.append(response_time)


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


class LocustClient:
    """The journey's client over locust's HTTP session: no redirects followed, and every
    request that is not what a signed-in lead expects counts as a failure."""

    def __init__(self, session):
        self.session = session

    def _send(self, method: str, path: str, label: str, **kwargs) -> Response:
        with self.session.request(
            method, path, name=label, allow_redirects=False, catch_response=True, **kwargs
        ) as answer:
            if answer.status_code >= 400 or answer.status_code == 0:
                answer.failure(f"HTTP {answer.status_code}")
            elif answer.status_code in {301, 302} and "/sign-in/" in answer.headers.get(
                "Location", ""
            ):
                # A signed-in page sending the user back to sign in: the session was lost.
                if label not in {"sign-out"}:
                    answer.failure("sent back to the sign-in page")
            else:
                answer.success()
            return Response(
                answer.status_code, answer.text or "", answer.headers.get("Location", "")
            )

    def get(self, path: str, label: str) -> Response:
        return self._send("GET", path, label)

    def post(self, path: str, data: dict, label: str) -> Response:
        return self._send("POST", path, label, data=data)


class Lead(HttpUser):
    def on_start(self):
        self.username = f"{os.environ.get('LOAD_USERNAME', 'load_lead_')}{next(ACCOUNT_NUMBERS)}"
        self.authenticator = Authenticator(os.environ.get("LOAD_TOTP_KEY", TOTP_KEY), gevent.sleep)

    def wait_time(self):
        return random.uniform(1, 5)  # noqa: S311

    @task
    def working_day(self):
        self.client.cookies.clear()
        try:
            run_day(
                LocustClient(self.client),
                url,
                prison=os.environ.get("LOAD_PRISON", PRISON),
                username=self.username,
                password=os.environ.get("LOAD_PASSWORD", PASSWORD),
                authenticator=self.authenticator,
                pause=lambda: gevent.sleep(self.wait_time()),
                outcome=OUTCOME,
            )
        except JourneyError as error:
            # A page answered unexpectedly (a 5xx is already a failed request): the day stops
            # there and the next one starts after a pause.
            ABANDONED[str(error)] += 1


@events.quitting.add_listener
def write_outcomes(environment, **_kwargs):
    target = os.environ.get("LOAD_OUTCOMES_FILE")
    if target:
        Path(target).write_text(
            json.dumps(
                {
                    "recorded": OUTCOME.recorded,
                    "refused": OUTCOME.refused,
                    "abandoned": sum(ABANDONED.values()),
                    "pages": len(PAGE_TIMES),
                    "pages_p50": nearest_rank(PAGE_TIMES, 0.50),
                    "pages_p95": nearest_rank(PAGE_TIMES, 0.95),
                    "pages_p99": nearest_rank(PAGE_TIMES, 0.99),
                    "abandoned_why": ABANDONED.most_common(5),
                    "refusals": Counter(
                        reason.split(" on ")[0] for reason in OUTCOME.refusals
                    ).most_common(5),
                }
            )
        )
