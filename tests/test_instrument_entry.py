"""Entering a licensed validated instrument on one page, and reading every questionnaire.

Administrators add an instrument or make a new version; every signed-in role reads the list and
each version's items (questionnaires are nobody's personal data). Entry is all or nothing: a
mistake anywhere saves nothing and is shown next to the field it is in.
"""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.constants import Role
from outcomes.models import Instrument, Item, Subscale
from outcomes.services import instrument_create
from outcomes.validation import InstrumentDefinition, ItemDefinition, SubscaleDefinition

AGREE_4 = [[1, "Strongly disagree"], [2, "Disagree"], [3, "Agree"], [4, "Strongly agree"]]

# What an administrator types: 4 items in 2 subscales on a 4-point scale, item 2 reversed.
TYPED = {
    "name": "Work wellbeing scale",
    "code": "work-wellbeing",
    "version": "1",
    "audience": "staff",
    "scoring_rule": "sum",
    "min_share_percent": "75",
    "licence_note": "Owned by Example University. Licence WW-123: free for non-commercial use "
    "with the wording unchanged.",
    "scale": "1 = Strongly disagree\n2 = Disagree\n3 = Agree\n4 = Strongly agree\n",
    "subscales": "calm: Feeling calm\nteam: Support from the team\n",
    "items": "calm | I feel calm at work.\n"
    "calm | I often feel tense. | reversed\n"
    "team | My team listens to me.\n"
    "team | I can ask a colleague for help.\n",
}

SHIPPED = {"PeerCare recipient experience": 14, "PeerCare buddy experience": 12}

NOT_ADMINISTRATORS = [
    Role.SOCIAL_CARE_LEAD,
    Role.PRISON_STAFF,
    Role.LA_REVIEWER,
    Role.INSPECTOR,
    Role.NATIONAL_ANALYST,
]


def errors_next_to(page: str, field: str) -> list[str]:
    """The error messages shown beside a form field (GOV.UK error message spans)."""
    pattern = (
        rf'id="id_{field}_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>\s*(.*?)\s*</span>'
    )
    return [html.unescape(message) for message in re.findall(pattern, page, re.S)]


def saved_rows() -> tuple[int, int, int]:
    return Instrument.objects.count(), Subscale.objects.count(), Item.objects.count()


def enter(client, **changes):
    return client.post(reverse("instrument-new"), {**TYPED, **changes})


def test_an_admin_enters_a_licensed_instrument_and_gets_exactly_what_was_typed(client, admin_user):
    client.force_login(admin_user)
    response = enter(client)

    instrument = Instrument.objects.get(code="work-wellbeing")
    assert response.status_code == 302
    assert response["Location"] == reverse("instrument-detail", args=[instrument.pk])
    assert (
        instrument.name,
        instrument.version,
        instrument.audience,
        instrument.scoring_rule,
        instrument.min_share_answered,
    ) == ("Work wellbeing scale", 1, "staff", "sum", Decimal("0.75"))
    assert instrument.licence_note == (
        "Owned by Example University. Licence WW-123: free for non-commercial use "
        "with the wording unchanged."
    )
    assert list(instrument.subscales.values_list("order", "code", "name")) == [
        (1, "calm", "Feeling calm"),
        (2, "team", "Support from the team"),
    ]
    assert list(
        instrument.items.values_list("number", "subscale__code", "text", "reverse_scored")
    ) == [
        (1, "calm", "I feel calm at work.", False),
        (2, "calm", "I often feel tense.", True),
        (3, "team", "My team listens to me.", False),
        (4, "team", "I can ask a colleague for help.", False),
    ]
    assert [item.scale for item in instrument.items.all()] == [AGREE_4] * 4

    page = client.get(response["Location"]).content.decode()
    assert "Work wellbeing scale (version 1) added with 4 items" in page
    assert "Licence WW-123" in page
    assert "I often feel tense." in page
    assert "Support from the team" in page
    assert "Strongly agree" in page
    assert "75%" in page


