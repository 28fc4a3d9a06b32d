"""Demo buddies at every step of employment, some active but not fit to work. All names invented."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from buddies.constants import EndReason, PayScheme, VettingOutcome
from buddies.models import Buddy, PayRate
from governance.models import PeerRole, Prison

GIVEN = [
    "Aaron",
    "Ben",
    "Callum",
    "Dean",
    "Errol",
    "Frank",
    "Gary",
    "Harvey",
    "Imran",
    "Jamal",
    "Kieran",
    "Liam",
    "Marcus",
    "Nathan",
    "Owen",
    "Paul",
    "Rhys",
    "Sean",
    "Tariq",
    "Wesley",
]
FAMILY = [
    "Abbott",
    "Barker",
    "Cole",
    "Doyle",
    "Ellis",
    "Fletcher",
    "Grant",
    "Hughes",
    "Irwin",
    "Jarvis",
    "Kemp",
    "Lowe",
    "Marsh",
    "Nolan",
    "Osei",
    "Pearce",
    "Quinn",
    "Rowe",
    "Shah",
    "Tate",
]
WOMEN = [
    "Amy",
    "Bethany",
    "Chloe",
    "Donna",
    "Emma",
    "Faye",
    "Gemma",
    "Hannah",
    "Jade",
    "Kelly",
]

# (status, what is missing) — a mix that shows every step and every way of not being fit to work.
PROFILES = [
    ("active", ""),
    ("active", ""),
    ("active", ""),
    ("active", ""),
    ("active", ""),
    ("active", "compact"),
    ("active", "safeguarding"),
    ("active", "benefits"),
    ("suspended", ""),
    ("left", ""),
    ("applicant", ""),
    ("vetting", ""),
    ("interview", ""),
    ("offered", ""),
    ("rejected", ""),
]
SIZES = {"NGT": 15, "EMR": 10, "WFL": 8}


def _prison_number(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWXY"
    return (
        f"{rng.choice(letters)}{rng.randint(1000, 9999)}{rng.choice(letters)}{rng.choice(letters)}"
    )


@transaction.atomic
def demo_seed_buddies() -> list[str]:
    created = []
    today = timezone.localdate()
    listener = PeerRole.objects.get(code="listener")
    for prison in Prison.objects.filter(code__in=SIZES).order_by("code"):
        if prison.buddies.exists():
            continue
        rng = random.Random(prison.code)  # noqa: S311  (demo data, not security)
        given_names = WOMEN if prison.category.startswith("female") else GIVEN
        for index, (status, missing) in enumerate(PROFILES[: SIZES[prison.code]]):
            applied = today - dt.timedelta(
                days=rng.randint(200, 500)
                if status in {"active", "suspended", "left"}
                else rng.randint(5, 40)
            )
            buddy = Buddy(
                prison=prison,
                prison_number=_prison_number(rng),
                given_name=given_names[index % len(given_names)],
                family_name=FAMILY[(index * 7 + len(prison.code)) % len(FAMILY)],
                status=status,
                applied_on=applied,
            )
            if status != "applicant":
                buddy.vetting_outcome = VettingOutcome.PENDING
            if status in {"interview", "offered", "active", "suspended", "left"}:
                buddy.vetting_outcome = VettingOutcome.APPROVED
                buddy.vetted_on = applied + dt.timedelta(days=3)
            if status in {"offered", "active", "suspended", "left"}:
                buddy.interviewed_on = applied + dt.timedelta(days=4)
                buddy.offered_on = applied + dt.timedelta(days=5)
            if status in {"active", "suspended", "left"}:
                buddy.started_on = applied + dt.timedelta(days=10)
                for field in [
                    "compact_signed_on",
                    "benefits_explained_on",
                    "safeguarding_briefed_on",
                ]:
                    # Westfell keeps every step on record; the others have gaps to show.
                    gap = missing if prison.code != "WFL" else ""
                    if not field.startswith(gap or "-"):
                        setattr(buddy, field, applied + dt.timedelta(days=9))
            if status == "left":
                buddy.ended_on = today - dt.timedelta(days=20)
                buddy.end_reason = EndReason.RELEASED
            if status == "rejected":
                buddy.vetting_outcome = VettingOutcome.REFUSED
                buddy.vetted_on = applied + dt.timedelta(days=3)
                buddy.rejected_on = applied + dt.timedelta(days=4)
                buddy.rejection_reason = "Security vetting refused"
            buddy.full_clean()
            buddy.save()
            if index == 2:
                buddy.other_peer_roles.set([listener])
            if buddy.started_on:
                scheme = PayScheme.ENHANCED if index in {0, 1} else PayScheme.STANDARD
                if index == 4:
                    scheme = PayScheme.UNPAID_VOLUNTEER
                rate = {PayScheme.ENHANCED: "2.00", PayScheme.STANDARD: "1.50"}.get(scheme, "0.00")
                PayRate.objects.create(
                    buddy=buddy,
                    effective_from=buddy.started_on,
                    pay_scheme=scheme,
                    rate_per_session=Decimal(rate),
                )
            created.append(f"buddy {buddy.prison_number} at {prison.code}")
    return created
