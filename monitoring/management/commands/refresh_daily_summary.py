from django.core.management.base import BaseCommand, CommandError

from monitoring import daily


class Command(BaseCommand):
    help = (
        "Bring the daily summary of sessions up to date (the days changed since it was last "
        "worked out), work all of it out again (--rebuild), or compare it with the sessions "
        "(--check)."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group()
        what.add_argument(
            "--rebuild", action="store_true", help="work out every row again from the sessions"
        )
        what.add_argument(
            "--check",
            action="store_true",
            help="compare the summary, brought up to date, with the sessions; fail if they differ",
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            daily.rebuild()
            self.stdout.write("Worked out the daily summary again from every session")
            return
        days = daily.refresh()
        self.stdout.write(f"Days worked out again: {days}")
        if options["check"]:
            (sessions, tasks), (held_sessions, held_tasks) = daily.recomputed(), daily.stored()
            differences = [
                *(f"missing: {row}" for row in sorted(sessions - held_sessions, key=str)),
                *(
                    f"not in the sessions: {row}"
                    for row in sorted(held_sessions - sessions, key=str)
                ),
                *(f"missing: {row}" for row in sorted(tasks - held_tasks, key=str)),
                *(f"not in the sessions: {row}" for row in sorted(held_tasks - tasks, key=str)),
            ]
            if differences:
                shown = differences[:20]
                more = len(differences) - len(shown)
                raise CommandError(
                    f"The daily summary differs from the sessions in {len(differences)} rows "
                    "(run with --rebuild to work it out again):\n"
                    + "\n".join(shown)
                    + (f"\n... and {more} more" if more else "")
                )
            self.stdout.write(
                f"The daily summary matches the sessions: {len(held_sessions)} rows of sessions, "
                f"{len(held_tasks)} rows of tasks"
            )