def test_blank_lines_and_windows_line_endings_are_read_as_typed(client, admin_user):
    client.force_login(admin_user)
    enter(
        client,
        scale="\r\n1 = No\r\n\r\n2 = Yes\r\n",
        subscales="calm:Feeling calm\r\n\r\nteam :  Support from the team  ",
        items="\r\ncalm|I feel calm at work.\r\n\r\n  team | My team listens to me. | Reversed\r\n",
    )
    instrument = Instrument.objects.get(code="work-wellbeing")
    assert list(instrument.subscales.values_list("code", "name")) == [
        ("calm", "Feeling calm"),
        ("team", "Support from the team"),
    ]
    assert list(
        instrument.items.values_list("number", "subscale__code", "text", "reverse_scored")
    ) == [
        (1, "calm", "I feel calm at work.", False),
        (2, "team", "My team listens to me.", True),
    ]
    assert instrument.items.get(number=2).scale == [[1, "No"], [2, "Yes"]]


@pytest.mark.parametrize(
    ("changes", "field", "messages"),
    [
        pytest.param(
            {"items": "calm | I feel calm at work.\ncalm I often feel tense.\nteam | Heard.\n"},
            "items",
            [
                "Line 2: put a | between the subscale's code and the item's text, "
                "like wellbeing | I feel calm"
            ],
            id="missing-bar",
        ),
        pytest.param(
            {"items": "calm | I feel calm.\n\nteams | My team listens to me.\n"},
            "items",
            ['Line 3: "teams" is not one of the subscales entered above'],
            id="unknown-subscale",
        ),
        pytest.param(
            {"items": "calm | I feel calm.\nteam |   \n"},
            "items",
            ["Line 2: enter the item's text after the |"],
            id="empty-text",
        ),
        pytest.param(
            {"items": "calm | I feel calm.\nteam | I feel heard. | backwards\n"},
            "items",
            ['Line 2: the third part can only be "reversed", for a reverse-scored item'],
            id="unknown-third-part",
        ),
        pytest.param(
            {"items": "calm | I feel calm.\nteam | " + "x" * 301 + "\n"},
            "items",
            ["Line 2: the item's text must be 300 characters or fewer"],
            id="item-too-long",
        ),
        pytest.param(
            {"subscales": "calm: Feeling calm\ncalm: Calmness\nteam: Team\n"},
            "subscales",
            ['Line 2: the code "calm" is already used on line 1'],
            id="duplicate-subscale-code",
        ),
        pytest.param(
            {"subscales": "calm: Feeling calm\nteam Support\n"},
            "subscales",
            [
                "Line 2: write the subscale as its code, a colon and its name, "
                "like wellbeing: Wellbeing"
            ],
            id="subscale-without-colon",
        ),
        pytest.param(
            {"subscales": "calm: Feeling calm\nthe team: Team\n"},
            "subscales",
            [
                'Line 2: the code "the team" can only have letters, numbers, hyphens (-) '
                "and underscores (_)"
            ],
            id="subscale-code-with-a-space",
        ),
        pytest.param(
            {"subscales": "calm: Feeling calm\nteam: Team\nspare: Not used\n"},
            "subscales",
            ['The subscale "spare" has no items'],
            id="subscale-without-items",
        ),
        pytest.param(
            {"scale": "1 = Agree\n"},
            "scale",
            ["The response scale needs at least 2 points"],
            id="one-scale-point",
        ),
        pytest.param(
            {"scale": "one = Strongly disagree\n2 = Agree\n"},
            "scale",
            ['Line 1: the value "one" is not a whole number'],
            id="scale-value-not-a-number",
        ),
        pytest.param(
            {"scale": "1 = Never\n2.5 = Sometimes\n4 = Always\n"},
            "scale",
            ['Line 2: the value "2.5" is not a whole number'],
            id="scale-value-not-whole",
        ),
        pytest.param(
            {"scale": "1 = Never\n3 = Often\n2 = Sometimes\n"},
            "scale",
            [
                "The response scale's values must increase from one point to the next (2 comes after 3)"
            ],
            id="scale-values-not-increasing",
        ),
        pytest.param(
            {"scale": "1 = Never\n1 = Always\n"},
            "scale",
            [
                "The response scale's values must increase from one point to the next (1 comes after 1)"
            ],
            id="scale-value-repeated",
        ),
        pytest.param(
            {"scale": "1 Never\n2 = Always\n"},
            "scale",
            [
                "Line 1: write the point as its value, an equals sign and its label, "
                "like 1 = Strongly disagree"
            ],
            id="scale-without-equals",
        ),
        pytest.param(
            {"scale": "1 =\n2 = Always\n"},
            "scale",
            ["Line 1: enter a label after the equals sign"],
            id="scale-without-label",
        ),
        pytest.param(
            {"scale": "1 = Never\n100000 = Always\n"},
            "scale",
            ["Line 2: use a value from -9999 to 9999"],
            id="scale-value-too-large",
        ),
        pytest.param(
            {"licence_note": "  "},
            "licence_note",
            ["Enter who owns the instrument and on what terms it may be used"],
            id="no-licence",
        ),
        pytest.param(
            {"code": "work wellbeing"},
            "code",
            ["The code can only have letters, numbers, hyphens (-) and underscores (_)"],
            id="code-not-a-slug",
        ),
        pytest.param(
            {"version": "0"}, "version", ["The version must be 1 or more"], id="version-0"
        ),
        pytest.param(
            {"min_share_percent": "0"},
            "min_share_percent",
            ["The percentage must be 1 or more"],
            id="share-0",
        ),
        pytest.param(
            {"min_share_percent": "101"},
            "min_share_percent",
            ["The percentage must be 100 or less"],
            id="share-over-100",
        ),
        pytest.param(
            {"audience": "governors"}, "audience", ["Select who answers it"], id="audience"
        ),
        pytest.param(
            {"code": "peercare-buddy"},
            "version",
            ["This version of the instrument already exists"],
            id="shipped-code-and-version",
        ),
    ],
)
def test_each_mistake_is_shown_next_to_its_field_and_nothing_is_saved(
    client, admin_user, changes, field, messages
):
    before = saved_rows()
    client.force_login(admin_user)
    response = enter(client, **changes)

    assert response.status_code == 200
    assert response.context["form"].errors == {field: messages}
    page = response.content.decode()
    assert errors_next_to(page, field) == messages
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert saved_rows() == before


