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

# (status, what is missing or, for a refusal, the step that ended it, days since applying): a mix
# that shows every step and every way of not being fit to work. Buddies who started work applied
# 200 to 500 days ago (None: drawn at random). The recruitment steps are a fixed number of days
# ago, with two offers and two refusals about three and six weeks ago, so that "last month" on the
# monitoring dashboard holds an application, an offer and a refusal whatever the day of the month.
PROFILES = [
    ("active", "", None),
    ("active", "", None),
    ("active", "", None),
    ("active", "", None),
    ("active", "", None),
    ("active", "compact", None),
    ("active", "safeguarding", None),
    ("active", "benefits", None),
    ("suspended", "", None),
    ("left", "", None),
    ("applicant", "", 6),
    ("vetting", "", 16),
    ("interview", "", 27),
    ("offered", "", 19),  # offered 14 days ago
    ("rejected", "vetting", 13),  # vetting refused; not appointed 9 days ago
    ("offered", "", 47),  # offered 42 days ago
    ("rejected", "interview", 40),  # not appointed after interview, 36 days ago
]
# The profiles each prison has: its buddies who started work, then the people being recruited.
PROFILES_AT = {
    "NGT": list(range(17)),
    "EMR": [*range(10), 13, 14, 15, 16],
    "WFL": [*range(8), 11, 13, 14, 15, 16],
}
REJECTION_REASONS = {
    "vetting": "Security vetting refused",
    "interview": "Not appointed after interview",
}


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
    for prison in Prison.objects.filter(code__in=PROFILES_AT).order_by("code"):
        if prison.buddies.exists():
            continue
        rng = random.Random(prison.code)  # noqa: S311  (demo data, not security)
        given_names = WOMEN if prison.category.startswith("female") else GIVEN
        for index in PROFILES_AT[prison.code]:
            status, missing, days_since_applying = PROFILES[index]
            applied = today - dt.timedelta(days=days_since_applying or rng.randint(200, 500))
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
                buddy.vetted_on = applied + dt.timedelta(days=3)
                if missing == "vetting":
                    buddy.vetting_outcome = VettingOutcome.REFUSED
                else:  # vetted, interviewed and not appointed
                    buddy.vetting_outcome = VettingOutcome.APPROVED
                    buddy.interviewed_on = applied + dt.timedelta(days=4)
                buddy.rejected_on = applied + dt.timedelta(days=4)
                buddy.rejection_reason = REJECTION_REASONS[missing]
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
