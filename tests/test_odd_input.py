"""Odd addresses and odd input give a clear answer, never a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buddies.models import Buddy, Session
from costs.entry import LISTS
from costs.models import CostYear
from exchange.models import ImportRun
from governance.models import Supervision
from outcomes.models import SurveyWave
from recipients.models import CarePlan
from tests.factories import BuddyFactory, RecipientFactory


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("/prisons/HMX/sessions/pay/?month=1-1", 404),
        ("/prisons/HMX/sessions/pay/?month=0001-01", 404),
        ("/prisons/HMX/sessions/pay/?month=9999-12", 404),
        ("/prisons/HMX/sessions/pay/?month=2026-13", 404),
        ("/prisons/HMX/sessions/pay/?month=99999999999999999999-1", 404),
        ("/prisons/HMX/sessions/pay/?week=9999-W52", 404),
        ("/prisons/HMX/sessions/pay.csv?week=0001-W01", 404),
        ("/prisons/HMX/sessions/pay/?month=2026-03", 200),
        ("/prisons/HMX/sessions/week/0001-W01/", 404),
        ("/prisons/HMX/sessions/week/9999-W52/", 404),
        ("/prisons/HMX/sessions/week/2000-W01/?copy=last", 200),
        ("/prisons/HMX/buddies/recruitment/?to=2024-02-29", 200),
        ("/prisons/HMX/buddies/recruitment/?to=0001-01-01&from=9999-12-31", 200),
        ("/prisons/HMX/buddies/recruitment/?from=2028-02-29", 200),
    ],
)
def test_odd_addresses_are_answered(client, lead, home_prison, address, expected):
    client.force_login(lead)
    assert client.get(address).status_code == expected


def test_a_huge_year_in_a_date_is_not_a_real_date(client, lead, home_prison):
    client.force_login(lead)
    response = client.post(
        reverse("buddy-new", args=["HMX"]),
        {
            "prison_number": "A1234BC",
            "given_name": "A",
            "family_name": "B",
            "applied_on_0": "99999999999999999999",
            "applied_on_1": "1",
            "applied_on_2": "2026",
        },
    )
    assert response.status_code == 200
    assert "The date they applied must be a real date" in response.content.decode()
    assert not Buddy.objects.exists()


# "²" was found by tests/test_fuzz_forms.py: a digit to str.isdigit(), a server error to int().
@pytest.mark.parametrize("value", ["abc", "", "1.5", "²"])
def test_removing_a_missed_reason_with_a_bad_id_changes_nothing(client, lead, home_prison, value):
    client.force_login(lead)
    response = client.post(reverse("missed-reasons", args=["HMX"]), {"remove": value})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "address",
    ["/prisons/A%00B/", "/prisons/HMX/monitoring/?from=2026%0001", "/monitoring/compare/?by=%00"],
)
def test_a_nul_character_in_the_address_is_a_bad_request_not_a_server_error(
    client, lead, home_prison, address
):
    client.force_login(lead)
    response = client.get(address)
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.content.decode()


def test_the_api_answers_a_nul_character_in_its_own_shape(client, lead, home_prison):
    client.force_login(lead)
    response = client.get("/api/v1/costs/?prison=A%00B")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == 400


@pytest.mark.parametrize(
    ("url_name", "field", "message"),
    [
        ("wave-new", "instruments", "Select questionnaires from the list"),
        ("supervision-new", "buddies", "Select a valid choice"),
    ],
)
def test_a_number_too_big_for_the_database_as_a_choice_is_refused_not_a_server_error(
    client, lead, home_prison, url_name, field, message
):
    """Found by tests/test_fuzz_forms.py: SQLite could not even compare such a number with the
    records' ids (OverflowError in the query of Django's ModelMultipleChoiceField)."""
    client.force_login(lead)
    response = client.post(
        reverse(url_name, args=["HMX"]),
        {
            field: ["99999999999999999999"],
            "starts_on_0": "2",
            "starts_on_1": "3",
            "starts_on_2": "2026",
            "ends_on_0": "28",
            "ends_on_1": "3",
            "ends_on_2": "2026",
            "follow_up_months": "3",
            "reference": "SUP-1",
            "date_0": "2",
            "date_1": "3",
            "date_2": "2026",
            "kind": "group",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field][0].startswith(message)
    assert not SurveyWave.objects.exists()
    assert not Supervision.objects.exists()


@pytest.mark.parametrize("url_name", ["buddy-quick-log", "plan-new"])
def test_a_nul_character_in_a_task_is_refused_not_a_server_error(
    client, lead, home_prison, url_name
):
    """Found by tests/test_fuzz_forms.py on PostgreSQL, which cannot compare text holding NUL:
    the choice of tasks looked the codes up without Django's check for NUL."""
    client.force_login(lead)
    buddy = BuddyFactory(prison=home_prison, status="active")
    person = RecipientFactory(prison=home_prison)
    record = {"buddy-quick-log": buddy, "plan-new": person}[url_name]
    response = client.post(reverse(url_name, args=["HMX", record.pk]), {"tasks": ["\x00"]})
    assert response.status_code == 200
    assert response.context["form"].errors["tasks"] == ["Null characters are not allowed."]
    assert not Session.objects.exists()
    assert not CarePlan.objects.exists()


