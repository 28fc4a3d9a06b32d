"""The audit log: reads of personal data (pages, files, API) and security events, append-only
(a Python guard everywhere, and a trigger on PostgreSQL), purged after 2 years by retention,
shown to administrators (everything) and leads (their prison's reads, a record's trail)."""

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from simple_history.models import HistoricalRecords

from accounts.constants import Role
from api.models import TokenDetails
from api.services import api_token_create
from audit.constants import NOT_RECORD_KEYWORDS, RECORD_KEYWORDS, AuditKind
from audit.events import lockout_signal, record_security_event
from audit.models import AppendOnly, AuditEvent
from governance.models import Incident, StaffMember
from privacy import retention
from privacy.models import RetentionRun
from tests.factories import (
    BuddyFactory,
    CarePlanFactory,
    RecipientFactory,
    UserFactory,
)
from tests.test_every_url import URLS
from tests.test_pdf import pdf_text


@pytest.fixture
def records(home_prison, other_prison):
    """A person, their care plan, a buddy, an incident naming both and a member of staff at
    home_prison (HMX); someone supported at other_prison (OTX)."""
    person = RecipientFactory(
        prison=home_prison, prison_number="R1234AB", given_name="Ysolde", family_name="Hidden"
    )
    buddy = BuddyFactory(
        prison=home_prison, prison_number="A1234AB", given_name="Zeb", family_name="Secret"
    )
    incident = Incident.objects.create(
        prison=home_prison,
        reference="INC-7",
        occurred_on=dt.date(2026, 1, 20),
        category_id="boundary_crossed",
        severity="high",
        buddy=buddy,
        recipient=person,
        summary="Zeb helped Ysolde dress",
    )
    staff_member = StaffMember.objects.create(
        prison=home_prison,
        staff_ref="S-1",
        name="Officer Dibble",
        role="Officer",
        organisation="prison",
    )
    elsewhere = RecipientFactory(
        prison=other_prison, prison_number="R9876ZY", given_name="Otto", family_name="Away"
    )
    return SimpleNamespace(
        person=person,
        plan=CarePlanFactory(recipient=person),
        buddy=buddy,
        incident=incident,
        staff_member=staff_member,
        elsewhere=elsewhere,
    )


def url(name, *args, code="HMX"):
    return reverse(name, args=[code, *args])


def reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.reads().order_by("id"))


def security(kind) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def api_client(user) -> APIClient:
    client = APIClient()
    _details, secret = api_token_create(user=user, name="Tests")
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


# Reads of pages ---------------------------------------------------------------------------------


def test_viewing_a_person_records_who_viewed_whom_from_where(client, lead, home_prison, records):
    client.force_login(lead)
    address = url("recipient-detail", records.person.pk)

    response = client.get(address, HTTP_USER_AGENT="Firefox/" + "9" * 400)

    assert response.status_code == 200
    [event] = reads()
    assert event.kind == AuditKind.VIEW
    assert (event.user, event.username, event.role) == (lead, "lead", Role.SOCIAL_CARE_LEAD)
    assert event.prison == home_prison
    assert (event.object_type, event.object_id) == ("recipient", records.person.pk)
    assert (event.action, event.path, event.method) == ("recipient-detail", address, "GET")
    assert (event.status_code, event.ip_address) == (200, "127.0.0.1")
    assert event.user_agent == ("Firefox/" + "9" * 400)[:300]
    assert event.detail == {}


@pytest.mark.parametrize(
    ("name", "keywords", "object_type", "record"),
    [
        ("recipient-history", ["person"], "recipient", "person"),
        ("recipient-handover", ["person"], "recipient", "person"),
        ("plan-detail", ["person", "plan"], "care_plan", "plan"),
        ("buddy-detail", ["buddy"], "buddy", "buddy"),
        ("buddy-history", ["buddy"], "buddy", "buddy"),
        ("incident-detail", ["incident"], "incident", "incident"),
        ("staff-detail", ["staff_member"], "staff_member", "staff_member"),
    ],
)
def test_each_kind_of_record_is_recorded_with_the_record_it_shows(
    client, staff, records, name, keywords, object_type, record
):
    client.force_login(staff)

    response = client.get(url(name, *[getattr(records, k).pk for k in keywords]))

    assert response.status_code == 200
    [event] = reads()
    assert (event.user, event.kind, event.action) == (staff, "view", name)
    assert (event.object_type, event.object_id) == (object_type, getattr(records, record).pk)


