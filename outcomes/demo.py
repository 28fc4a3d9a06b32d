"""Demo surveys: in one prison (NGT), a baseline and two follow-ups three months apart, asking
its buddies and the people it supports the two PeerCare questionnaires. Answers drift upwards
from wave to wave so the change from baseline shows; in each wave one person declines and one
answers only a few questions (too few to score)."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from buddies.constants import BuddyStatus
from buddies.models import Buddy
from governance.models import Prison
from outcomes.constants import Audience
from outcomes.models import Instrument, SurveyWave, add_months
from outcomes.questionnaires import ensure_shipped_questionnaires
from outcomes.services import response_record, wave_plan
from recipients.models import Recipient

DEMO_PRISON = "NGT"
WAVES = 3  # the baseline and two follow-ups
FOLLOW_UP_MONTHS = 3
ASKING_DAYS = 28


def _answers(rng: random.Random, instrument: Instrument, lift: float) -> dict[int, int]:
    """Answers leaning towards the better end by `lift` (0 to 1), on each item's own scale."""
    answers = {}
    for item in instrument.items.all():
        low, high = min(item.values), max(item.values)
        good = min(high, max(low, round(rng.gauss(low + (high - low) * (0.45 + lift), 0.9))))
        answers[item.number] = low + high - good if item.reverse_scored else good
    return answers


def _people(prison: Prison, wave: SurveyWave, audience: str) -> list:
    if audience == Audience.BUDDY:
        return list(
            Buddy.objects.filter(
                prison=prison, status__in=[BuddyStatus.ACTIVE, BuddyStatus.SUSPENDED]
            ).order_by("pk")
        )
    return list(
        Recipient.objects.filter(prison=prison)
        .exclude(support_ended_on__lt=wave.starts_on)
        .order_by("pk")
    )


@transaction.atomic
def demo_seed_surveys() -> list[str]:
    prison = Prison.objects.filter(code=DEMO_PRISON).first()
    if prison is None or SurveyWave.objects.filter(prison=prison).exists():
        return []
    ensure_shipped_questionnaires()
    rng = random.Random(9)  # noqa: S311  (demo data, not security)
    today = timezone.localdate()
    instruments = list(
        Instrument.objects.filter(code__in=["peercare-buddy", "peercare-recipient"], version=1)
    )
    created = []
    # The latest follow-up started two months ago, so it has closed and the next is due soon.
    last_start = add_months(today, -2)
    for number in range(WAVES):
        starts_on = add_months(last_start, -FOLLOW_UP_MONTHS * (WAVES - 1 - number))
        wave = wave_plan(
            prison=prison,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=ASKING_DAYS - 1),
            follow_up_months=FOLLOW_UP_MONTHS,
            instruments=instruments,
        )
        created.append(f"survey wave {wave.label}")
        for instrument in instruments:
            for position, person in enumerate(_people(prison, wave, instrument.audience)):
                answered_on = min(today, starts_on + dt.timedelta(days=rng.randint(0, 20)))
                declined = position == 1
                answers = {} if declined else _answers(rng, instrument, 0.1 * number)
                if position == 2:  # answered the first three questions only
                    answers = {n: v if n <= 3 else None for n, v in answers.items()}
                response_record(
                    wave=wave,
                    instrument=instrument,
                    answered_on=answered_on,
                    declined=declined,
                    answers=answers,
                    **{instrument.audience: person},
                )
                created.append(f"survey response {wave.number}/{person.prison_number}")
    return created
