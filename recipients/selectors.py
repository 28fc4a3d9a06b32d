from django.db.models import Count

from recipients.models import Recipient


def recipient_todo_counts(user) -> dict[int, dict[str, int]]:
    """Per prison: people to refer to the local authority (PSI 12) and plans overdue for review."""
    people = Recipient.objects.for_user(user)
    counts: dict[int, dict[str, int]] = {}
    for key, queryset in [
        ("escalation_due", people.escalation_due()),
        ("review_overdue", people.review_overdue()),
    ]:
        for row in queryset.values("prison_id").annotate(n=Count("pk")).order_by():
            counts.setdefault(row["prison_id"], {})[key] = row["n"]
    return counts
