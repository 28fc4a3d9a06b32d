"""Shared fixtures: two prisons in two councils, and one named user per role.

Who may see what:
- `lead` (social care lead) and `staff` (prison staff) work at `home_prison` only;
- `la_reviewer` reviews for `home_council`, whose only prison is `home_prison`;
- `inspector` and `analyst` see figures for every prison, never a name or a prison number;
- `admin` sees and does everything.
`other_prison`, in `other_council`, is outside the scope of lead, staff and la_reviewer.
"""

import os

import pytest
from django.test import Client

from accounts.constants import Role
from tests.factories import LocalAuthorityFactory, PrisonFactory, UserFactory
from tests.two_factor import verified_login

# Playwright's sync API runs an event loop in the test thread; the ORM calls made there are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def sign_ins_pass_the_second_factor(monkeypatch):
    """The test client's force_login and login give sessions that have passed two-factor
    sign-in, as every real session does before it sees a page (tests/two_factor.py)."""
    monkeypatch.setattr(Client, "_login", verified_login)


@pytest.fixture
def home_council(db):
    return LocalAuthorityFactory(name="Northshire County Council")


@pytest.fixture
def other_council(db):
    return LocalAuthorityFactory(name="Eastmoor City Council")


@pytest.fixture
def home_prison(home_council):
    return PrisonFactory(code="HMX", name="HMP Home", local_authority=home_council)


@pytest.fixture
def other_prison(other_council):
    return PrisonFactory(code="OTX", name="HMP Other", local_authority=other_council)


@pytest.fixture
def lead(home_prison):
    """Social care lead at home_prison: its people and its scheme settings."""
    return UserFactory(
        username="lead",
        first_name="Lee",
        last_name="Lead",
        role=Role.SOCIAL_CARE_LEAD,
        prisons=[home_prison],
    )


@pytest.fixture
def staff(home_prison):
    """Prison staff at home_prison: its people; records activity; cannot change the scheme."""
    return UserFactory(
        username="staff",
        first_name="Sasha",
        last_name="Staff",
        role=Role.PRISON_STAFF,
        prisons=[home_prison],
    )


@pytest.fixture
def la_reviewer(home_council, home_prison):
    """Local authority reviewer for home_council: the people of home_prison."""
    return UserFactory(
        username="reviewer",
        first_name="Robin",
        last_name="Reviewer",
        role=Role.LA_REVIEWER,
        local_authority=home_council,
    )


@pytest.fixture
def inspector(db):
    """Inspector: figures for every prison; no names or prison numbers."""
    return UserFactory(username="inspector", first_name="Ines", role=Role.INSPECTOR)


@pytest.fixture
def analyst(db):
    """National analyst: figures for every prison; no names or prison numbers."""
    return UserFactory(username="analyst", first_name="Ana", role=Role.NATIONAL_ANALYST)


@pytest.fixture
def admin_user(db):
    """Administrator: everything, in every prison."""
    return UserFactory(username="admin", first_name="Adi", role=Role.ADMIN)


@pytest.fixture
def users_by_role(lead, staff, la_reviewer, inspector, analyst, admin_user):
    return {
        Role.SOCIAL_CARE_LEAD: lead,
        Role.PRISON_STAFF: staff,
        Role.LA_REVIEWER: la_reviewer,
        Role.INSPECTOR: inspector,
        Role.NATIONAL_ANALYST: analyst,
        Role.ADMIN: admin_user,
    }


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
