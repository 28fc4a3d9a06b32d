"""The action lists of the home page and the monitoring dashboard: what needs doing, per prison."""

from buddies.constants import Outcome
from buddies.selectors import activity_todo_counts, buddy_todo_counts
from governance.incident_selectors import incident_todo_counts
from governance.selectors import governance_todo_counts
from recipients.selectors import recipient_todo_counts


def action_lists(user, prisons) -> list[tuple[object, dict]]:
    """(prison, counts) for each of `prisons` with anything to do, in their order: escalations
    due, reviews overdue, buddies not fit to work, supervision overdue, workload warnings, open
    high-severity incidents and the rest. A fixed number of queries for all the user's prisons."""
    sources = [
        buddy_todo_counts(user),
        recipient_todo_counts(user),
        activity_todo_counts(user),
        governance_todo_counts(user),
        incident_todo_counts(user),
    ]
    todo = []
    for prison in prisons:
        if not any(prison.pk in counts for counts in sources):
            continue
        merged = {k: v for counts in sources for k, v in counts.get(prison.pk, {}).items()}
        merged["missed_reasons"] = [
            (Outcome(key.split(":", 1)[1]).label.removeprefix("Missed: "), n)
            for key, n in merged.items()
            if key.startswith("missed_last_week:")
        ]
        todo.append((prison, merged))
    return todo