def test_entering_the_same_code_and_version_twice_keeps_the_first(client, admin_user):
    client.force_login(admin_user)
    assert enter(client).status_code == 302
    before = saved_rows()

    again = enter(client, name="Work wellbeing scale, typed again")

    assert again.status_code == 200
    assert errors_next_to(again.content.decode(), "version") == [
        "This version of the instrument already exists"
    ]
    assert saved_rows() == before
    assert Instrument.objects.get(code="work-wellbeing").name == "Work wellbeing scale"
    # Version 2 of the same code is a new instrument.
    assert enter(client, version="2").status_code == 302
    assert list(
        Instrument.objects.filter(code="work-wellbeing").values_list("version", flat=True)
    ) == [1, 2]


def test_several_mistakes_are_each_shown_at_their_own_field(client, admin_user):
    before = saved_rows()
    client.force_login(admin_user)
    response = enter(
        client,
        name="",
        scale="1 = Yes\n",
        subscales="calm: Feeling calm\ncalm: Again\n",
        items="calm I feel calm\n",
        version="first",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert errors_next_to(page, "name") == ["Enter the instrument's name"]
    assert errors_next_to(page, "version") == ["The version must be a whole number, like 1"]
    assert errors_next_to(page, "scale") == ["The response scale needs at least 2 points"]
    assert errors_next_to(page, "subscales") == [
        'Line 2: the code "calm" is already used on line 1'
    ]
    assert errors_next_to(page, "items") == [
        "Line 1: put a | between the subscale's code and the item's text, "
        "like wellbeing | I feel calm"
    ]
    assert saved_rows() == before


def test_a_bad_scale_is_named_once_beside_the_scale_not_on_every_item(client, admin_user):
    client.force_login(admin_user)
    response = enter(client, scale="2 = High\n1 = Low\n")
    assert response.context["form"].errors == {
        "scale": [
            "The response scale's values must increase from one point to the next (1 comes after 2)"
        ]
    }


def test_an_empty_form_asks_for_each_part(client, admin_user):
    before = saved_rows()
    client.force_login(admin_user)
    response = client.post(reverse("instrument-new"), {})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["Enter the instrument's name"],
        "code": ["Enter a code for the instrument"],
        "version": ["Enter the version"],
        "audience": ["Select who answers it"],
        "scoring_rule": ["Select how the items are scored"],
        "min_share_percent": ["Enter the percentage of items that must be answered"],
        "licence_note": ["Enter who owns the instrument and on what terms it may be used"],
        "scale": ["Enter the response scale"],
        "subscales": ["Enter the subscales"],
        "items": ["Enter the items"],
    }
    assert saved_rows() == before


