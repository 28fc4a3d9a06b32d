import datetime as dt
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import policy
from buddies.activity import (
    PERIOD_WORDS,
    SessionContext,
    SessionInput,
    WeekInvalid,
    session_record,
    week_save,
)
from buddies.constants import BuddyStatus, Outcome
from buddies.models import Buddy, MissedReason, Session
from buddies.pay import pay_sheet
from buddies.week import (
    CELL_HELP,
    FIRST_YEAR,
    LAST_YEAR,
    build_rows,
    cell_name,
    cell_text,
    entries_from_post,
    iso_week,
    parse_iso_week,
    periods_for,
)
from common.formatting import govuk_date
from common.forms import add_service_errors
from common.spreadsheet import CsvWriter, safe_cell


def _monday(week: str) -> dt.date:
    try:
        return parse_iso_week(week)
    except ValueError:
        raise Http404("No such week") from None


def _week_data(prison, monday: dt.date, *, evenings: bool):
    from recipients.models import Assignment

    sunday = monday + dt.timedelta(days=6)
    assignments = list(
        Assignment.objects.filter(recipient__prison=prison, started_on__lte=sunday)
        .exclude(ended_on__lt=monday)
        .select_related("buddy", "recipient")
    )
    sessions = list(
        Session.objects.filter(prison=prison, buddy__isnull=False)
        .in_week(monday)
        .prefetch_related("tasks")
    )
    existing = {(s.buddy_id, s.recipient_id, s.date, s.period): s for s in sessions}
    return assignments, existing, periods_for(sessions, evenings)


@policy.prison_view(policy.RECORD_ACTIVITY)
def week_sheet(request, prison, week):
    """One screen for a week of sessions: every buddy and the people they support, by day and period."""
    monday = _monday(week)
    today = timezone.localdate()
    evenings = request.GET.get("evenings") == "1" or request.POST.get("evenings") == "1"
    assignments, existing, periods = _week_data(prison, monday, evenings=evenings)
    values = {
        cell_name(b, r, day, period): cell_text(s) for (b, r, day, period), s in existing.items()
    }
    copied = False
    if request.method == "GET" and request.GET.get("copy") == "last":
        # Fill the empty cells from the same day and period last week; nothing is saved yet.
        _a, last_week, _p = _week_data(prison, monday - dt.timedelta(days=7), evenings=evenings)
        for (b, r, day, period), session in last_week.items():
            name = cell_name(b, r, day + dt.timedelta(days=7), period)
            values.setdefault(name, cell_text(session))
        copied = True
    rows = build_rows(
        assignments=assignments, monday=monday, periods=periods, today=today, values=values
    )
    filled = False
    if request.method == "GET" and request.GET.get("fill") == "usual":
        usual = str(prison.scheme.usual_session_minutes)
        for row in rows:
            for cell in row.cells:
                if cell.enabled and not cell.value:
                    cell.value, filled = usual, True
    summary = []
    if request.method == "POST":
        ctx = SessionContext.load(prison, monday, monday + dt.timedelta(days=6))
        entries, cell_errors = entries_from_post(
            rows=rows, post=request.POST, ctx=ctx, existing=existing
        )
        if not cell_errors:
            try:
                result = week_save(prison=prison, user=request.user, monday=monday, entries=entries)
            except WeekInvalid as invalid:
                for (b, r, day, period), errors in invalid.errors.items():
                    cell_errors[cell_name(b, r, day, period)] = [
                        m for ms in errors.values() for m in ms
                    ]
            else:
                messages.success(
                    request,
                    f"{result.delivered} session{'s' if result.delivered != 1 else ''} recorded, "
                    f"{result.missed} missed"
                    + (
                        f" ({result.created} new, {result.changed} changed, {result.removed} removed)"
                    ),
                )
                return redirect("week-sheet", prison.code, iso_week(monday))
        by_name = {cell.name: (row, cell) for row in rows for cell in row.cells}
        for name, errors in cell_errors.items():
            row, cell = by_name[name]
            cell.errors = errors
            for error in errors:
                summary.append(
                    (
                        name,
                        f"{row.buddy.full_name} with {row.recipient.full_name}, "
                        f"{cell.day:%A} {PERIOD_WORDS[cell.period]}: {error}",
                    )
                )
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    return render(
        request,
        "buddies/week_sheet.html",
        {
            "prison": prison,
            "monday": monday,
            "sunday": days[-1],
            "days": days,
            "periods": periods,
            "period_words": PERIOD_WORDS,
            "rows": rows,
            "summary": summary,
            "copied": copied,
            "filled": filled,
            "usual_minutes": prison.scheme.usual_session_minutes,
            "evenings": evenings,
            "previous_week": iso_week(monday - dt.timedelta(days=7)),
            "next_week": iso_week(monday + dt.timedelta(days=7))
            if monday + dt.timedelta(days=7) <= today
            else None,
            "this_week": iso_week(today - dt.timedelta(days=today.weekday())),
            "cell_help": CELL_HELP,
            "week_code": iso_week(monday),
            "week_label": f"{govuk_date(monday)} to {govuk_date(days[-1])}",
            "missed_codes": [
                ("L", Outcome.MISSED_REGIME_LOCKDOWN.label),
                ("B", Outcome.MISSED_BUDDY_UNAVAILABLE.label),
                ("D", Outcome.MISSED_RECIPIENT_DECLINED.label),
                ("M", Outcome.MISSED_OTHER.label),
            ],
        },
    )


