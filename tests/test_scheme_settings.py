import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from governance.models import Scheme

URL = reverse("scheme-edit", args=["HMX"])

VALID = {
    "name": "Carers",
    "formality": "both",
    "leadership": "local_authority",
    "started_on_0": "6",
    "started_on_1": "2",
    "started_on_2": "2023",
    "allows_outer_clothing": "on",
    "min_pay_rate": "0.50",
    "max_pay_rate": "2.40",
    "recipients_per_buddy": "4",
    "mandatory_modules": ["care_act", "safeguarding"],
}


def test_lead_changes_the_scheme_and_sees_a_confirmation(client, lead, home_prison):
    client.force_login(lead)
    response = client.post(URL, VALID, follow=True)
    scheme = Scheme.objects.get(prison=home_prison)
    assert (scheme.name, scheme.formality, scheme.leadership) == (
        "Carers",
        "both",
        "local_authority",
    )
    assert scheme.started_on == dt.date(2023, 2, 6)
    assert (scheme.allows_outer_clothing, scheme.allows_medication_collect) == (True, False)
    assert sorted(scheme.mandatory_modules.values_list("code", flat=True)) == [
        "care_act",
        "safeguarding",
    ]
    assert (scheme.min_pay_rate, scheme.max_pay_rate, scheme.recipients_per_buddy) == (
        Decimal("0.50"),
        Decimal("2.40"),
        4,
    )
    assert response.redirect_chain == [(reverse("prison-detail", args=["HMX"]), 302)]
    assert "Scheme settings for HMP Home saved" in response.content.decode()
    assert "6 February 2023" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"name": ""}, "id_name", "Enter what buddies are called in this prison"),
        ({"formality": ""}, "id_formality", "Select the type of scheme"),
        ({"leadership": "governor"}, "id_leadership", "Select a valid choice"),
        (
            {"started_on_0": "31", "started_on_1": "2"},
            "id_started_on",
            "the date the scheme started must be a real date",
        ),
        ({"started_on_1": ""}, "id_started_on", "must include a month"),
        ({"started_on_2": "2999"}, "id_started_on", "must be today or in the past"),
        (
            {"max_pay_rate": "0.40"},
            "id_max_pay_rate",
            "The highest pay must be the same as or more than the lowest",
        ),
        ({"min_pay_rate": "-1"}, "id_min_pay_rate", "cannot be less than £0"),
        ({"recipients_per_buddy": "0"}, "id_recipients_per_buddy", "at least 1"),
    ],
)
def test_invalid_scheme_settings_are_explained_and_nothing_is_saved(
    client, lead, home_prison, changes, field_id, message
):
    client.force_login(lead)
    response = client.post(URL, {**VALID, **changes})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message.lower() in page.lower()
    assert f'href="#{field_id}' in page  # the error summary links to the field
    assert "<title>Error: " in page
    scheme = Scheme.objects.get(prison=home_prison)
    assert (scheme.name, scheme.formality) == ("Buddies", "formal")


def test_prison_staff_cannot_change_the_scheme(client, staff, home_prison):
    client.force_login(staff)
    assert client.get(URL).status_code == 403
    assert client.post(URL, VALID).status_code == 403
    assert Scheme.objects.get(prison=home_prison).name == "Buddies"


def test_prison_page_shows_only_the_tasks_switched_on_here(client, lead, home_prison):
    client.force_login(lead)
    page = client.get(reverse("prison-detail", args=["HMX"])).content.decode()
    assert "Collecting and carrying meals" in page
    assert "Collecting sealed medication" not in page
    home_prison.scheme.allows_medication_collect = True
    home_prison.scheme.save()
    page = client.get(reverse("prison-detail", args=["HMX"])).content.decode()
    assert "Collecting sealed medication (never opening or giving it)" in page


def test_history_shows_who_changed_what_and_when(client, lead, home_prison):
    client.force_login(lead)
    client.post(URL, VALID)
    page = client.get(reverse("prison-history", args=["HMX"])).content.decode()
    assert "Scheme settings changed" in page
    assert "by Lee Lead" in page
    # The name went from Buddies to Carers; the old value is shown struck through.
    assert "<del>Buddies</del>" in page
    assert "Carers" in page
    assert "<del>Formal scheme</del>" in page
    assert "Formal scheme and informal help" in page
    assert "Care Act, Safeguarding" in page


def test_inspectors_cannot_read_the_change_history(client, inspector, home_prison):
    client.force_login(inspector)
    assert client.get(reverse("prison-history", args=["HMX"])).status_code == 403