def test_the_blank_form_starts_at_version_1_and_80_percent(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("instrument-new"))
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'name="version" value="1"', page)
    assert re.search(r'name="min_share_percent" value="80"', page)
    assert "Every item is answered on this same scale" in page


@pytest.mark.parametrize("role", NOT_ADMINISTRATORS)
def test_only_administrators_add_instruments_or_versions(client, users_by_role, role):
    before = saved_rows()
    buddy_v1 = Instrument.objects.get(code="peercare-buddy", version=1)
    client.force_login(users_by_role[role])

    assert client.get(reverse("instrument-new")).status_code == 403
    assert enter(client).status_code == 403
    new_version = reverse("instrument-new-version", args=[buddy_v1.pk])
    assert client.post(new_version).status_code == 403
    assert client.get(new_version).status_code == 403
    assert saved_rows() == before
    # Nor are they offered the buttons.
    assert "Add an instrument" not in client.get(reverse("instrument-list")).content.decode()
    detail = client.get(reverse("instrument-detail", args=[buddy_v1.pk])).content.decode()
    assert "Make a new version" not in detail


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_list_and_each_version(client, users_by_role, role):
    client.force_login(users_by_role[role])
    listing = client.get(reverse("instrument-list"))
    assert listing.status_code == 200
    rows = {instrument.name: instrument.item_count for instrument in listing.context["instruments"]}
    assert rows == SHIPPED
    page = listing.content.decode()
    assert "PeerCare recipient experience" in page
    assert "PeerCare buddy experience" in page
    assert "Not a validated scale" in page

    buddy_v1 = Instrument.objects.get(code="peercare-buddy", version=1)
    assert reverse("instrument-detail", args=[buddy_v1.pk]) in page
    detail = client.get(reverse("instrument-detail", args=[buddy_v1.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "I often feel low or stressed." in text
    assert "Manageable workload" in text
    assert "Neither agree nor disagree" in text
    # 12 items, of which 3 are reverse-scored (items 2, 8 and 9).
    assert [item.reverse_scored for item in detail.context["items"]].count(True) == 3
    assert len(detail.context["items"]) == 12


def test_nobody_signed_in_is_sent_to_sign_in(client):
    response = client.get(reverse("instrument-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))


def test_an_unknown_instrument_is_not_found(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("instrument-detail", args=[999999])).status_code == 404
    assert client.post(reverse("instrument-new-version", args=[999999])).status_code == 404


def test_a_new_version_copies_every_item_and_opens_on_the_copy(client, admin_user):
    client.force_login(admin_user)
    assert enter(client).status_code == 302
    version_1 = Instrument.objects.get(code="work-wellbeing", version=1)

    response = client.post(reverse("instrument-new-version", args=[version_1.pk]))

    version_2 = Instrument.objects.get(code="work-wellbeing", version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("instrument-detail", args=[version_2.pk])
    assert list(
        version_2.items.values_list("number", "subscale__code", "text", "reverse_scored", "scale")
    ) == [
        (1, "calm", "I feel calm at work.", False, AGREE_4),
        (2, "calm", "I often feel tense.", True, AGREE_4),
        (3, "team", "My team listens to me.", False, AGREE_4),
        (4, "team", "I can ask a colleague for help.", False, AGREE_4),
    ]
    assert list(version_2.subscales.values_list("order", "code", "name")) == [
        (1, "calm", "Feeling calm"),
        (2, "team", "Support from the team"),
    ]
    assert set(version_2.items.values_list("subscale__instrument", flat=True)) == {version_2.pk}
    assert version_2.licence_note == version_1.licence_note
    assert version_1.items.count() == 4

    page = client.get(response["Location"]).content.decode()
    assert "Version 2 of Work wellbeing scale made: a copy of version 1 with its 4 items" in page


def test_a_new_version_is_made_by_post_only(client, admin_user):
    client.force_login(admin_user)
    buddy_v1 = Instrument.objects.get(code="peercare-buddy", version=1)
    before = saved_rows()
    assert client.get(reverse("instrument-new-version", args=[buddy_v1.pk])).status_code == 405
    assert saved_rows() == before


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"version": "99999999999999999999"}, {"version": ["The version must be 32767 or less"]}),
        (
            {"min_share_percent": "80.5"},
            {"min_share_percent": ["The percentage must be a whole number, like 80"]},
        ),
        (
            {"scale": "1 = a\n" * 2000},
            {"scale": ["The response scale must be 4000 characters or fewer"]},
        ),
        (
            {"items": "|||\n|\n | reversed"},
            {
                "items": [
                    "Line 1: an item has at most 3 parts: the subscale's code, the text "
                    "and | reversed",
                    "Line 2: enter the subscale's code before the |",
                    "Line 2: enter the item's text after the |",
                    "Line 3: enter the subscale's code before the |",
                ]
            },
        ),
        (
            {"subscales": ":\n: :\n"},
            {
                "subscales": [
                    "Line 1: enter the subscale's code before the colon",
                    "Line 1: enter the subscale's name after the colon",
                    "Line 2: enter the subscale's code before the colon",
                ]
            },
        ),
        ({"name": "x" * 201}, {"name": ["The name must be 200 characters or fewer"]}),
    ],
)
def test_odd_input_is_refused_without_an_error_page(client, admin_user, changes, errors):
    before = saved_rows()
    client.force_login(admin_user)
    response = enter(client, **changes)
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    assert saved_rows() == before


def test_signed_values_on_the_scale_are_whole_numbers(client, admin_user):
    client.force_login(admin_user)
    assert (
        enter(client, scale="-2 = Much worse\n-0 = No change\n+2 = Much better\n").status_code
        == 302
    )
    item = Item.objects.get(instrument__code="work-wellbeing", number=1)
    assert item.scale == [[-2, "Much worse"], [0, "No change"], [2, "Much better"]]


def test_items_on_different_scales_each_show_their_own(client, inspector):
    instrument = instrument_create(
        definition=InstrumentDefinition(
            code="mixed",
            name="Mixed scales",
            audience="buddy",
            scoring_rule="mean",
            licence_note="Example only",
            subscales=[SubscaleDefinition("mood", "Mood")],
            items=[
                ItemDefinition(1, "I slept well.", "mood", [[0, "No"], [1, "Yes"]]),
                ItemDefinition(
                    2, "I felt rested.", "mood", [[1, "Never"], [2, "Sometimes"], [3, "Always"]]
                ),
            ],
        )
    )
    client.force_login(inspector)
    response = client.get(reverse("instrument-detail", args=[instrument.pk]))
    assert response.context["common_scale"] is None
    page = response.content.decode()
    assert "<li>0 = No</li><li>1 = Yes</li>" in page
    assert "<li>1 = Never</li><li>2 = Sometimes</li><li>3 = Always</li>" in page


def test_the_same_instrument_saved_twice_at_once_is_refused_kindly(client, admin_user, monkeypatch):
    client.force_login(admin_user)
    assert enter(client).status_code == 302
    before = saved_rows()
    # A second request that passed the check before the first one saved: only the database's
    # unique key stops it.
    monkeypatch.setattr(Instrument, "validate_constraints", lambda self, exclude=None: None)

    response = enter(client)

    assert response.status_code == 200
    assert errors_next_to(response.content.decode(), "version") == [
        "This version of the instrument already exists"
    ]
    assert saved_rows() == before
