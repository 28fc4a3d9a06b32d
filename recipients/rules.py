"""The rules of care plans and assignments, as pure functions of the records."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.constants import TaskKind
from governance.models import Scheme, Task
from recipients.constants import MentalCapacity


def check_tasks(*, scheme: Scheme, tasks: Iterable[Task]) -> None:
    """A plan lists allowed tasks only: never intimate care or medication (PSI requirement 8),
    and the two optional tasks only where the prison has switched them on."""
    messages = []
    for task in tasks:
        if task.kind == TaskKind.FORBIDDEN:
            messages.append(
                f"{task.label} is never allowed for a buddy: {task.why_not_allowed} "
                "(PSI requirement 8)"
            )
        elif task.kind == TaskKind.OPTIONAL and task.code not in {
            t.code for t in scheme.allowed_tasks()
        }:
            messages.append(
                f"{task.label} is not switched on for {scheme.prison.name}: the social care lead "
                "can switch it on in the scheme settings"
            )
    if messages:
        raise ValidationError({"tasks": messages})


def check_plan_content(plan, tasks: list[Task]) -> None:
    """Rules every version must meet, even as a draft."""
    errors = {}
    if plan.review_due_on and plan.starts_on and plan.review_due_on <= plan.starts_on:
        errors["review_due_on"] = "The review date must be after the date the plan starts"
    if (
        plan.capacity_at_agreement == MentalCapacity.LACKS_CAPACITY
        and not plan.best_interests_decision_by.strip()
    ):
        errors["best_interests_decision_by"] = (
            "Enter who made the best-interests decision: when the person lacks capacity, the social "
            "care lead decides in their best interests (PSI requirement 9)"
        )
    today = timezone.localdate()
    for field in ["agreed_with_recipient_on", "agreed_with_buddy_on", "boundaries_explained_on"]:
        value = getattr(plan, field)
        label = plan._meta.get_field(field).verbose_name
        if value and value > today:
            errors[field] = f"{label} must be today or in the past"
        elif value and plan.starts_on and value > plan.starts_on:
            errors[field] = f"{label} must be on or before the date the plan starts"
    if errors:
        raise ValidationError(errors)


def check_ready_for_review(plan, tasks: list[Task]) -> None:
    """A plan goes to the local authority only when everything is agreed and written down
    (PSI requirements 3, 9 and 10)."""
    errors = {}
    if not tasks:
        errors["tasks"] = "Choose at least one task buddies will do"
    if not plan.capacity_at_agreement:
        errors["capacity_at_agreement"] = (
            "Select the person's mental capacity when the plan was agreed"
        )
    if (
        not plan.agreed_with_recipient_on
        and plan.capacity_at_agreement != MentalCapacity.LACKS_CAPACITY
    ):
        errors["agreed_with_recipient_on"] = (
            "Enter the date the person agreed the plan (PSI requirement 9)"
        )
    if not plan.agreed_with_buddy_on:
        errors["agreed_with_buddy_on"] = (
            "Enter the date the buddy agreed the tasks (PSI requirement 9)"
        )
    if not plan.boundaries_explained_on:
        errors["boundaries_explained_on"] = (
            "Enter the date the limits of the buddy's role were explained (PSI requirements 3 and 10)"
        )
    if errors:
        raise ValidationError(errors)
