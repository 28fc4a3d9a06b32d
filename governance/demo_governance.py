"""Demo governance records: staff, training with gaps and expiries, supervision (one prison
overdue), staff time and incidents of several kinds, so the three demo prisons sit at different
governance models. All names are invented.

Dated records come at least two to a prison, a few weeks apart, so that "last month" on the
monitoring dashboard holds a supervision and an incident whatever the day of the month."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from buddies.constants import BuddyStatus
from governance.constants import DEFAULT_MANDATORY_MODULES, SupervisionKind
from governance.models import Incident, Prison, StaffMember, StaffTime, Supervision, TrainingRecord

STAFF = {
    "NGT": [
        ("NGT-SCL", "Alex Morgan", "Social care lead", "prison", 6),
        ("NGT-LA1", "Priya Shah", "Social worker", "local_authority", None),
        ("NGT-W03", "Dan Price", "Wing officer", "prison", 3),
    ],
    "EMR": [("EMR-W11", "Lee Carter", "Wing officer", "prison", 3)],
    "WFL": [
        ("WFL-EQ1", "Rosa Bell", "Equalities officer", "prison", 6),
        ("WFL-EXT", "Mo Ahmed", "Trainer, Care Partners charity", "external_organisation", None),
    ],
}


def _train(buddy, modules, on, expires_on=None):
    for code in modules:
        TrainingRecord.objects.create(
            prison=buddy.prison,
            buddy=buddy,
            module_id=code,
            provider="local_authority",
            completed_on=on,
            hours=Decimal("2.00"),
            expires_on=expires_on,
        )


@transaction.atomic
def demo_seed_governance() -> list[str]:
    today = timezone.localdate()
    created = []
    for prison in Prison.objects.filter(code__in=STAFF).order_by("code"):
        if prison.staff.exists():
            continue
        staff = [
            StaffMember.objects.create(
                prison=prison, staff_ref=ref, name=name, role=role, organisation=org, band=band
            )
            for ref, name, role, org, band in STAFF[prison.code]
        ]
        active = list(
            prison.buddies.filter(status__in=[BuddyStatus.ACTIVE, BuddyStatus.SUSPENDED]).order_by(
                "pk"
            )
        )
        if prison.code == "NGT":
            # Most trained; one refresher due in 20 days, one in its renewal window, three with a gap.
            for index, buddy in enumerate(active):
                start = buddy.started_on
                if index in {5, 6, 7}:
                    _train(
                        buddy,
                        [m for m in DEFAULT_MANDATORY_MODULES if m != "confidentiality"],
                        start,
                    )
                elif index == 1:
                    _train(
                        buddy,
                        DEFAULT_MANDATORY_MODULES,
                        start,
                        expires_on=today + dt.timedelta(days=20),
                    )
                elif index == 2:
                    _train(
                        buddy, [m for m in DEFAULT_MANDATORY_MODULES if m != "safeguarding"], start
                    )
                    _train(buddy, ["safeguarding"], start, expires_on=today - dt.timedelta(days=10))
                else:
                    _train(buddy, DEFAULT_MANDATORY_MODULES, start)
            TrainingRecord.objects.create(
                prison=prison,
                staff=staff[2],
                module_id="staff_social_care_awareness",
                provider="local_authority",
                completed_on=today - dt.timedelta(days=90),
            )
            months = [today - dt.timedelta(days=d) for d in (75, 40, 15)]
            supervised = [
                b for i, b in enumerate(active) if i != 3 and b.status == BuddyStatus.ACTIVE
            ]
        elif prison.code == "WFL":
            for buddy in active:
                _train(buddy, DEFAULT_MANDATORY_MODULES, buddy.started_on)
            for member in staff[:1]:
                TrainingRecord.objects.create(
                    prison=prison,
                    staff=member,
                    module_id="staff_social_care_awareness",
                    provider="external_organisation",
                    completed_on=today - dt.timedelta(days=120),
                )
            months = [today - dt.timedelta(days=d) for d in (70, 35, 10)]
            supervised = [b for b in active if b.status == BuddyStatus.ACTIVE]
        else:
            # EMR: no buddy training or group supervision on record (governance model 5), so no
            # active buddy is trained or fit to work. Ad hoc check-ins on the landing; a one-to-one
            # only with the suspended buddy; the wing officer did the social care awareness course.
            TrainingRecord.objects.create(
                prison=prison,
                staff=staff[0],
                module_id="staff_social_care_awareness",
                provider="healthcare",
                completed_on=today - dt.timedelta(days=200),
            )
            months = []
            supervised = []
            for number, (days_ago, buddies) in enumerate(
                [(60, active[:2]), (38, active[2:4]), (14, active[4:6])], start=1
            ):
                session = Supervision.objects.create(
                    prison=prison,
                    reference=f"SUP-ADHOC-{number}",
                    date=today - dt.timedelta(days=days_ago),
                    kind=SupervisionKind.AD_HOC,
                    supervisor=staff[0],
                    minutes=15,
                    notes="Check-in on the landing.",
                )
                session.buddies.set(buddies)
            suspended = [b for b in active if b.status == BuddyStatus.SUSPENDED]
            if suspended:
                session = Supervision.objects.create(
                    prison=prison,
                    reference="SUP-121-1",
                    date=today - dt.timedelta(days=25),
                    kind=SupervisionKind.ONE_TO_ONE,
                    supervisor=staff[0],
                    minutes=30,
                    notes="One-to-one during the suspension: workload, wellbeing, next steps.",
                )
                session.buddies.set(suspended)
        for number, day in enumerate(months, start=1):
            session = Supervision.objects.create(
                prison=prison,
                reference=f"SUP-{day.year}-{number:03d}",
                date=day,
                kind=SupervisionKind.GROUP,
                supervisor=staff[0],
                minutes=60,
                notes="Group supervision: boundaries, wellbeing, concerns.",
            )
            session.buddies.set(supervised)
        monday = today - dt.timedelta(days=today.weekday())
        for week in range(12):
            StaffTime.objects.create(
                staff=staff[0],
                week_starting=monday - dt.timedelta(weeks=week + 1),
                activity="running",
                hours=Decimal("2.50") if prison.code != "EMR" else Decimal("1.00"),
            )
        people = list(prison.recipients.order_by("pk"))
        incidents = {
            "NGT": [
                (
                    "INC-001",
                    40,
                    "boundary_crossed",
                    "high",
                    "open",
                    2,
                    0,
                    "A buddy helped a person to dress.",
                ),
                (
                    "INC-002",
                    70,
                    "bullying",
                    "medium",
                    "closed",
                    3,
                    1,
                    "Name-calling on the landing.",
                ),
                (
                    "INC-003",
                    12,
                    "missed_care",
                    "low",
                    "investigating",
                    None,
                    2,
                    "Lunch not collected.",
                ),
            ],
            "EMR": [
                (
                    "INC-001",
                    30,
                    "buddy_burden",
                    "medium",
                    "open",
                    0,
                    None,
                    "Buddy reports feeling worn out.",
                ),
                (
                    "INC-002",
                    9,
                    "aggression_to_buddy",
                    "medium",
                    "investigating",
                    1,
                    None,
                    "A buddy was threatened on the servery queue.",
                ),
                (
                    "INC-003",
                    52,
                    "missed_care",
                    "low",
                    "closed",
                    None,
                    1,
                    "Breakfast not collected during a lockdown.",
                ),
            ],
            "WFL": [
                (
                    "INC-001",
                    20,
                    "safeguarding_concern",
                    "high",
                    "investigating",
                    None,
                    0,
                    "Concern about money.",
                ),
                (
                    "INC-002",
                    45,
                    "fall",
                    "low",
                    "closed",
                    1,
                    1,
                    "A fall; the buddy raised the alarm.",
                ),
            ],
        }[prison.code]
        for (
            reference,
            days_ago,
            category,
            severity,
            status,
            buddy_index,
            person_index,
            summary,
        ) in incidents:
            occurred = today - dt.timedelta(days=days_ago)
            Incident.objects.create(
                prison=prison,
                reference=reference,
                occurred_on=occurred,
                category_id=category,
                severity=severity,
                status=status,
                summary=summary,
                buddy=active[buddy_index]
                if buddy_index is not None and buddy_index < len(active)
                else None,
                recipient=people[person_index]
                if person_index is not None and person_index < len(people)
                else None,
                closed_on=occurred + dt.timedelta(days=7) if status == "closed" else None,
                safeguarding_referral_on=occurred if category == "safeguarding_concern" else None,
            )
        created.append(f"governance records at {prison.code}")
    return created
