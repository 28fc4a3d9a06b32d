"""A daily summary of each prison's sessions, kept for the monitoring indicators (monitoring.daily).

The summary holds counts only: no person, no buddy. It is derived data: every row can be worked
out again from the sessions, and `manage.py refresh_daily_summary --rebuild` does so.
"""

from django.db import models


class DailySessions(models.Model):
    """Sessions of one prison on one day with the same outcome, informality and giver (a buddy or
    someone who is not a buddy): how many, and their minutes."""

    prison = models.ForeignKey("governance.Prison", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    outcome = models.CharField(max_length=30)
    informal = models.BooleanField()
    by_buddy = models.BooleanField()
    sessions = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "daily sessions"
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "date", "outcome", "informal", "by_buddy"],
                name="daily_sessions_one_row_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.sessions} sessions on {self.date} ({self.outcome})"


class DailyTasks(models.Model):
    """Delivered sessions of one prison on one day that included a task."""

    prison = models.ForeignKey("governance.Prison", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    task = models.ForeignKey("governance.Task", on_delete=models.CASCADE, related_name="+")
    sessions = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "daily tasks"
        constraints = [
            models.UniqueConstraint(
                fields=["prison", "date", "task"], name="daily_tasks_one_row_per_task"
            )
        ]

    def __str__(self):
        return f"{self.sessions} sessions with {self.task_id} on {self.date}"


class StaleDay(models.Model):
    """A day of a prison whose sessions changed since its summary rows were worked out. Rows are
    added by database triggers on the sessions and their tasks (migration 0002), whatever wrote
    them, and removed when the day is worked out again."""

    # Without a constraint in the database: the triggers mark days as sessions are deleted, and
    # a flush on SQLite (which deletes table by table) may delete the prisons first. A mark of a
    # prison that is gone works out nothing.
    prison = models.ForeignKey(
        "governance.Prison", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    date = models.DateField()
    # Moved on by each write that marks the day again, so that a refresh can tell a mark made
    # after it read the marks from one it has dealt with (monitoring.daily.refresh).
    marks = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prison", "date"], name="stale_day_once")]

    def __str__(self):
        return f"{self.date} at prison {self.prison_id}"
