"""The care handover summary for a person who is transferred or released: a page and a PDF."""

import datetime as dt
import subprocess

from django.urls import reverse

from governance.models import Need, Task
from tests.factories import AssignmentFactory, BuddyFactory, CarePlanFactory, RecipientFactory


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "handover.pdf"
    path.write_bytes(pdf)
    return subprocess.run(  # noqa: S603
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def transferred_person(prison):
    person = RecipientFactory(
        prison=prison,
        prison_number="T1234AB",
        given_name="Albert",
        family_name="Ashworth",
        referred_to_la_on=dt.date(2026, 1, 2),
        support_started_on=dt.date(2026, 1, 12),
    )
    person.needs.set(Need.objects.filter(code__in=["wheelchair_user", "mobility"]))
    plan = CarePlanFactory(recipient=person, state="approved", la_approved_on=dt.date(2026, 1, 20))
    plan.tasks.set(Task.objects.filter(code__in=["wheelchair_push", "meals_collect"]))
    buddy = BuddyFactory(
        prison=prison,
        given_name="Callum",
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
    )
    AssignmentFactory(buddy=buddy, recipient=person, started_on=dt.date(2026, 1, 12))
    return person


def test_ending_support_on_transfer_ends_assignments_and_leads_to_the_handover(
    client, lead, home_prison
):
    person = transferred_person(home_prison)
    client.force_login(lead)
    response = client.post(
        reverse("recipient-end", args=["HMX", person.pk]),
        {
            "on_0": "3",
            "on_1": "3",
            "on_2": "2026",
            "reason": "transferred",
            "row_version": person.row_version,
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("recipient-handover", args=["HMX", person.pk])
    assert "Support for Albert Ashworth ended; 1 buddy assignment ended" in page
    assert "Transferred to another prison on 3 March 2026" in page
    assert "Callum" in page and "3 March 2026" in page  # the assignment's new end date


def test_the_handover_pdf_carries_needs_plan_and_support(client, lead, home_prison, tmp_path):
    person = transferred_person(home_prison)
    client.force_login(lead)
    response = client.get(reverse("recipient-handover-pdf", args=["HMX", person.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="handover-HMX-T1234AB.pdf"'
    text = pdf_text(response.content, tmp_path)
    for expected in [
        "Care handover: Albert Ashworth (T1234AB)",
        "OFFICIAL-SENSITIVE",
        "Mobility, Wheelchair user",
        "Pushing a wheelchair",
        "Collecting and carrying meals",
        "Version 1, from 12 January 2026, approved 20 January 2026",
        "Referred",
        "2 January 2026",
        "Callum",
        "Page 1 of",
    ]:
        assert expected in text, expected


def test_inspectors_get_no_handover(client, inspector, home_prison):
    person = transferred_person(home_prison)
    client.force_login(inspector)
    assert client.get(reverse("recipient-handover", args=["HMX", person.pk])).status_code == 403
    assert client.get(reverse("recipient-handover-pdf", args=["HMX", person.pk])).status_code == 403
