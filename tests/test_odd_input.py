"""Odd addresses and odd input give a clear answer, never a server error."""

import pytest
from django.urls import reverse

from buddies.models import Buddy


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


@pytest.mark.parametrize("value", ["abc", "", "1.5"])
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
