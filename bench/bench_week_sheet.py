"""How long a week of sessions takes to record for 10 buddies and 30 people (target: 3 minutes).

A scripted browser (Playwright, Debian's Chromium) runs each journey against a server started here
on its own SQLite database, and measures the machine's time. A practised user's own time is
estimated with the keystroke-level model (Card, Moran and Newell): K 0.28 s a keystroke, P 1.1 s to
point with the mouse, B 0.1 s a click, M 1.35 s to read and decide, counted from the actions
each journey really performs.

Journeys:
- sheet, from scratch: every session of the week typed on the weekly sheet with the keyboard;
- sheet, copy last week: copy, then change 20 cells (absences, a lockdown morning), then save;
- sheet, fill usual: a first week with nothing to copy, filled with the usual minutes, then the
  same 20 changes;
- baseline, quick log: the same 20 changes made one session at a time through the quick log form,
  which is what recording would cost without the weekly sheet.
"""

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench-week-sheet.sqlite3"
K, P, B, M = 0.28, 1.1, 0.1, 1.35
PASSWORD = "bench-password-2026"  # noqa: S105  (a throwaway benchmark database)


def setup_django():
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()


def build_scheme(monday: dt.date):
    """10 buddies, each supporting 3 people, with last week's sessions recorded: am and pm daily."""
    from django.core.management import call_command

    from accounts.services import user_create
    from buddies.models import Buddy, Session
    from governance.models import LocalAuthority, Task
    from governance.services import prison_create
    from recipients.models import Assignment, CarePlan, Recipient

    DB.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    council = LocalAuthority.objects.create(name="Bench Council")
    prison = prison_create(
        code="BEN",
        name="HMP Bench",
        category="C",
        local_authority=council,
        formality="formal",
        leadership="prison",
    )
    user_create(
        username="benchlead",
        role="social_care_lead",
        password=PASSWORD,
        prisons=[prison],
        first_name="Bench",
        last_name="Lead",
    )
    start = monday - dt.timedelta(weeks=8)
    sessions = []
    for b in range(10):
        buddy = Buddy.objects.create(
            prison=prison,
            prison_number=f"B{b:04d}BB",
            given_name=f"Buddy{b}",
            family_name="Bench",
            status="active",
            applied_on=start,
            vetting_outcome="approved",
            vetted_on=start,
            compact_signed_on=start,
            benefits_explained_on=start,
            safeguarding_briefed_on=start,
            started_on=start,
        )
        for r in range(3):
            person = Recipient.objects.create(
                prison=prison,
                prison_number=f"R{b}{r:03d}RR",
                given_name=f"Person{b}{r}",
                family_name="Bench",
                support_started_on=start,
            )
            plan = CarePlan.objects.create(
                recipient=person,
                version=1,
                state="approved",
                starts_on=start,
                review_due_on=start + dt.timedelta(days=365),
                la_approved_on=start,
            )
            plan.tasks.set(Task.objects.filter(code__in=["meals_collect", "cell_cleaning"]))
            Assignment.objects.create(
                buddy=buddy,
                recipient=person,
                started_on=start,
                no_personal_relationship_confirmed=True,
            )
            for day in range(7):
                for period in ("am", "pm"):
                    sessions.append(
                        Session(
                            prison=prison,
                            buddy=buddy,
                            recipient=person,
                            period=period,
                            date=monday - dt.timedelta(days=7 - day),
                            minutes=30,
                            paid=True,
                        )
                    )
    Session.objects.bulk_create(sessions)
    return prison


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def main():
    setup_django()
    from playwright.sync_api import sync_playwright

    from buddies.models import Buddy, Session
    from buddies.week import iso_week
    from recipients.models import Assignment

    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=1)  # last full week
    build_scheme(monday)
    week = iso_week(monday)
    pairs = [
        (a.buddy_id, a.recipient_id)
        for a in Assignment.objects.order_by("buddy_id", "recipient_id")
    ]
    port = free_port()
    server = serve(port)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{base}/sign-in/")
            page.fill("#id_username", "benchlead")
            page.fill("#id_password", PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{base}/")
            sheet = f"{base}/prisons/BEN/sessions/week/{week}/"

            # 1. From scratch: type every cell (30 rows x 7 days x 2 periods) with the keyboard.
            Session.objects.filter(date__gte=monday).delete()
            started = time.perf_counter()
            page.goto(sheet)
            first = pairs[0]
            page.locator(f"#c-{first[0]}-{first[1]}-{monday.isoformat()}-am").focus()
            keystrokes = 0
            for _row in range(len(pairs)):
                for _cell in range(14):
                    page.keyboard.type("30")
                    page.keyboard.press("Tab")
                    keystrokes += 3
            page.keyboard.press("Enter")
            page.locator(".govuk-notification-banner--success").wait_for()
            machine = time.perf_counter() - started
            saved = Session.objects.filter(date__gte=monday).count()
            human = keystrokes * K + len(pairs) * M + K
            results.append(("sheet, from scratch", saved, machine, keystrokes, human))

            # 2. Copy last week, then change 20 cells, then save.
            Session.objects.filter(date__gte=monday).delete()
            changes = [(pairs[i], monday + dt.timedelta(days=i % 7), "pm") for i in range(0, 30, 3)]
            changes += [
                (pair, monday + dt.timedelta(days=2), "am") for pair in pairs[:10]
            ]  # lockdown
            started = time.perf_counter()
            page.goto(sheet + "?copy=last")
            for (buddy_id, recipient_id), day, period in changes:
                cell = page.locator(f"#c-{buddy_id}-{recipient_id}-{day.isoformat()}-{period}")
                cell.fill("B" if period == "pm" else "L")
            page.locator(f"#c-{pairs[0][0]}-{pairs[0][1]}-{monday.isoformat()}-am").press("Enter")
            page.locator(".govuk-notification-banner--success").wait_for()
            machine = time.perf_counter() - started
            saved = Session.objects.filter(date__gte=monday).count()
            # Copy (P+B), each change (M to spot it, P+B to reach the cell, select and type: 3K),
            # a read of each row (M), save (K).
            human = (P + B) + len(changes) * (M + P + B + 3 * K) + len(pairs) * M + K
            results.append(
                (
                    "sheet, copy last week + 20 changes",
                    saved,
                    machine,
                    2 + len(changes) * 4 + 1,
                    human,
                )
            )

            # 3. A first week (nothing to copy): fill with the usual minutes, change 20 cells, save.
            Session.objects.filter(date__gte=monday).delete()
            started = time.perf_counter()
            page.goto(sheet + "?fill=usual")
            for (buddy_id, recipient_id), day, period in changes:
                cell = page.locator(f"#c-{buddy_id}-{recipient_id}-{day.isoformat()}-{period}")
                cell.fill("B" if period == "pm" else "L")
            page.locator(f"#c-{pairs[0][0]}-{pairs[0][1]}-{monday.isoformat()}-am").press("Enter")
            page.locator(".govuk-notification-banner--success").wait_for()
            machine = time.perf_counter() - started
            saved = Session.objects.filter(date__gte=monday).count()
            results.append(
                ("sheet, fill usual + 20 changes", saved, machine, 2 + len(changes) * 4 + 1, human)
            )

            # 4. Baseline: the same 20 changes, one quick-log form each, after the copied week.
            Session.objects.filter(
                date__gte=monday, outcome__in=["missed_buddy_unavailable", "missed_regime_lockdown"]
            ).delete()
            started = time.perf_counter()
            forms = 0
            for (buddy_id, recipient_id), day, period in changes:
                Session.objects.filter(
                    buddy_id=buddy_id, recipient_id=recipient_id, date=day, period=period
                ).delete()
                page.goto(f"{base}/prisons/BEN/people/{recipient_id}/log/")
                page.fill("#id_date_0", str(day.day))
                page.fill("#id_date_1", str(day.month))
                page.fill("#id_date_2", str(day.year))
                page.locator(f"input[name=period][value={period}]").check()
                page.select_option("#id_buddy", str(buddy_id))
                outcome = "missed_buddy_unavailable" if period == "pm" else "missed_regime_lockdown"
                page.locator(f"input[name=outcome][value={outcome}]").check()
                page.get_by_role("button", name="Record session").click()
                page.locator(".govuk-notification-banner--success").first.wait_for()
                forms += 1
            machine = time.perf_counter() - started
            # Per form: open it (P+B), date (3 fields: P+B and 2K each), period (P+B), buddy (P+B, P+B),
            # outcome (P+B), submit (P+B), and M to decide each field: 8 decisions.
            per_form = 9 * (P + B) + 6 * K + 8 * M
            results.append(
                (
                    "baseline: quick log for the 20 changes",
                    forms,
                    machine,
                    forms * 15,
                    forms * per_form,
                )
            )
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"{'journey':44} {'sessions':>8} {'machine s':>10} {'keys':>6} {'estimated user s':>17}")
    for name, count, machine, keys, human in results:
        print(f"{name:44} {count:>8} {machine:>10.1f} {keys:>6} {human:>17.0f}")
    print(f"buddies: {Buddy.objects.count()}, people: {len(pairs)}, target: 180 s")


if __name__ == "__main__":
    main()
