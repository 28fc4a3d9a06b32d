import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from monitoring.scale import DatabaseNotEmpty, ScaleOptions, generate


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--end must be a real date written YYYY-MM-DD, like 2026-03-31 (got {value!r})"
        ) from None


class Command(BaseCommand):
    help = (
        "Fill an empty database with a national-scale dataset (prisons, buddies, people, plans, "
        "sessions, governance records and costs) for load tests and benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--prisons", type=int, default=120, help="prisons (default 120)")
        parser.add_argument(
            "--sessions", type=int, default=2_000_000, help="sessions in all (default 2,000,000)"
        )
        parser.add_argument(
            "--years", type=int, default=5, help="years of activity up to --end (default 5)"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument("--end", metavar="YYYY-MM-DD", help="last day of activity (today)")

    def handle(self, *args, **options):
        if options["prisons"] < 1 or options["years"] < 1 or options["sessions"] < 0:
            raise CommandError("Give at least one prison and one year, and 0 or more sessions")
        scale = ScaleOptions(
            prisons=options["prisons"],
            sessions=options["sessions"],
            years=options["years"],
            seed=options["seed"],
            end=iso_date(options["end"]) if options["end"] else None,
        )
        quiet = options["verbosity"] == 0
        try:
            counts = generate(scale, progress=None if quiet else self.stdout.write)
        except DatabaseNotEmpty as error:
            raise CommandError(str(error)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not quiet:
            summary = ", ".join(f"{table} {n}" for table, n in counts.items() if n)
            self.stdout.write(f"Rows written: {summary}")
