"""Entering a year's costs in the browser: the worked example, missing figures, bad figures."""

import json

from django.urls import reverse

from costs.entry import EXTRA_ROWS, LISTS
from costs.models import CostYear


def blank_post(total=EXTRA_ROWS):
    """What a browser sends for an empty page: management forms and the default choices."""
    data = {"financial_year": "", "buddies_in_year": "", "recipients_in_year": ""}
    for name in LISTS:
        data[f"{name}-TOTAL_FORMS"] = str(total)
        data[f"{name}-INITIAL_FORMS"] = "0"
        for row in range(total):
            if name == "buddy_pay":
                data[f"{name}-{row}-scheme"] = "standard"
            if name in {"non_labour", "training", "incentives"}:
                data[f"{name}-{row}-paid_by"] = "prison"
    return data


def worked_example():
    data = blank_post()
    data.update(
        {
            "financial_year": "2022-23",
            "buddies_in_year": "12",
            "recipients_in_year": "20",
            "enhanced": "20",
            "buddy_pay-0-scheme": "enhanced",
            "buddy_pay-0-rate_per_session": "1.50",
            "buddy_pay-0-sessions_per_week": "8",
            "buddy_pay-0-weeks": "52",
            "buddy_pay-0-buddies": "12",
            "staff-0-role": "Equalities officer",
            "staff-0-band": "6",
            "staff-0-hours": "104",
            "staff-1-role": "Wing officer",
            "staff-1-hours": "50",
            "training-0-description": "Module training, 12 buddies",
            "training-0-cost": "1200",
            "training-0-paid_by": "local_authority",
        }
    )
    return data


def test_a_lead_enters_the_worked_example(client, lead, home_prison):
    client.force_login(lead)
    page = client.post(
        reverse("cost-new", args=["HMX"]), worked_example(), follow=True
    ).content.decode()
    assert "Costs for 2022-23 saved" in page
    assert "£14,792.80" in page and "£739.64" in page
    assert "Wing officer: salary band not recorded; 50 hours not costed" in page
    template = CostYear.objects.get().template
    assert template["staff"] == [
        {"role": "Equalities officer", "band": 6, "hours": "104"},
        {"role": "Wing officer", "band": None, "hours": "50"},
    ]
    assert template["recipients_by_scheme"] == {"enhanced": 20}
    assert template["incentives"] == []


def test_changing_a_year_keeps_its_lines_and_saves_the_change(client, lead, home_prison):
    client.force_login(lead)
    client.post(reverse("cost-new", args=["HMX"]), worked_example())
    page = client.get(reverse("cost-edit", args=["HMX", "2022-23"])).content.decode()
    assert 'value="Equalities officer"' in page and 'value="1.50"' in page
    data = worked_example()
    data.update({f"{name}-TOTAL_FORMS": str(EXTRA_ROWS) for name in LISTS})
    data["training-0-cost"] = "1000"
    client.post(reverse("cost-edit", args=["HMX", "2022-23"]), data)
    assert CostYear.objects.get().template["training"][0]["cost"] == "1000"


def test_bad_figures_are_shown_next_to_their_field_and_nothing_saved(client, lead, home_prison):
    client.force_login(lead)
    data = worked_example()
    data["staff-0-hours"] = "-3"
    data["financial_year"] = "2022-2023"
    data["enhanced"] = "19"
    page = client.post(reverse("cost-new", args=["HMX"]), data).content.decode()
    assert "There is a problem: nothing has been saved" in page
    assert "Staff time, line 1, hours in the year: must be 0 or more" in page
    assert "Financial year: must be a financial year like 2022-23" in page
    assert "recipients_by_scheme: must add up to recipients_in_year (20)" in page
    assert not CostYear.objects.exists()


def test_only_leads_enter_costs(client, staff, inspector, home_prison):
    for user in (staff, inspector):
        client.force_login(user)
        assert client.get(reverse("cost-new", args=["HMX"])).status_code == 403
        assert client.post(reverse("cost-new", args=["HMX"]), worked_example()).status_code == 403
    assert json.dumps(worked_example())  # the post is plain data
