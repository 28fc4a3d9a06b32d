"""The load test's journey (bench/load/journey.py): every URL it uses resolves, the locustfile's
fixed paths agree with Django's, and one day runs through the test client, session logged.

The locustfile itself is not imported: locust monkey-patches the standard library with gevent."""

import ast
import datetime as dt
import random
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from bench.load import journey
from buddies.models import Session
from governance.models import Task
from tests.factories import (
    TEST_PASSWORD,
    AssignmentFactory,
    BuddyFactory,
    CarePlanFactory,
    RecipientFactory,
)
from tests.two_factor import TEST_TOTP_KEY_BASE32

LOCUSTFILE = Path(journey.__file__).with_name("locustfile.py")


def locustfile_paths() -> dict[str, str]:
    """The PATHS dict of the locustfile, read without importing it."""
    for node in ast.walk(ast.parse(LOCUSTFILE.read_text())):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "PATHS":
            return ast.literal_eval(node.value)
    raise AssertionError("no PATHS in the locustfile")


def test_every_url_of_the_journey_resolves_to_the_locustfiles_path():
    paths = locustfile_paths()
    for name, with_prison in journey.PAGES.values():
        args = [journey.PRISON] if with_prison else []
        assert reverse(name, args=args) == paths[name].format(*args)
    for name in journey.RECORD_PAGES.values():
        assert reverse(name, args=[journey.PRISON, 7]) == paths[name].format(journey.PRISON, 7)


class DjangoClient:
    """The journey's client over Django's test client (CSRF checks on, as in production)."""

    def __init__(self):
        self.client = Client(enforce_csrf_checks=True)

    def _answer(self, response) -> journey.Response:
        return journey.Response(
            response.status_code, response.content.decode(), response.get("Location", "")
        )

    def get(self, path, label):
        return self._answer(self.client.get(path))

    def post(self, path, data, label):
        return self._answer(self.client.post(path, data))


@pytest.fixture
def lead_with_a_pair(lead, home_prison):
    buddy = BuddyFactory(
        prison=home_prison,
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 1, 8),
    )
    person = RecipientFactory(prison=home_prison)
    plan = CarePlanFactory(recipient=person, state="approved", la_approved_on=dt.date(2026, 1, 15))
    plan.tasks.set(Task.objects.filter(code__in=["meals_collect"]))
    AssignmentFactory(buddy=buddy, recipient=person, started_on=dt.date(2026, 1, 12))
    return lead


def test_one_day_of_the_journey_runs_and_logs_a_session(lead_with_a_pair, home_prison):
    outcome = journey.run_day(
        DjangoClient(),
        lambda name, *args: reverse(name, args=args),
        prison=home_prison.code,
        username=lead_with_a_pair.username,
        password=TEST_PASSWORD,
        authenticator=journey.Authenticator(TEST_TOTP_KEY_BASE32),
        rng=random.Random(1),  # noqa: S311 - a repeatable choice of person
        today=dt.date(2026, 3, 10),
    )
    assert (outcome.recorded, outcome.refused) == (1, 0)
    # Signed in with the second factor: the app's code was accepted and used up.
    assert TOTPDevice.objects.get(user=lead_with_a_pair).last_t > 0
    session = Session.objects.get()
    assert session.logged_by == lead_with_a_pair
    assert [t.code for t in session.tasks.all()] == ["meals_collect"]


def test_a_wrong_password_stops_the_day(lead_with_a_pair, home_prison):
    with pytest.raises(journey.JourneyError, match="sign-in refused"):
        journey.run_day(
            DjangoClient(),
            lambda name, *args: reverse(name, args=args),
            prison=home_prison.code,
            username=lead_with_a_pair.username,
            password="not the password",
        )


def test_the_load_accounts_copy_the_demo_lead_with_their_own_app(db):
    from bench.load import accounts
    from governance.demo import demo_seed

    demo_seed()
    accounts.create(3)
    users = User.objects.filter(username__startswith="load_lead_").order_by("username")
    assert [u.username for u in users] == ["load_lead_1", "load_lead_2", "load_lead_3"]
    demo = User.objects.get(username="demo_lead")
    for user in users:
        assert user.check_password(journey.PASSWORD)
        assert list(user.prisons.values_list("code", flat=True)) == ["NGT"]
        assert user.role == demo.role
        assert TOTPDevice.objects.get(user=user, confirmed=True).key == (
            TOTPDevice.objects.get(user=demo).key
        )


def test_the_journeys_authenticator_takes_the_next_code_when_signing_in_again_at_once():
    waited = []
    app = journey.Authenticator(journey.TOTP_KEY, waited.append)
    first, second = app.code(), app.code()
    assert first != second  # the current step, then the next (the server allows one ahead)
    third = app.code()  # two ahead: waits for the clock
    assert len(waited) == 1 and 0 < waited[0] <= 30.1
    assert third not in {first, second}