@policy.prison_view(policy.RECORD_ACTIVITY)
def this_week(request, prison):
    today = timezone.localdate()
    return redirect("week-sheet", prison.code, iso_week(today - dt.timedelta(days=today.weekday())))


def _pay_period(request) -> tuple[dt.date, dt.date, str]:
    """The month (?month=2026-03) or ISO week (?week=2026-W10); this month by default.
    An address naming no real month or week is not found."""
    today = timezone.localdate()
    week = request.GET.get("week", "")
    if week:
        try:
            monday = parse_iso_week(week)
        except ValueError:
            raise Http404("No such week") from None
        return monday, monday + dt.timedelta(days=6), f"week of {govuk_date(monday)}"
    month = request.GET.get("month", "")
    if month:
        match = re.fullmatch(r"(\d{4})-(\d{2})", month)
        if (
            not match
            or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR
            or not 1 <= int(match[2]) <= 12
        ):
            raise Http404("No such month")
        first = dt.date(int(match[1]), int(match[2]), 1)
    else:
        first = today.replace(day=1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last, f"{first:%B %Y}"


@policy.prison_view(policy.MANAGE_SCHEME)
def pay(request, prison):
    start, end, label = _pay_period(request)
    sheet = pay_sheet(prison, start, end)
    previous_month = (start.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    next_first = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return render(
        request,
        "buddies/pay.html",
        {
            "prison": prison,
            "sheet": sheet,
            "label": label,
            "query": request.GET.urlencode(),
            "previous_month": previous_month,
            "next_month": next_first.strftime("%Y-%m")
            if next_first <= timezone.localdate()
            else None,
        },
    )


@policy.prison_view(policy.MANAGE_SCHEME)
def pay_csv(request, prison):
    start, end, _label = _pay_period(request)
    sheet = pay_sheet(prison, start, end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="pay-{prison.code}-{start.isoformat()}-to-{end.isoformat()}.csv"'
    )
    response["Cache-Control"] = "no-store"
    writer = CsvWriter(response)
    writer.writerow(
        [
            "prison_code",
            "buddy_prison_number",
            "given_name",
            "family_name",
            "from",
            "to",
            "sessions_worked",
            "sessions_paid",
            "unpaid_worked",
            "paid_without_rate",
            "pay_due",
        ]
    )
    for line in sheet.lines:
        writer.writerow(
            [
                prison.code,
                line.buddy.prison_number,
                safe_cell(line.buddy.given_name),
                safe_cell(line.buddy.family_name),
                start.isoformat(),
                end.isoformat(),
                line.worked,
                line.paid,
                line.unpaid_worked,
                line.unpriced,
                f"{line.pay_due:.2f}",
            ]
        )
    total = sheet.totals
    writer.writerow(
        [
            prison.code,
            "",
            "Total",
            "",
            start.isoformat(),
            end.isoformat(),
            total.worked,
            total.paid,
            total.unpaid_worked,
            total.unpriced,
            f"{total.pay_due:.2f}",
        ]
    )
    return response


def _quick_log(request, prison, *, buddy=None, recipient=None, back_url: str, title: str):
    from buddies.forms import QuickLogForm
    from recipients.models import Recipient

    today = timezone.localdate()
    buddies = Buddy.objects.for_user(request.user).filter(prison=prison, status=BuddyStatus.ACTIVE)
    people = Recipient.objects.for_user(request.user).filter(prison=prison).supported(today)
    initial = {
        "date": today,
        "outcome": Outcome.DELIVERED,
        "minutes": prison.scheme.usual_session_minutes,
    }
    if buddy is not None:
        initial["buddy"] = buddy
    if recipient is not None:
        initial["recipient"] = recipient
        plan = SessionContext.load(prison, today, today).plan_tasks(recipient.pk, today)
        initial["tasks"] = sorted(plan or [])
    form = QuickLogForm(
        request.POST or None, initial=initial, prison=prison, buddies=buddies, recipients=people
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        paid = {"yes": True, "no": False}.get(data["paid"])
        entry = SessionInput(
            date=data["date"],
            period=data["period"],
            buddy_id=data["buddy"].pk if data["buddy"] else None,
            helper_prison_number=data["helper_prison_number"],
            recipient_id=data["recipient"].pk,
            minutes=data["minutes"],
            task_codes=[t.code for t in data["tasks"]],
            outcome=data["outcome"],
            missed_reason=data["missed_reason"],
            informal=data["informal"],
            paid=paid,
            off_plan_reason=data["off_plan_reason"],
        )
        try:
            session, warnings = session_record(prison=prison, user=request.user, entry=entry)
        except ValidationError as error:
            add_service_errors(form, error, rename={"date": "date"}, non_field_to="date")
        else:
            messages.success(
                request,
                f"Session recorded: {session.recipient.full_name}, {govuk_date(session.date)} "
                f"({PERIOD_WORDS[session.period]})",
            )
            for warning in warnings:
                messages.warning(request, warning)
            return redirect(back_url)
    offer_incident = any("never allowed" in str(e) for e in form.errors.get("tasks", []))
    return render(
        request,
        "buddies/quick_log.html",
        {
            "prison": prison,
            "form": form,
            "title": title,
            "back_url": back_url,
            "offer_incident": offer_incident,
            "can_manage": policy.has_capability(request.user, policy.MANAGE_SCHEME),
        },
    )


@policy.prison_view(policy.RECORD_ACTIVITY)
def quick_log_for_recipient(request, prison, recipient_id):
    from recipients.views import get_recipient_for_user

    person = get_recipient_for_user(request.user, prison, recipient_id)
    return _quick_log(
        request,
        prison,
        recipient=person,
        back_url=reverse("recipient-detail", args=[prison.code, person.pk]),
        title=f"Record a session for {person.full_name}",
    )


@policy.prison_view(policy.RECORD_ACTIVITY)
def quick_log_for_buddy(request, prison, buddy_id):
    from buddies.views import get_buddy_for_user

    buddy = get_buddy_for_user(request.user, prison, buddy_id)
    return _quick_log(
        request,
        prison,
        buddy=buddy,
        back_url=reverse("buddy-detail", args=[prison.code, buddy.pk]),
        title=f"Record a session by {buddy.full_name}",
    )


@policy.prison_view(policy.RECORD_ACTIVITY)
def week_sheet_pdf(request, prison, week):
    """The week's sheet on paper, for wings without a computer: buddies, people and plan tasks,
    with empty boxes to fill in by hand and type in later on the same grid."""
    from common.pdf import pdf_response, render_pdf  # WeasyPrint loads in about a second

    monday = _monday(week)
    assignments, _existing, periods = _week_data(
        prison, monday, evenings=request.GET.get("evenings") == "1"
    )
    ctx = SessionContext.load(prison, monday, monday + dt.timedelta(days=6))
    tasks = ctx.tasks
    rows = build_rows(
        assignments=assignments, monday=monday, periods=periods, today=dt.date.max, values={}
    )
    for row in rows:
        codes = ctx.plan_tasks(row.recipient.pk, monday + dt.timedelta(days=6)) or set()
        row.plan_tasks = sorted(tasks[code].label for code in codes)
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    pdf = render_pdf(
        template_name="buddies/week_sheet_pdf.html",
        context={
            "prison": prison,
            "rows": rows,
            "days": days,
            "periods": periods,
            "cell_help": CELL_HELP,
            "running_header": f"{prison.name} · week of {govuk_date(monday)}",
        },
        title=f"Sessions sheet: week of {govuk_date(monday)}",
        subject=f"Paper sessions sheet for {prison.name}",
        sensitive=True,
        request=request,
    )
    return pdf_response(pdf, f"sessions-{prison.code}-{week}.pdf")


@policy.prison_view(policy.MANAGE_SCHEME)
def missed_reasons(request, prison):
    """The prison's own reasons for a missed session, each counted as one of the standard's."""
    from buddies.forms import MissedReasonForm

    form = MissedReasonForm(request.POST or None)
    if request.method == "POST" and "remove" in request.POST:
        chosen = request.POST.get("remove", "")
        # isascii() too: "²" is a digit to isdigit() but not a number to int().
        is_id = chosen.isascii() and chosen.isdigit()
        reason = prison.missed_reasons.filter(pk=int(chosen)).first() if is_id else None
        if reason is not None:
            if Session.objects.filter(missed_reason=reason).exists():
                messages.info(request, f"“{reason}” is used by recorded sessions, so it stays")
            else:
                reason.delete()
                messages.success(request, f"“{reason}” removed")
        return redirect("missed-reasons", prison.code)
    if request.method == "POST" and form.is_valid():
        reason = MissedReason(prison=prison, **form.cleaned_data)
        try:
            reason.full_clean()
        except ValidationError as error:
            add_service_errors(form, error, non_field_to="label")
        else:
            reason.save()
            messages.success(request, f"“{reason}” added")
            return redirect("missed-reasons", prison.code)
    return render(
        request,
        "buddies/missed_reasons.html",
        {"prison": prison, "form": form, "reasons": list(prison.missed_reasons.all())},
    )