def test_a_list_of_people_is_recorded_for_the_prison_without_a_record(client, lead, records):
    client.force_login(lead)

    client.get(url("recipient-list") + "?supported=current")

    [event] = reads()
    assert (event.kind, event.prison.code, event.object_type, event.object_id) == (
        "view",
        "HMX",
        "",
        None,
    )
    assert event.path == "/prisons/HMX/people/?supported=current"


def test_a_recorded_page_costs_one_insert(client, lead, records):
    client.force_login(lead)
    client.get(url("recipient-detail", records.person.pk))  # warm the session look-ups

    with CaptureQueriesContext(connection) as queries:
        client.get(url("recipient-detail", records.person.pk))

    audit = [q["sql"] for q in queries.captured_queries if "audit_auditevent" in q["sql"]]
    assert len(audit) == 1
    assert audit[0].startswith('INSERT INTO "audit_auditevent"')


def test_a_lead_reading_their_prisons_figures_is_recorded_as_they_list_people(client, lead):
    """The dashboard shows a lead the prison's action lists, with names."""
    client.force_login(lead)

    assert client.get(url("monitoring-dashboard")).status_code == 200

    [event] = reads()
    assert (event.kind, event.prison.code, event.action) == ("view", "HMX", "monitoring-dashboard")


# Downloads and exports --------------------------------------------------------------------------


def test_a_handover_pdf_is_recorded_as_a_download_with_its_file(client, staff, records):
    client.force_login(staff)

    response = client.get(url("recipient-handover-pdf", records.person.pk))

    assert response.status_code == 200
    [event] = reads()
    assert (event.kind, event.object_type, event.object_id) == (
        "download",
        "recipient",
        records.person.pk,
    )
    assert event.detail == {
        "filename": "handover-HMX-R1234AB.pdf",
        "content_type": "application/pdf",
        "bytes": len(response.content),
    }


def test_the_payroll_csv_is_recorded_as_a_download(client, lead, records):
    client.force_login(lead)

    response = client.get(reverse("pay-sheet-csv", args=["HMX"]) + "?month=2026-03")

    [event] = reads()
    assert (event.kind, event.prison.code, event.action) == ("download", "HMX", "pay-sheet-csv")
    assert event.detail["filename"] == "pay-HMX-2026-03-01-to-2026-03-31.csv"
    assert event.detail["content_type"] == "text/csv; charset=utf-8"
    assert event.detail["bytes"] == len(response.content)


def test_a_prisons_records_taken_out_are_recorded_as_an_export(client, lead, records):
    client.force_login(lead)

    client.get(url("export-zip"))

    [event] = reads()
    assert (event.kind, event.prison.code) == ("export", "HMX")
    assert event.detail["filename"] == f"peercare-HMX-{timezone.localdate().isoformat()}.zip"
    assert event.detail["content_type"] == "application/zip"


def test_an_inspectors_figures_pdf_is_recorded_as_a_download(client, inspector, records):
    """Files leave PeerCare and can be passed on: every download is recorded, figures too."""
    client.force_login(inspector)

    client.get(reverse("monitoring-summary-pdf", args=["HMX"]) + "?from=2026-01-01&to=2026-03-31")

    [event] = reads()
    assert (event.user, event.kind, event.prison.code) == (inspector, "download", "HMX")
    assert event.detail["filename"] == "monitoring-HMX-2026-01-01-to-2026-03-31.pdf"


# What is not recorded ---------------------------------------------------------------------------


def test_figures_only_pages_failed_requests_writes_and_nobody_are_not_recorded(
    client, lead, staff, inspector, records
):
    client.force_login(inspector)
    assert client.get(url("monitoring-dashboard")).status_code == 200  # figures only
    assert client.get(url("prison-compliance")).status_code == 200
    client.force_login(lead)
    assert client.get(reverse("monitoring-comparison")).status_code == 200  # across prisons
    assert client.get(reverse("cost-comparison", args=["2025-26"])).status_code == 200
    assert client.get(url("recipient-detail", records.elsewhere.pk, code="OTX")).status_code == 404
    assert client.get(url("recipient-detail", 999999)).status_code == 404
    assert client.post(url("recipient-edit", records.person.pk), {}).status_code == 200  # a write
    client.force_login(staff)
    assert client.get(reverse("pay-sheet", args=["HMX"])).status_code == 403
    client.logout()
    assert client.get(url("recipient-detail", records.person.pk)).status_code == 302

    assert reads() == []