def test_a_cost_entry_naming_99999_lines_is_refused_without_building_them(
    client, lead, home_prison
):
    """Found by tests/test_fuzz_forms.py: the page built and rendered 2,000 empty lines for each
    of its six lists (37 seconds and 21 MB for one post of a few bytes)."""
    client.force_login(lead)
    data = {"financial_year": "2024-25", "buddies_in_year": "1", "recipients_in_year": "1"}
    for name in LISTS:
        data[f"{name}-TOTAL_FORMS"] = "99999"
        data[f"{name}-INITIAL_FORMS"] = "0"
    response = client.post(reverse("cost-new", args=["HMX"]), data)
    assert response.status_code == 200
    assert [len(formset.forms) for _label, _name, formset in response.context["sections"]] == [
        100
    ] * 6
    page = response.content.decode()
    assert "There is a problem: nothing has been saved" in page
    assert "Buddy pay: Enter at most 100 lines" in page
    assert "Incentives: Enter at most 100 lines" in page
    assert not CostYear.objects.exists()


def test_a_cost_template_nested_too_deeply_is_refused_not_a_server_error(client, lead, home_prison):
    """Found by tests/test_fuzz_forms.py: JSON nested deeper than Python's parser follows made
    it raise RecursionError, which neither upload page caught."""
    client.force_login(lead)
    nested = b"[" * 5000
    response = client.post(
        reverse("cost-years", args=["HMX"]),
        {"template": SimpleUploadedFile("cost-template.json", nested)},
    )
    assert response.status_code == 200
    assert (
        "cost-template.json:1: the file is nested too deeply to be a cost template"
        in response.content.decode()
    )
    assert not CostYear.objects.exists()

    response = client.post(
        reverse("exchange", args=["HMX"]),
        {"files": [SimpleUploadedFile("cost-template-HMX-2023-24.json", nested)]},
    )
    run = ImportRun.objects.get()
    assert response["Location"] == reverse("import-detail", args=["HMX", run.pk])
    assert run.result == "refused"
    assert run.errors == [
        "cost-template-HMX-2023-24.json:1: file: nested too deeply to be a cost template"
    ]
    assert not CostYear.objects.exists()


@pytest.mark.parametrize("url_name", ["api-tokens", "api-tokens-all"])
@pytest.mark.parametrize("value", ["²", "abc", "99999999999999999999"])
def test_revoking_a_token_with_a_bad_id_is_not_found(client, admin_user, url_name, value):
    """Found by tests/test_fuzz_forms.py: "²" is a digit to str.isdigit(), and int() of it was
    a server error."""
    client.force_login(admin_user)
    assert client.post(reverse(url_name), {"revoke": value}).status_code == 404


COST_TEMPLATE_WITH_NUL = (
    b'{"prison_code": "HMX", "financial_year": "2023-24", "buddies_in_year": 1, '
    b'"recipients_in_year": 1, "staff": [{"role": "Off\\u0000icer", "band": 6, "hours": 1}]}'
)


def test_a_nul_character_in_an_uploaded_file_is_refused_not_a_server_error(
    client, lead, home_prison
):
    """Found by tests/test_fuzz_forms.py on PostgreSQL, which cannot store NUL: a CSV file with
    a NUL byte, or a cost template with \\u0000 in a text, was saved (or its error message
    quoting the NUL was) until the database refused."""
    client.force_login(lead)
    response = client.post(
        reverse("cost-years", args=["HMX"]),
        {"template": SimpleUploadedFile("cost-template.json", COST_TEMPLATE_WITH_NUL)},
    )
    assert response.status_code == 200
    assert "file: a text in it holds the NUL character (\\u0000)" in response.content.decode()

    buddies = (
        b"prison_code,prison_number,given_name,family_name,status\n"
        b"HMX,A1234BC,Ze\x00d,Bee,applicant\n"
    )
    template_key = b'{"prison_code": "HMX", "financial_year": "2023-24", "x\\u0000": 1}'
    for name, content, error in [
        ("buddies.csv", buddies, "buddies.csv:2: file: holds the NUL character (byte 0)"),
        (
            "cost-template-HMX-2023-24.json",
            COST_TEMPLATE_WITH_NUL,
            "cost-template-HMX-2023-24.json:1: file: a text in it holds the NUL character "
            "(\\u0000)",
        ),
        (
            "cost-template-HMX-2023-24.json",
            template_key,
            "cost-template-HMX-2023-24.json:1: file: a text in it holds the NUL character "
            "(\\u0000)",
        ),
    ]:
        response = client.post(
            reverse("exchange", args=["HMX"]), {"files": [SimpleUploadedFile(name, content)]}
        )
        run = ImportRun.objects.latest("pk")
        assert response["Location"] == reverse("import-detail", args=["HMX", run.pk])
        assert (run.result, run.errors) == ("refused", [error])
    assert not CostYear.objects.exists()
    assert not Buddy.objects.exists()
