"""The two questionnaires written for PeerCare (version 1 of each).

They are the product's own wording, not taken from any published scale, and are not validated
instruments: their scores compare a scheme with itself over time and between prisons using
PeerCare. Every score reads "higher is better", so negatively worded items are reverse-scored.
Items about a buddy cannot be answered at a baseline taken before a scheme starts; they are left
unanswered there and that subscale gets no score.
"""

from django.db import migrations

AGREEMENT = [
    [1, "Strongly disagree"],
    [2, "Disagree"],
    [3, "Neither agree nor disagree"],
    [4, "Agree"],
    [5, "Strongly agree"],
]

LICENCE_NOTE = (
    "Written for PeerCare and free to use with it. Not a validated scale: "
    "do not compare its scores with published instruments."
)

# (code, name, audience, subscales as (code, name), items as (subscale, text, reverse-scored))
INSTRUMENTS = [
    (
        "peercare-recipient",
        "PeerCare recipient experience",
        "recipient",
        [
            ("needs_met", "Needs met"),
            ("safety", "Safety"),
            ("independence", "Independence"),
            ("relationships", "Relationships"),
            ("participation", "Taking part in prison life"),
            ("dignity", "Dignity"),
            ("trust", "Trust in buddy"),
        ],
        [
            ("needs_met", "I get the help I need with everyday tasks.", False),
            ("needs_met", "Some things I need help with do not get done.", True),
            ("safety", "I feel safe on my wing.", False),
            ("safety", "I worry that other prisoners will take advantage of me.", True),
            ("independence", "I can choose how and when I am helped.", False),
            ("independence", "I can get around the prison as much as I need to.", False),
            ("relationships", "I have people here I can talk to.", False),
            ("relationships", "I often feel lonely.", True),
            (
                "participation",
                "I can take part in work, education, exercise or faith services.",
                False,
            ),
            (
                "participation",
                "I miss meals, visits or activities because I cannot get to them.",
                True,
            ),
            ("dignity", "The people who help me treat me with respect.", False),
            ("dignity", "I feel ashamed when I have to ask for help.", True),
            ("trust", "I trust my buddy.", False),
            ("trust", "My buddy does what they say they will do.", False),
        ],
    ),
    (
        "peercare-buddy",
        "PeerCare buddy experience",
        "buddy",
        [
            ("wellbeing", "Wellbeing"),
            ("confidence", "Confidence"),
            ("skills", "Skills"),
            ("safety", "Safety"),
            ("burden", "Manageable workload"),
            ("staff_support", "Support from staff"),
        ],
        [
            ("wellbeing", "I feel good about myself most days.", False),
            ("wellbeing", "I often feel low or stressed.", True),
            ("confidence", "I feel confident when I am helping someone.", False),
            ("confidence", "I can say no when I am asked to do something I should not do.", False),
            ("skills", "My training prepared me well for this job.", False),
            ("skills", "I am learning skills I can use after I leave prison.", False),
            ("safety", "I feel safe when I am doing my buddy work.", False),
            ("safety", "Other prisoners put pressure on me because of this job.", True),
            ("burden", "The buddy work is too much for me.", True),
            (
                "burden",
                "I still have enough time for my own needs, such as rest and visits.",
                False,
            ),
            ("staff_support", "Staff help me when I have a problem with this job.", False),
            ("staff_support", "I get regular time with staff to talk about my buddy work.", False),
        ],
    ),
]


def load(apps, schema_editor):
    Instrument = apps.get_model("outcomes", "Instrument")
    Subscale = apps.get_model("outcomes", "Subscale")
    Item = apps.get_model("outcomes", "Item")
    for code, name, audience, subscales, items in INSTRUMENTS:
        instrument, created = Instrument.objects.get_or_create(
            code=code,
            version=1,
            defaults={
                "name": name,
                "audience": audience,
                "scoring_rule": "mean",
                "licence_note": LICENCE_NOTE,
            },
        )
        if not created:
            continue
        by_code = {
            subscale_code: Subscale.objects.create(
                instrument=instrument, code=subscale_code, name=subscale_name, order=order
            )
            for order, (subscale_code, subscale_name) in enumerate(subscales, start=1)
        }
        Item.objects.bulk_create(
            Item(
                instrument=instrument,
                number=number,
                text=text,
                subscale=by_code[subscale_code],
                reverse_scored=reverse_scored,
                scale=AGREEMENT,
            )
            for number, (subscale_code, text, reverse_scored) in enumerate(items, start=1)
        )


def unload(apps, schema_editor):
    Instrument = apps.get_model("outcomes", "Instrument")
    Item = apps.get_model("outcomes", "Item")
    Subscale = apps.get_model("outcomes", "Subscale")
    codes = [code for code, *_rest in INSTRUMENTS]
    shipped = Instrument.objects.filter(code__in=codes, version=1, responses__isnull=True)
    Item.objects.filter(instrument__in=shipped).delete()
    Subscale.objects.filter(instrument__in=shipped).delete()
    shipped.delete()


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
