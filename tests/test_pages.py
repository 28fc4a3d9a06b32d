import pytest
from django.urls import reverse

from accounts.constants import Role
from tests.factories import TEST_PASSWORD
from tests.two_factor import next_code


def test_signing_in_leads_to_the_home_page_with_the_users_prisons(client, lead, other_prison):
    response = client.post(
        reverse("sign-in"), {"username": "lead", "password": TEST_PASSWORD}, follow=True
    )
    verify = "/account/two-factor/verify/?next=%2F"
    assert response.redirect_chain == [("/", 302), (verify, 302)]
    response = client.post(verify, {"code": next_code(lead), "next": "/"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [("/", 302)]
    assert "Welcome, Lee" in page
    assert "HMP Home" in page
    assert "HMP Other" not in page


def test_signing_in_gives_a_new_session_key(client, lead):
    client.get(reverse("sign-in"))
    client.cookies["sessionid"] = "attacker-chosen-session-key"
    client.post(reverse("sign-in"), {"username": "lead", "password": TEST_PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session-key"


def test_a_wrong_password_is_explained_next_to_the_form(client, lead):
    response = client.post(reverse("sign-in"), {"username": "lead", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter a correct username and password" in page


def test_empty_sign_in_names_each_missing_field(client, db):
    page = client.post(reverse("sign-in"), {}).content.decode()
    assert 'href="#id_username">Enter your username' in page
    assert 'href="#id_password">Enter your password' in page


def test_signing_out_ends_the_session(client, lead):
    client.force_login(lead)
    response = client.post(reverse("sign-out"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.SOCIAL_CARE_LEAD, "You can change how their schemes are run."),
        (Role.PRISON_STAFF, "You can see the records of people in 1 prison."),
        (
            Role.LA_REVIEWER,
            "You review the care plans of the prisons in Northshire County Council.",
        ),
        (Role.INSPECTOR, "PeerCare never shows you a prisoner's name or prison number."),
        (Role.NATIONAL_ANALYST, "PeerCare never shows you a prisoner's name or prison number."),
        (Role.ADMIN, "You can see the records of people in 2 prisons."),
    ],
)
def test_home_page_says_what_each_role_can_do(client, users_by_role, other_prison, role, expected):
    client.force_login(users_by_role[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_navigation_is_by_role(client, users_by_role):
    client.force_login(users_by_role[Role.INSPECTOR])
    page = client.get(reverse("home")).content.decode()
    assert 'href="/prisons/"' in page
    assert 'aria-current="page"' in page


def test_not_found_uses_the_govuk_page(client, lead):
    client.force_login(lead)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_server_error_shows_a_plain_page_without_details(client, lead, monkeypatch):
    import governance.views

    def broken(*args, **kwargs):
        raise RuntimeError("database credentials are secret")

    monkeypatch.setattr(governance.views, "render", broken)
    client.raise_request_exception = False
    client.force_login(lead)
    response = client.get(reverse("prison-list"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert "credentials" not in page


@pytest.mark.parametrize("name", ["help", "accessibility", "privacy"])
def test_footer_pages_are_public(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'class="govuk-footer' in response.content.decode()


def test_lead_home_counts_buddies_not_fit_to_work_and_in_recruitment(client, lead, home_prison):
    from tests.factories import BuddyFactory

    # Two active buddies with nothing recorded (not fit), one applicant, one in vetting, one who left.
    for status in ["active", "active", "applicant", "vetting", "left"]:
        BuddyFactory(prison=home_prison, status=status)
    client.force_login(lead)
    response = client.get(reverse("home"))
    # The two active buddies were never supervised and started on 5 January: overdue.
    assert response.context["todo"] == [
        (
            home_prison,
            {
                "not_fit": 2,
                "recruiting": 2,
                "supervision_overdue": 2,
                "training_expiring": 0,
                "missed_reasons": [],
            },
        )
    ]
    assert "?status=active&amp;fit_to_work=no" in response.content.decode()


def test_home_counts_take_one_query_whatever_the_number_of_prisons(
    client, admin_user, home_prison, other_prison, django_assert_num_queries
):
    from tests.factories import BuddyFactory

    BuddyFactory(prison=home_prison, status="active")
    BuddyFactory(prison=other_prison, status="active")
    client.force_login(admin_user)
    client.get(reverse("home"))  # warm the session and user look-ups
    # A fixed 27: the session, the user, the second factor (django-otp's device) and the prisons,
    # then a few per kind of count (training records and mandatory modules are loaded once for all
    # the buddies counted), navigation, and the session saved with the time of this request (its
    # savepoint, update and release), which the idle timeout needs.
    with django_assert_num_queries(27):
        client.get(reverse("home"))