def test_every_url_keyword_naming_a_record_is_tied_to_a_kind_of_record():
    """A page added later with a new record keyword fails here until audit.constants names it."""
    known = {keyword for keyword, _type in RECORD_KEYWORDS} | NOT_RECORD_KEYWORDS
    keywords = {keyword for _name, params in URLS for keyword in params}
    assert {k for k in keywords if k.endswith("_id")} - known == set()


# The API ----------------------------------------------------------------------------------------


def test_a_record_read_through_the_api_is_recorded_for_the_tokens_owner(staff, records):
    address = f"/api/v1/care-plans/{records.plan.pk}/"

    response = api_client(staff).get(address)

    assert response.status_code == 200
    [event] = reads()
    assert (event.user, event.username, event.kind) == (staff, "staff", "view")
    assert (event.object_type, event.object_id) == ("care_plan", records.plan.pk)
    assert (event.prison.code, event.action, event.path) == ("HMX", "api-care-plan-detail", address)


def test_a_list_through_the_api_is_one_event_per_prison_in_one_insert(admin_user, records):
    RecipientFactory(prison=records.person.prison)
    client = api_client(admin_user)
    client.get("/api/v1/recipients/")  # warm the token look-up
    earlier = {event.pk for event in reads()}

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/recipients/")

    assert response.json()["count"] == 3
    inserts = [q for q in queries.captured_queries if "audit_auditevent" in q["sql"]]
    assert len(inserts) == 1
    listed = {
        (e.prison.code, e.object_type, e.object_id, e.detail["records"])
        for e in reads()
        if e.pk not in earlier
    }
    assert listed == {("HMX", "recipient", None, 2), ("OTX", "recipient", None, 1)}


def test_api_answers_that_are_refused_or_figures_only_are_not_recorded(lead, records):
    client = api_client(lead)

    assert client.get(f"/api/v1/recipients/{records.elsewhere.pk}/").status_code == 404
    assert client.get("/api/v1/prisons/HMX/indicators/").status_code == 200
    assert client.post("/api/v1/sessions/", {}, format="json").status_code == 400

    assert reads() == []


# Security events --------------------------------------------------------------------------------


