"""Demo sessions: twelve weeks of activity with missed, informal and unpaid sessions."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from buddies.activity import SessionContext
from buddies.constants import Outcome
from buddies.models import Session
from governance.models import Prison

WEEKS = 12
# Days ago of informal help for a person not yet referred: three days inside a fortnight (regular
# help, PSI requirement 12), twice, about five weeks apart, so that last month always holds some.
INFORMAL_DAYS_AGO = (40, 37, 33, 12, 9, 5)


@transaction.atomic
def demo_seed_sessions() -> list[str]:
    from recipients.models import Assignment, Recipient

    today = timezone.localdate()
    start = today - dt.timedelta(weeks=WEEKS)
    created = []
    for prison in Prison.objects.filter(code__in=["NGT", "EMR", "WFL"]).order_by("code"):
        if prison.sessions.exists():
            continue
        rng = random.Random(f"sessions-{prison.code}")  # noqa: S311  (demo data, not security)
        ctx = SessionContext.load(prison, start, today)
        lockdown_days = {start + dt.timedelta(days=rng.randint(0, WEEKS * 7)) for _ in range(4)}
        sessions, task_codes = [], []
        for assignment in Assignment.objects.filter(recipient__prison=prison).select_related(
            "buddy"
        ):
            day = max(start, assignment.started_on)
            last = min(today, assignment.ended_on or today)
            minutes = rng.choice([30, 45, 60])
            while day <= last:
                for period in ("am", "pm"):
                    if period == "pm" and rng.random() < 0.4:
                        continue  # not every person needs an afternoon visit
                    outcome = Outcome.DELIVERED
                    roll = rng.random()
                    if day in lockdown_days:
                        outcome = Outcome.MISSED_REGIME_LOCKDOWN
                    elif roll < 0.03:
                        outcome = Outcome.MISSED_BUDDY_UNAVAILABLE
                    elif roll < 0.05:
                        outcome = Outcome.MISSED_RECIPIENT_DECLINED
                    # Buddies work seven days but are paid for six: Sunday's work is unpaid.
                    paid = outcome == Outcome.MISSED_REGIME_LOCKDOWN or (
                        outcome == Outcome.DELIVERED and day.weekday() != 6
                    )
                    sessions.append(
                        Session(
                            prison=prison,
                            date=day,
                            period=period,
                            buddy=assignment.buddy,
                            recipient_id=assignment.recipient_id,
                            minutes=minutes,
                            outcome=outcome,
                            paid=paid,
                            logged_at=timezone.now(),
                        )
                    )
                    task_codes.append(sorted(ctx.plan_tasks(assignment.recipient_id, day) or []))
                day += dt.timedelta(days=1)
        # Informal help for one person not yet referred (INFORMAL_DAYS_AGO).
        informal_person = Recipient.objects.filter(
            prison=prison, referred_to_la_on__isnull=True
        ).first()
        if informal_person is not None:
            for offset in INFORMAL_DAYS_AGO:
                sessions.append(
                    Session(
                        prison=prison,
                        date=today - dt.timedelta(days=offset),
                        period="pm",
                        recipient=informal_person,
                        helper_prison_number="Z9999ZZ",
                        minutes=20,
                        informal=True,
                        paid=False,
                        logged_at=timezone.now(),
                    )
                )
                task_codes.append(["welfare_check_company"])
        saved = bulk_create_with_history(sessions, Session, batch_size=500)
        through = Session.tasks.through
        through.objects.bulk_create(
            [
                through(session_id=s.pk, task_id=code)
                for s, codes in zip(saved, task_codes, strict=True)
                for code in codes
            ],
            batch_size=1000,
        )
        created.append(f"{len(saved)} sessions at {prison.code}")
    return created
