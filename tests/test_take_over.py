"""Someone transferred between two prisons that use PeerCare: the receiving lead takes over."""

import datetime as dt

from django.urls import reverse

from accounts.constants import Role
from governance.models import Need
from recipients.models import Recipient
from tests.factories import RecipientFactory, UserFactory


def transferred_from_other_prison(other_prison, to):
    old = RecipientFactory(
        prison=other_prison,
        prison_number="A7777AA",
        given_name="Albert",
        family_name="Ashworth",
        mental_capacity="has_capacity",
        support_started_on=dt.date(2026, 1, 5),
        support_ended_on=dt.date(2026, 3, 1),
        end_reason="transferred",
        transferred_to=to,
        referred_to_la_on=dt.date(2026, 1, 2),
    )
    old.needs.set(Need.objects.filter(code__in=["mobility", "sensory_sight"]))
    return old


def test_the_receiving_lead_takes_over_with_needs_and_a_link_to_the_handover(
    client, lead, home_prison, other_prison
):
    old = transferred_from_other_prison(other_prison, to=home_prison)
    client.force_login(lead)
    response = client.post(
        reverse("recipient-take-over", args=["HMX"]), {"prison_number": "a7777aa"}, follow=True
    )
    new = Recipient.objects.get(prison=home_prison)
    assert new.transferred_from == old
    assert (new.given_name, new.mental_capacity, new.support_started_on, new.referred_to_la_on) == (
        "Albert",
        "has_capacity",
        None,
        None,
    )
    assert sorted(new.needs.values_list("code", flat=True)) == ["mobility", "sensory_sight"]
    page = response.content.decode()
    assert "Albert Ashworth taken over from HMP Other" in page
    assert "Transferred from HMP Other on 1 March 2026" in page
    previous = client.get(reverse("recipient-previous", args=["HMX", new.pk])).content.decode()
    assert "Handover from HMP Other" in previous and "Sight" in previous


def test_taking_over_needs_a_transfer_on_record(client, lead, home_prison, other_prison):
    RecipientFactory(prison=other_prison, prison_number="B8888BB")  # still supported there
    client.force_login(lead)
    page = client.post(
        reverse("recipient-take-over", args=["HMX"]), {"prison_number": "B8888BB"}
    ).content.decode()
    assert "Nobody with this prison number has been recorded as transferred" in page
    assert not Recipient.objects.filter(prison=home_prison).exists()


def test_a_record_is_taken_over_once(client, lead, home_prison, other_prison):
    transferred_from_other_prison(other_prison, to=home_prison)
    client.force_login(lead)
    client.post(reverse("recipient-take-over", args=["HMX"]), {"prison_number": "A7777AA"})
    page = client.post(
        reverse("recipient-take-over", args=["HMX"]), {"prison_number": "A7777AA"}
    ).content.decode()
    assert "This prison already has a person with this prison number" in page
    assert Recipient.objects.filter(prison=home_prison).count() == 1


def test_the_old_record_is_reached_only_through_the_new_one(
    client, lead, home_prison, other_prison
):
    old = transferred_from_other_prison(other_prison, to=home_prison)
    client.force_login(lead)
    assert client.get(reverse("recipient-detail", args=["OTX", old.pk])).status_code == 404
    stay = RecipientFactory(prison=home_prison)
    assert client.get(reverse("recipient-previous", args=["HMX", stay.pk])).status_code == 404
    other_lead = UserFactory(
        username="elsewhere", role=Role.SOCIAL_CARE_LEAD, prisons=[other_prison]
    )
    client.force_login(lead)
    client.post(reverse("recipient-take-over", args=["HMX"]), {"prison_number": "A7777AA"})
    new = Recipient.objects.get(transferred_from=old)
    client.force_login(other_lead)
    assert client.get(reverse("recipient-previous", args=["HMX", new.pk])).status_code == 404


def test_only_the_prison_named_as_the_destination_can_take_over(client, home_prison, other_prison):
    from tests.factories import PrisonFactory

    third = PrisonFactory(code="THX", name="HMP Third", local_authority=home_prison.local_authority)
    transferred_from_other_prison(other_prison, to=home_prison)
    third_lead = UserFactory(username="third", role=Role.SOCIAL_CARE_LEAD, prisons=[third])
    client.force_login(third_lead)
    page = client.post(
        reverse("recipient-take-over", args=["THX"]), {"prison_number": "A7777AA"}
    ).content.decode()
    assert "Nobody with this prison number has been recorded as transferred to HMP Third" in page
    assert not Recipient.objects.filter(prison=third).exists()