def test_signing_in_and_out_is_recorded(client, lead):
    response = client.post(
        reverse("sign-in"), {"username": "lead", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    client.post(reverse("sign-out"))

    [signed_in] = security("sign_in")
    assert (signed_in.user, signed_in.username, signed_in.role) == (
        lead,
        "lead",
        "social_care_lead",
    )
    assert (signed_in.object_type, signed_in.object_id) == ("user", lead.pk)
    assert signed_in.detail == {"account": "lead"}
    assert (signed_in.action, signed_in.method, signed_in.ip_address) == (
        "sign-in",
        "POST",
        "127.0.0.1",
    )
    [signed_out] = security("sign_out")
    assert (signed_out.user, signed_out.action) == (lead, "sign-out")


def test_a_failed_sign_in_keeps_the_username_tried_and_never_the_password(client, lead):
    client.post(reverse("sign-in"), {"username": "lead", "password": "Tr0ub4dor&3-wrong"})

    [failed] = security("sign_in_failed")
    assert (failed.user, failed.username) == (None, "")
    assert failed.detail == {"account": "lead"}
    stored = json.dumps([getattr(failed, f.attname) for f in AuditEvent._meta.fields], default=str)
    assert "Tr0ub4dor" not in stored


def test_a_lockout_from_django_axes_is_recorded(lead):
    request = RequestFactory().post("/sign-in/", REMOTE_ADDR="10.0.0.1")
    request.user = AnonymousUser()

    lockout_signal().send("axes", request=request, username="lead", ip_address="10.1.2.3")

    [locked] = security("locked_out")
    assert (locked.user, locked.username, locked.ip_address) == (None, "", "10.1.2.3")
    assert (locked.detail, locked.path, locked.method) == ({"account": "lead"}, "/sign-in/", "POST")


def test_two_factor_events_name_the_account_and_who_did_it(lead, admin_user):
    anonymous = RequestFactory().post("/sign-in/two-factor/")
    anonymous.user = AnonymousUser()

    record_security_event("two_factor_set_up", user=lead)
    record_security_event("recovery_codes_created", user=lead)
    record_security_event("two_factor_reset", user=lead, actor=admin_user)
    record_security_event("two_factor_failed", user=lead, request=anonymous)

    events = {e.kind: e for e in AuditEvent.objects.filter(object_type="user", object_id=lead.pk)}
    assert events["two_factor_set_up"].user == lead  # only the account holder sets it up
    assert events["recovery_codes_created"].user == lead
    assert events["two_factor_reset"].user == admin_user
    assert events["two_factor_failed"].user is None  # whoever typed the code is not known
    assert events["two_factor_failed"].path == "/sign-in/two-factor/"
    assert {e.detail["account"] for e in events.values()} == {"lead"}
    with pytest.raises(ValueError, match="not a security event"):
        record_security_event("view", user=lead)


def test_a_new_account_and_its_prisons_are_recorded_as_done_by_the_system(lead):
    [created] = [e for e in security("account_created") if e.object_id == lead.pk]
    assert (created.username, created.detail) == (
        "system",
        {"role": "Social care lead", "account": "lead"},
    )
    [given] = [e for e in security("prisons_changed") if e.object_id == lead.pk]
    assert given.detail == {"added": ["HMX"], "account": "lead"}


def test_role_local_authority_and_prison_changes_are_recorded(
    lead, la_reviewer, other_prison, other_council
):
    before = AuditEvent.objects.count()
    lead.role = Role.PRISON_STAFF
    lead.save()
    la_reviewer.local_authority = other_council
    la_reviewer.save()
    lead.prisons.add(other_prison)
    other_prison.staff_users.remove(lead)
    lead.prisons.clear()

    new = list(AuditEvent.objects.order_by("id")[before:])
    assert [(e.kind, e.detail["account"], e.username) for e in new] == [
        ("role_changed", "lead", "system"),
        ("local_authority_changed", "reviewer", "system"),
        ("prisons_changed", "lead", "system"),
        ("prisons_changed", "lead", "system"),
        ("prisons_changed", "lead", "system"),
    ]
    assert new[0].detail["from"] == "Social care lead"
    assert new[0].detail["to"] == "Prison staff"
    assert (new[1].detail["from"], new[1].detail["to"]) == (
        "Northshire County Council",
        "Eastmoor City Council",
    )
    assert [e.detail.get("added") or e.detail.get("removed") for e in new[2:]] == [
        ["OTX"],
        ["OTX"],
        ["HMX"],
    ]
    assert [("added" in e.detail) for e in new[2:]] == [True, False, False]


def test_a_change_made_while_answering_a_request_names_who_made_it(lead, admin_user):
    request = RequestFactory().post("/somewhere/")
    request.user = admin_user
    HistoricalRecords.context.request = request
    try:
        lead.role = Role.ADMIN
        lead.save()
    finally:
        del HistoricalRecords.context.request

    [changed] = security("role_changed")
    assert (changed.user, changed.username, changed.role) == (admin_user, "admin", "admin")
    assert changed.object_id == lead.pk


def test_only_a_change_that_can_touch_the_role_looks_it_up(lead):
    """Signing in saves last_login alone: no look-up of the role before it."""
    looked_up = 'SELECT "accounts_user"."role" AS "role", "accounts_user"."local_authority_id"'

    lead.last_login = timezone.now()
    with CaptureQueriesContext(connection) as signing_in:
        lead.save(update_fields=["last_login"])
    with CaptureQueriesContext(connection) as saving:
        lead.save()

    assert not any(q["sql"].startswith(looked_up) for q in signing_in.captured_queries)
    assert sum(q["sql"].startswith(looked_up) for q in saving.captured_queries) == 1


def test_api_tokens_made_revoked_and_expired_are_recorded(client, staff, admin_user):
    details, secret = api_token_create(user=staff, name="Nightly")
    key = details.token.token_key[:8]
    client.force_login(admin_user)
    client.post(reverse("api-tokens-all"), {"revoke": details.pk})
    old, old_secret = AuthToken.objects.create(user=staff, expiry=dt.timedelta(seconds=-1))
    APIClient().get("/api/v1/prisons/", HTTP_AUTHORIZATION=f"Token {old_secret}")

    made, _made_old = security("token_created")
    assert (made.user, made.detail["account"], made.detail["token"]) == (staff, "staff", key)
    revoked, expired = security("token_revoked")
    assert (revoked.user, revoked.detail["account"], revoked.detail["token"]) == (
        admin_user,
        "staff",
        key,
    )
    assert revoked.detail["expired"] is False
    assert (expired.username, expired.detail["expired"]) == ("system", True)
    assert expired.detail["token"] == old.token_key[:8]
    assert not TokenDetails.objects.exists()
    assert secret not in json.dumps([e.detail for e in AuditEvent.objects.all()])


# Append-only ------------------------------------------------------------------------------------


def an_event(**fields) -> AuditEvent:
    event = AuditEvent(kind="view", username="someone", path="/prisons/HMX/people/", **fields)
    event.save()
    return event


def test_an_event_is_never_changed_or_deleted_through_the_models(db):
    event = an_event()

    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(username="someone else")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnly, match="expired"):
        AuditEvent.objects.all().purge()  # only the rows retention chose

    event.refresh_from_db()
    assert event.username == "someone"


def test_the_database_refuses_to_change_or_delete_an_event(db):
    """On PostgreSQL a trigger refuses whatever SQL is sent; SQLite has the models' guard only."""
    event = an_event()

    if connection.vendor == "postgresql":
        refused = [
            ["UPDATE audit_auditevent SET username = 'someone else' WHERE id = %s"],
            ["UPDATE audit_auditevent SET prison_id = NULL, path = '/' WHERE id = %s"],
            ["DELETE FROM audit_auditevent WHERE id = %s"],
            # A purge's cut-off lets through only what is older than it.
            [
                "SELECT set_config('peercare.audit_purge_before', '2020-01-01T00:00:00Z', true)",
                "DELETE FROM audit_auditevent WHERE id = %s",
            ],
            # TRUNCATE only in a test database that turned it on for flushing.
            [
                "SET CONSTRAINTS ALL IMMEDIATE",  # checks pending from the INSERT, first
                "SET LOCAL peercare.audit_truncate = 'off'",
                "TRUNCATE audit_auditevent",
            ],
        ]
        for statements in refused:
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                for sql in statements:
                    cursor.execute(sql, [event.pk] if "%s" in sql else None)
    else:
        with pytest.raises(AppendOnly):
            event.save()
        with pytest.raises(AppendOnly):
            event.delete()

    event.refresh_from_db()
    assert (event.username, event.path) == ("someone", "/prisons/HMX/people/")


def test_deleting_a_user_keeps_their_events_with_the_username(client, records):
    leaver = UserFactory(username="leaver", role=Role.ADMIN)
    client.force_login(leaver)
    client.get(url("recipient-detail", records.person.pk))
    client.logout()

    leaver.delete()

    [event] = reads()
    assert (event.user, event.username, event.role) == (None, "leaver", "admin")


# Retention --------------------------------------------------------------------------------------


def test_retention_purges_only_events_older_than_two_years(db, monkeypatch):
    monkeypatch.setattr(retention, "today", lambda: dt.date(2026, 3, 15))
    london = timezone.get_current_timezone()
    old = an_event(at=dt.datetime(2024, 3, 14, 23, 59, 59, tzinfo=london))
    first_kept = an_event(at=dt.datetime(2024, 3, 15, 0, 0, tzinfo=london))
    recent = an_event()

    call_command("apply_retention")  # a dry run deletes nothing
    assert AuditEvent.objects.filter(pk=old.pk).exists()
    call_command("apply_retention", "--apply")

    remaining = set(AuditEvent.objects.filter(username="someone").values_list("pk", flat=True))
    assert remaining == {first_kept.pk, recent.pk}
    assert RetentionRun.objects.get().kinds["audit_event"] == {
        "years": 2,
        "cut_off": "2024-03-15",
        "records": 1,
        "deleted": {"audit events": 1},
        "kept_without_them": {},
    }


# Pages ------------------------------------------------------------------------------------------


def rows(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200
    return [(row.who, row.what, row.about) for row in response.context["rows"]]


@pytest.fixture
def looked_at(client, lead, staff, admin_user, la_reviewer, records):
    """Staff viewed the person and their plan at HMX; the admin viewed someone at OTX."""
    client.force_login(staff)
    client.get(url("recipient-detail", records.person.pk))
    client.get(url("plan-detail", records.person.pk, records.plan.pk))
    client.get(url("buddy-detail", records.buddy.pk))
    client.force_login(admin_user)
    client.get(url("recipient-detail", records.elsewhere.pk, code="OTX"))
    client.get(url("incident-detail", records.incident.pk))
    client.logout()
    return records


def test_administrators_pages_are_recorded_as_they_name_people(client, admin_user):
    client.force_login(admin_user)

    assert client.get(reverse("api-tokens-all")).status_code == 200
    assert client.get(reverse("audit-log")).status_code == 200

    assert [(e.kind, e.action, e.prison) for e in reads()] == [
        ("view", "api-tokens-all", None),
        ("view", "audit-log", None),
    ]


def test_an_administrator_sees_every_event_and_filters_them(client, admin_user, looked_at):
    admin = admin_user.get_full_name()
    client.force_login(admin_user)

    everything = rows(client.get(reverse("audit-log")))
    failed = rows(client.get(reverse("audit-log") + "?kind=sign_in_failed"))
    by_staff = rows(client.get(reverse("audit-log") + "?username=STAFF&kind=view"))
    at_otx = client.get(reverse("audit-log") + f"?prison={looked_at.elsewhere.prison_id}")
    later = rows(client.get(reverse("audit-log") + "?start=2099-01-01"))

    assert (admin, "Viewed", "Otto Away (R9876ZY)") in everything
    assert ("system", "Account created: Prison staff", "Account staff") in everything
    assert failed == []
    assert by_staff == [
        ("Sasha Staff", "Viewed", "Zeb Secret (A1234AB)"),
        ("Sasha Staff", "Viewed", "Care plan version 1 of Ysolde Hidden (R1234AB)"),
        ("Sasha Staff", "Viewed", "Ysolde Hidden (R1234AB)"),
    ]
    assert rows(at_otx) == [(admin, "Viewed", "Otto Away (R9876ZY)")]
    assert later == []


def test_a_bad_date_is_shown_next_to_its_field(client, admin_user, looked_at):
    client.force_login(admin_user)

    response = client.get(reverse("audit-log") + "?start=2026-02-30")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Error: Audit log" in page
    assert "Enter a valid date." in page


def test_a_lead_sees_who_read_their_prisons_records_only(client, lead, admin_user, looked_at):
    admin = admin_user.get_full_name()
    client.force_login(lead)

    seen = rows(client.get(url("prison-audit")))

    assert seen == [
        (admin, "Viewed", "Incident INC-7"),
        ("Sasha Staff", "Viewed", "Zeb Secret (A1234AB)"),
        ("Sasha Staff", "Viewed", "Care plan version 1 of Ysolde Hidden (R1234AB)"),
        ("Sasha Staff", "Viewed", "Ysolde Hidden (R1234AB)"),
    ]
    # Looking at the log is itself a read of the prison's records.
    assert reads()[-1].action == "prison-audit"


def test_a_records_trail_shows_who_viewed_it_and_what_names_them(
    client, lead, admin_user, looked_at
):
    admin = admin_user.get_full_name()
    client.force_login(lead)

    person = rows(client.get(url("recipient-audit", looked_at.person.pk)))
    plan = rows(client.get(url("plan-audit", looked_at.person.pk, looked_at.plan.pk)))
    buddy = rows(client.get(url("buddy-audit", looked_at.buddy.pk)))
    incident = rows(client.get(url("incident-audit", looked_at.incident.pk)))

    assert person == [
        (admin, "Viewed", "Incident INC-7"),
        ("Sasha Staff", "Viewed", "Care plan version 1 of Ysolde Hidden (R1234AB)"),
        ("Sasha Staff", "Viewed", "Ysolde Hidden (R1234AB)"),
    ]
    assert plan == [("Sasha Staff", "Viewed", "Care plan version 1 of Ysolde Hidden (R1234AB)")]
    # The person's trail was read just before: a read of the person, not of the buddy.
    assert buddy == [
        (admin, "Viewed", "Incident INC-7"),
        ("Sasha Staff", "Viewed", "Zeb Secret (A1234AB)"),
    ]
    assert incident[-1] == (admin, "Viewed", "Incident INC-7")


@pytest.mark.parametrize("role", [Role.PRISON_STAFF, Role.LA_REVIEWER, Role.INSPECTOR])
def test_only_leads_and_administrators_see_trails(client, users_by_role, looked_at, role):
    client.force_login(users_by_role[role])

    for address in [
        url("prison-audit"),
        url("recipient-audit", looked_at.person.pk),
        url("buddy-audit", looked_at.buddy.pk),
        url("plan-audit", looked_at.person.pk, looked_at.plan.pk),
        url("incident-audit", looked_at.incident.pk),
        reverse("audit-log"),
    ]:
        assert client.get(address).status_code == 403, address


@pytest.mark.parametrize("role", [Role.SOCIAL_CARE_LEAD, Role.NATIONAL_ANALYST])
def test_the_whole_log_is_for_administrators_only(client, users_by_role, looked_at, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("audit-log")).status_code == 403


def test_a_lead_gets_nothing_of_another_prison(client, lead, looked_at):
    client.force_login(lead)

    assert client.get(url("prison-audit", code="OTX")).status_code == 404
    assert client.get(url("recipient-audit", looked_at.elsewhere.pk, code="OTX")).status_code == 404
    assert client.get(url("recipient-audit", looked_at.elsewhere.pk)).status_code == 404


def test_links_to_the_trail_are_shown_to_those_who_may_follow_them(client, lead, staff, records):
    trail = url("recipient-audit", records.person.pk)
    client.force_login(lead)
    assert trail in client.get(url("recipient-detail", records.person.pk)).content.decode()
    assert trail in client.get(url("recipient-history", records.person.pk)).content.decode()
    assert url("prison-audit") in client.get(url("prison-detail")).content.decode()
    client.force_login(staff)
    assert trail not in client.get(url("recipient-detail", records.person.pk)).content.decode()


def test_administrators_have_the_log_in_their_navigation(client, admin_user, lead):
    client.force_login(admin_user)
    assert ("Audit log", "/audit/") in [
        (label, address) for label, address, _ in client.get("/").context["service_navigation"]
    ]
    client.force_login(lead)
    assert "/audit/" not in client.get("/").content.decode()


def test_the_log_is_shown_fifty_events_a_page(client, lead, home_prison):
    AuditEvent.objects.bulk_create(
        AuditEvent(kind="view", username="staff", prison=home_prison, path=f"/{n}/")
        for n in range(51)
    )
    client.force_login(lead)

    first = client.get(url("prison-audit"))
    second = client.get(url("prison-audit") + "?kind=view&page=2")

    assert len(first.context["rows"]) == 50
    assert "51 events" in first.content.decode()
    assert len(second.context["rows"]) == 1 + 1  # the first page's own read came since
    assert 'href="?kind=view&amp;page=1"' in second.content.decode()


# Subject access ---------------------------------------------------------------------------------


def test_a_subject_access_export_says_who_viewed_the_persons_records(
    client, staff, lead, records, tmp_path
):
    client.force_login(staff)
    client.get(url("recipient-detail", records.person.pk))
    client.force_login(lead)
    client.get(url("plan-detail", records.person.pk, records.plan.pk))
    client.get(url("recipient-detail", records.elsewhere.pk, code="OTX"))  # not found: nothing
    client.get(url("buddy-detail", records.buddy.pk))  # someone else

    call_command("subject_access_export", "--prison-number", "R1234AB", "--output", tmp_path)

    data = json.loads((tmp_path / "subject-access-R1234AB.json").read_text())
    views = [{k: v for k, v in view.items() if k != "at"} for view in data["record_views"]]
    assert views == [
        {"what": "Viewed", "by": "Social care lead", "record": "Care plan version 1"},
        {
            "what": "Viewed",
            "by": "Prison staff",
            "record": "this person, as a person supported at HMP Home (HMX)",
        },
    ]
    text = pdf_text((tmp_path / "subject-access-R1234AB.pdf").read_bytes(), tmp_path)
    assert "Who has viewed these records" in text
    assert "Prison staff" in text
    [export] = AuditEvent.objects.filter(kind="export")
    assert (export.username, export.object_type, export.action) == (
        "system",
        "subject_access",
        "subject_access_export",
    )
    assert export.detail["prison_number"] == "R1234AB"
