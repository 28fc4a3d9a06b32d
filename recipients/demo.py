"""Demo people supported: a care plan in every state, one lacking capacity, one transferred, and
at every prison one to refer to the local authority and one whose review is overdue. All names are
invented."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from buddies.constants import BuddyStatus
from governance.models import Need, Prison, Task
from recipients.services import (
    assignment_create,
    care_plan_approve,
    care_plan_return,
    care_plan_save,
    care_plan_submit,
    recipient_create,
    recipient_end_support,
)

GIVEN = [
    "Albert",
    "Bernard",
    "Clive",
    "Derek",
    "Eric",
    "Fred",
    "George",
    "Harold",
    "Ivan",
    "Kenneth",
]
GIVEN_WOMEN = [
    "Agnes",
    "Brenda",
    "Carol",
    "Doreen",
    "Edna",
    "Flora",
    "Gloria",
    "Hilda",
    "Irene",
    "Joan",
]
FAMILY = [
    "Ashworth",
    "Bramley",
    "Crossley",
    "Dunmore",
    "Eastwood",
    "Fairbairn",
    "Greenhalgh",
    "Holroyd",
    "Ingham",
    "Kershaw",
]

# (plan story, needs, capacity); each prison has the stories listed in STORIES_AT.
STORIES = [
    ("approved", ["wheelchair_user", "mobility"], "has_capacity"),
    ("new_version", ["frailty_older_age", "sensory_sight"], "has_capacity"),
    ("submitted", ["dementia_memory"], "has_capacity"),
    ("returned", ["learning_disability"], "has_capacity"),
    ("lacks_capacity", ["dementia_memory", "frailty_older_age"], "lacks_capacity"),
    ("escalation_due", ["post_operative_temporary"], "has_capacity"),
    ("transferred", ["mobility"], "has_capacity"),
    ("review_overdue", ["sensory_hearing", "mobility"], "has_capacity"),
    ("draft", ["mental_health"], "not_assessed"),
]
STORIES_AT = {"NGT": list(range(9)), "EMR": [0, 1, 2, 3, 4, 5, 7], "WFL": [0, 1, 2, 3, 5, 7]}
TASKS = [
    ["wheelchair_push", "escort_movement", "meals_collect"],
    ["meals_collect", "cell_cleaning", "reading_writing"],
    ["welfare_check_company", "hygiene_reminder"],
]


def _prison_number(rng: random.Random, index: int) -> str:
    return (
        f"{'KLMNPRSTVW'[index]}{rng.randint(1000, 9999)}{'ABCDEFGH'[index % 8]}{'XYZ'[index % 3]}"
    )


@transaction.atomic
def demo_seed_recipients() -> list[str]:
    created = []
    today = timezone.localdate()
    lead = User.objects.get(username="demo_lead")
    for prison in Prison.objects.filter(code__in=STORIES_AT).order_by("code"):
        if prison.recipients.exists():
            continue
        reviewer = User.objects.filter(local_authority=prison.local_authority).first()
        reviewer = reviewer or User.objects.get(username="demo_admin")
        rng = random.Random(f"people-{prison.code}")  # noqa: S311  (demo data, not security)
        buddies = list(prison.buddies.filter(status=BuddyStatus.ACTIVE, vetting_outcome="approved"))
        names = GIVEN_WOMEN if prison.category.startswith("female") else GIVEN
        for index in STORIES_AT[prison.code]:
            story, needs, capacity = STORIES[index]
            days_supported = rng.randint(60, 200)
            if story == "review_overdue":
                # Review due at least two months ago: overdue at the end of last month too.
                days_supported = max(days_supported, 90)
            started = today - dt.timedelta(days=days_supported)
            person = recipient_create(
                prison=prison,
                prison_number=_prison_number(rng, index),
                given_name=names[index],
                family_name=FAMILY[index],
                date_of_birth=dt.date(
                    1940 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28)
                ),
                needs=Need.objects.filter(code__in=needs),
                mental_capacity=capacity,
                formal_care="none" if index % 3 else "healthcare",
                referred_to_la_on=None
                if story == "escalation_due"
                else started - dt.timedelta(days=14),
                support_started_on=started,
            )
            created.append(f"person {person.prison_number} at {prison.code}")
            if story == "escalation_due":
                continue
            tasks = Task.objects.filter(code__in=TASKS[index % len(TASKS)])
            plan_fields = {
                "starts_on": started,
                "review_due_on": started
                + dt.timedelta(days=30 if story == "review_overdue" else 180),
                "capacity_at_agreement": capacity if capacity != "not_assessed" else "",
                "agreed_with_recipient_on": None if capacity == "lacks_capacity" else started,
                "agreed_with_buddy_on": started,
                "best_interests_decision_by": f"{lead.get_full_name()}, social care lead"
                if capacity == "lacks_capacity"
                else "",
                "boundaries_explained_on": started,
                "notes": "",
            }
            if story == "draft":
                plan_fields.update(agreed_with_buddy_on=None, boundaries_explained_on=None)
            plan = care_plan_save(recipient=person, user=lead, tasks=tasks, **plan_fields)
            if story in {
                "approved",
                "new_version",
                "lacks_capacity",
                "transferred",
                "review_overdue",
                "submitted",
                "returned",
            }:
                care_plan_submit(plan=plan, user=lead)
            if story == "returned":
                care_plan_return(
                    plan=plan,
                    user=reviewer,
                    comments="Please record when the limits of the role were explained to the buddy "
                    "who collects meals, and add the review date agreed at the meeting.",
                )
            elif story != "submitted" and story != "draft":
                care_plan_approve(plan=plan, user=reviewer, on=started + dt.timedelta(days=3))
            if story == "new_version":
                newer = care_plan_save(
                    recipient=person,
                    user=lead,
                    tasks=Task.objects.filter(code__in=[*TASKS[1], "laundry"]),
                    **{**plan_fields, "starts_on": started + dt.timedelta(days=40)},
                )
                care_plan_submit(plan=newer, user=lead)
                care_plan_approve(plan=newer, user=reviewer, on=started + dt.timedelta(days=42))
            if buddies and story != "draft":
                assignment_create(
                    buddy=buddies[index % len(buddies)],
                    recipient=person,
                    started_on=started,
                    no_personal_relationship_confirmed=True,
                )
            if story == "transferred":
                recipient_end_support(
                    recipient=person, on=today - dt.timedelta(days=10), reason="transferred"
                )
    return created
