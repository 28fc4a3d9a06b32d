"""Cost pages: upload, summary, downloads, comparison across prisons and unit costs."""

import copy
import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from costs.models import CostYear, UnitCost
from tests.test_cost_template import WORKED_EXAMPLE


def upload(client, data, code="HMX"):
    file = SimpleUploadedFile(
        "costs.json", json.dumps(data).encode(), content_type="application/json"
    )
    return client.post(reverse("cost-years", args=[code]), {"template": file}, follow=True)


def test_a_lead_uploads_a_year_and_sees_the_summary(client, lead, home_prison):
    client.force_login(lead)
    page = upload(client, WORKED_EXAMPLE).content.decode()
    assert "Costs for 2022-23 imported" in page
    assert "£14,792.80" in page and "£739.64" in page and "£1,232.73" in page
    assert "These costs are incomplete: 2 components could not be costed" in page
    assert "Wing officer: salary band not recorded; 50 hours not costed" in page


def test_a_bad_upload_lists_every_error_and_saves_nothing(client, lead, home_prison):
    data = copy.deepcopy(WORKED_EXAMPLE)
    data["financial_year"] = "2022/23"
    data["staff"][0]["hours"] = -1
    client.force_login(lead)
    page = upload(client, data).content.decode()
    assert "The cost template was not imported: nothing has been saved" in page
    assert "financial_year: must be a financial year like 2022-23" in page
    assert "staff[0].hours: must be 0 or more" in page
    assert not CostYear.objects.exists()


def test_a_file_for_another_prison_is_refused(client, lead, home_prison, other_prison):
    data = copy.deepcopy(WORKED_EXAMPLE)
    data["prison_code"] = "OTX"
    client.force_login(lead)
    page = upload(client, data).content.decode()
    assert "prison_code: this file is for OTX, not HMX" in page
    assert not CostYear.objects.exists()


def test_a_file_that_is_not_json_is_refused(client, lead, home_prison):
    client.force_login(lead)
    file = SimpleUploadedFile("costs.json", b"{not json", content_type="application/json")
    page = client.post(reverse("cost-years", args=["HMX"]), {"template": file}).content.decode()
    assert "costs.json:1: the file is not valid JSON" in page


def test_downloads_carry_the_screens_numbers(client, inspector, lead, home_prison):
    client.force_login(lead)
    upload(client, WORKED_EXAMPLE)
    client.force_login(inspector)
    response = client.get(reverse("cost-summary-download", args=["HMX", "2022-23", "csv"]))
    rows = dict(
        tuple(row)
        for row in csv.reader(io.StringIO(response.content.decode()))
        if row[0] != "incomplete"
    )
    assert rows["total"] == "14792.80"
    assert rows["per_recipient"] == "739.64"
    pdf = client.get(reverse("cost-summary-download", args=["HMX", "2022-23", "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        client.get(reverse("cost-summary-download", args=["HMX", "2022-23", "xls"])).status_code
        == 404
    )


def test_inspectors_compare_prisons_and_cannot_upload(
    client, inspector, lead, home_prison, other_prison
):
    client.force_login(lead)
    upload(client, WORKED_EXAMPLE)
    client.force_login(inspector)
    page = client.get(reverse("cost-comparison", args=["2022-23"])).content.decode()
    assert "HMP Home" in page and "£739.64" in page and "Incomplete: 2 missing" in page
    file = SimpleUploadedFile("costs.json", json.dumps(WORKED_EXAMPLE).encode())
    assert client.post(reverse("cost-years", args=["HMX"]), {"template": file}).status_code == 403
    assert client.get(reverse("cost-comparison", args=["2022-2023"])).status_code == 404


def test_only_administrators_change_unit_costs_and_each_change_is_kept(client, admin_user, lead):
    client.force_login(lead)
    assert (
        client.post(
            reverse("unit-costs"), {"financial_year": "2025-26", "band": "4", "hourly_cost": "30"}
        ).status_code
        == 403
    )
    client.force_login(admin_user)
    client.post(
        reverse("unit-costs"), {"financial_year": "2025-26", "band": "4", "hourly_cost": "30.00"}
    )
    client.post(
        reverse("unit-costs"), {"financial_year": "2025-26", "band": "4", "hourly_cost": "31.50"}
    )
    assert str(UnitCost.objects.get(financial_year="2025-26", band=4).hourly_cost) == "31.50"
    page = client.get(reverse("unit-costs")).content.decode()
    assert "<del>30.00</del>" in page and "31.50" in page and "by Adi" in page
    page = client.post(
        reverse("unit-costs"), {"financial_year": "2025", "band": "4", "hourly_cost": "-1"}
    ).content.decode()
    assert "Enter a financial year like 2025-26" in page and "The cost cannot be negative" in page


def test_the_2022_23_unit_costs_are_loaded(db):
    costs = dict(
        UnitCost.objects.filter(financial_year="2022-23").values_list("band", "hourly_cost")
    )
    assert {band: str(cost) for band, cost in costs.items()} == {3: "18.40", 6: "58.70"}
