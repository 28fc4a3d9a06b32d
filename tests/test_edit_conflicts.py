"""Edit conflicts: buddies, people supported and care plans carry a version; a save from a form
opened before someone else's save is refused, shows what they changed, and saves nothing.

Lee Lead and Kim Second are both social care leads at HMP Home; Robin Reviewer and Ash Second
review its plans for Northshire County Council. The clock stands at 2:30pm on 2 March 2026, so
every change in the history reads "2 March 2026 at 2:30pm"."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.constants import Role
from buddies.models import Buddy
from buddies.services import buddy_change_status, buddy_update
from common.versioning import STALE_MESSAGE, StaleEdit
from exchange.importer import Context, run_import
from exchange.reading import FileSet, read_named
from governance.models import IncidentCategory, PeerRole, Task
from governance.reference import sync_reference_codes
from recipients.models import PlanReview, Recipient
from recipients.services import (
    care_plan_approve,
    care_plan_return,
    care_plan_save,
    care_plan_submit,
    recipient_end_support,
    recipient_update,
)
from tests.factories import BuddyFactory, CarePlanFactory, RecipientFactory, UserFactory

NOW = dt.datetime(2026, 3, 2, 14, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
WHEN = "2 March 2026 at 2:30pm"
AGREED = dt.date(2026, 1, 30)
MISSING = "We could not tell which version of this record you were changing"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lee(client, lead):
    client.force_login(lead)
    return client


@pytest.fixture
def kim(home_prison):
    """A second social care lead at HMP Home: edits the same records as Lee."""
    user = UserFactory(
        username="kim",
        first_name="Kim",
        last_name="Second",
        role=Role.SOCIAL_CARE_LEAD,
        prisons=[home_prison],
    )
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def robin(la_reviewer):
    browser = Client()
    browser.force_login(la_reviewer)
    return browser


@pytest.fixture
def ash(home_council, home_prison):
    """A second reviewer for Northshire County Council."""
    user = UserFactory(
        username="ash",
        first_name="Ash",
        last_name="Second",
        role=Role.LA_REVIEWER,
        local_authority=home_council,
    )
    browser = Client()
    browser.force_login(user)
    return browser


def url(name, *args):
    return reverse(name, args=["HMX", *args])


def date_parts(name, value: dt.date | None):
    if value is None:
        return {f"{name}_0": "", f"{name}_1": "", f"{name}_2": ""}
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def page_of(response):
    return response.content.decode()


def version_on(page: str) -> int:
    """The version the page's form carries, as a browser would send it back."""
    return int(re.search(r'name="row_version" value="(\d+)"', page).group(1))


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def conflict_rows(page: str) -> list[list[str]]:
    """The table of other people's changes: field, their value, [your value,] who and when."""
    section = page.split('id="edit-conflict"', 1)[1].split("</table>", 1)[0]
    body = section.split("<tbody", 1)[1]
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


# --- buddies -------------------------------------------------------------------------------------


@pytest.fixture
def dev(home_prison):
    return BuddyFactory(
        prison=home_prison,
        prison_number="A1234BC",
        given_name="Dev",
        family_name="Khan",
        applied_on=dt.date(2026, 1, 5),
    )


def buddy_form(row_version, **changes):
    data = {
        "prison_number": "A1234BC",
        "given_name": "Dev",
        "family_name": "Khan",
        **date_parts("applied_on", dt.date(2026, 1, 5)),
        "row_version": row_version,
    }
    return {**data, **changes}


def test_two_leads_change_a_buddy_and_the_second_save_is_refused(lee, kim, dev):
    edit = url("buddy-edit", dev.pk)
    lee_opened = version_on(page_of(lee.get(edit)))
    kim_opened = version_on(page_of(kim.get(edit)))
    assert (lee_opened, kim_opened) == (1, 1)

    assert lee.post(edit, buddy_form(lee_opened, given_name="Devon")).status_code == 302
    response = kim.post(
        edit,
        buddy_form(
            kim_opened, family_name="Kahn", **date_parts("interviewed_on", dt.date(2026, 2, 2))
        ),
    )

    assert response.status_code == 200
    page = page_of(response)
    assert STALE_MESSAGE in page
    assert conflict_rows(page) == [["Given name", "Devon", "Dev", f"Lee Lead, {WHEN}"]]
    dev.refresh_from_db()
    assert (dev.given_name, dev.family_name, dev.interviewed_on) == ("Devon", "Khan", None)
    assert dev.row_version == 2
    assert dev.history.count() == 2  # created, then Lee's change: nothing of Kim's
    # Kim's answers are kept, now with the version on record, to save again on purpose.
    assert version_on(page) == 2
    assert 'value="Kahn"' in page
    assert 'name="interviewed_on_0" value="2"' in page

    again = kim.post(edit, buddy_form(2, given_name="Devon", family_name="Kahn"))
    assert again.status_code == 302
    dev.refresh_from_db()
    assert (dev.given_name, dev.family_name, dev.row_version) == ("Devon", "Kahn", 3)


def test_a_buddy_edit_opened_before_a_status_change_is_refused(lee, kim, dev):
    kim_opened = version_on(page_of(kim.get(url("buddy-edit", dev.pk))))
    status = url("buddy-status", dev.pk)
    lee.post(status, {"status": "vetting", "row_version": version_on(page_of(lee.get(status)))})

    response = kim.post(url("buddy-edit", dev.pk), buddy_form(kim_opened, given_name="Devon"))

    page = page_of(response)
    assert STALE_MESSAGE in page
    assert conflict_rows(page) == [
        ["Status", "Security vetting", "Not on this page", f"Lee Lead, {WHEN}"]
    ]
    dev.refresh_from_db()
    assert (dev.status, dev.given_name, dev.row_version) == ("vetting", "Dev", 2)


def test_a_fresh_buddy_save_goes_up_one_version(lee, dev):
    response = lee.post(url("buddy-edit", dev.pk), buddy_form(1, given_name="Devon"))
    assert response.status_code == 302
    dev.refresh_from_db()
    assert (dev.given_name, dev.row_version) == ("Devon", 2)
    assert dev.history.count() == 2


def test_the_same_status_form_sent_twice_changes_the_status_once(lee, dev):
    status = url("buddy-status", dev.pk)
    data = {"status": "vetting", "row_version": version_on(page_of(lee.get(status)))}

    first, second = lee.post(status, data), lee.post(status, data)

    assert first.status_code == 302
    assert second.status_code == 200
    page = page_of(second)
    assert STALE_MESSAGE in page
    assert conflict_rows(page) == [
        ["Status", "Security vetting", "Security vetting", f"Lee Lead, {WHEN}"]
    ]
    dev.refresh_from_db()
    assert (dev.status, dev.row_version) == ("vetting", 2)
    assert dev.history.count() == 2


def test_the_same_edit_form_sent_twice_saves_once(lee, dev):
    data = buddy_form(1, given_name="Devon")
    assert lee.post(url("buddy-edit", dev.pk), data).status_code == 302
    assert STALE_MESSAGE in page_of(lee.post(url("buddy-edit", dev.pk), data))
    dev.refresh_from_db()
    assert dev.row_version == 2
    assert dev.history.count() == 2


def test_a_save_that_changed_nothing_still_refuses_the_older_form(lee, kim, dev):
    kim_opened = version_on(page_of(kim.get(url("buddy-edit", dev.pk))))
    lee.post(url("buddy-edit", dev.pk), buddy_form(1))

    page = page_of(kim.post(url("buddy-edit", dev.pk), buddy_form(kim_opened, given_name="Devon")))

    assert STALE_MESSAGE in page
    assert "every field is as it was when you opened this page" in page
    dev.refresh_from_db()
    assert (dev.given_name, dev.row_version) == ("Dev", 2)


def test_without_the_history_the_conflict_is_still_refused_and_said_plainly(lee, kim, dev):
    kim_opened = version_on(page_of(kim.get(url("buddy-edit", dev.pk))))
    lee.post(url("buddy-edit", dev.pk), buddy_form(1, given_name="Devon"))
    dev.history.all().delete()

    page = page_of(kim.post(url("buddy-edit", dev.pk), buddy_form(kim_opened, family_name="Kahn")))

    assert STALE_MESSAGE in page
    assert "history does not go back to the version you opened" in page
    dev.refresh_from_db()
    assert (dev.given_name, dev.family_name) == ("Devon", "Khan")


@pytest.mark.parametrize("version", [None, "", "0", "two", "-1"])
def test_a_form_without_a_good_version_saves_nothing(lee, dev, version):
    data = buddy_form(version, given_name="Devon")
    if version is None:
        del data["row_version"]
    response = lee.post(url("buddy-edit", dev.pk), data)
    assert response.status_code == 200
    assert MISSING in page_of(response)
    dev.refresh_from_db()
    assert (dev.given_name, dev.row_version) == ("Dev", 1)


def test_two_requests_racing_from_the_same_version_cannot_both_save(dev):
    """Both pass the early check; the conditional UPDATE at save lets only the first through."""
    first, second = Buddy.objects.get(pk=dev.pk), Buddy.objects.get(pk=dev.pk)
    buddy_update(buddy=first, other_peer_roles=[], given_name="Devon", row_version=1)
    with pytest.raises(StaleEdit) as refused:
        buddy_update(
            buddy=second,
            other_peer_roles=PeerRole.objects.filter(code="listener"),
            family_name="Kahn",
            row_version=1,
        )
    assert refused.value.loaded_version == 1
    dev.refresh_from_db()
    assert (dev.given_name, dev.family_name, dev.row_version) == ("Devon", "Khan", 2)
    assert list(dev.other_peer_roles.all()) == []
    assert dev.history.count() == 2


# --- people supported ----------------------------------------------------------------------------


@pytest.fixture
def ada(home_prison):
    return RecipientFactory(
        prison=home_prison,
        prison_number="B2345CD",
        given_name="Ada",
        family_name="Lovell",
        date_of_birth=dt.date(1950, 3, 27),
        support_started_on=dt.date(2026, 1, 12),
    )


def person_form(row_version, **changes):
    data = {
        "prison_number": "B2345CD",
        "given_name": "Ada",
        "family_name": "Lovell",
        **date_parts("date_of_birth", dt.date(1950, 3, 27)),
        **date_parts("support_started_on", dt.date(2026, 1, 12)),
        "row_version": row_version,
    }
    return {**data, **changes}


def test_two_leads_change_a_person_and_the_second_save_is_refused(lee, kim, ada):
    edit = url("recipient-edit", ada.pk)
    lee_opened = version_on(page_of(lee.get(edit)))
    kim_opened = version_on(page_of(kim.get(edit)))

    lee.post(edit, person_form(lee_opened, formal_care="healthcare"))
    response = kim.post(
        edit, person_form(kim_opened, formal_care="none", needs=["mobility"], given_name="Adah")
    )

    assert response.status_code == 200
    page = page_of(response)
    assert STALE_MESSAGE in page
    assert conflict_rows(page) == [
        ["Formal care received", "Healthcare", "None", f"Lee Lead, {WHEN}"]
    ]
    ada.refresh_from_db()
    assert (ada.given_name, ada.formal_care, ada.row_version) == ("Ada", "healthcare", 2)
    assert list(ada.needs.all()) == []
    assert ada.history.count() == 2
    assert version_on(page) == 2
    assert 'value="Adah"' in page


def test_a_person_edit_opened_before_support_ended_is_refused(lee, kim, ada):
    kim_opened = version_on(page_of(kim.get(url("recipient-edit", ada.pk))))
    end = url("recipient-end", ada.pk)
    lee.post(
        end,
        {
            "reason": "released",
            **date_parts("on", dt.date(2026, 3, 1)),
            "row_version": version_on(page_of(lee.get(end))),
        },
    )

    response = kim.post(url("recipient-edit", ada.pk), person_form(kim_opened, given_name="Adah"))

    assert conflict_rows(page_of(response)) == [
        ["Support ended", "1 March 2026", "Not on this page", f"Lee Lead, {WHEN}"],
        ["Why support ended", "Released", "Not on this page", f"Lee Lead, {WHEN}"],
    ]
    ada.refresh_from_db()
    assert (ada.given_name, ada.support_ended_on, ada.row_version) == (
        "Ada",
        dt.date(2026, 3, 1),
        2,
    )


def test_ending_support_from_an_out_of_date_page_is_refused(lee, kim, ada):
    end = url("recipient-end", ada.pk)
    kim_opened = version_on(page_of(kim.get(end)))
    lee.post(url("recipient-edit", ada.pk), person_form(1, family_name="Lovelace"))

    response = kim.post(
        end, {"reason": "died", **date_parts("on", dt.date(2026, 3, 1)), "row_version": kim_opened}
    )

    page = page_of(response)
    assert STALE_MESSAGE in page
    assert conflict_rows(page) == [
        ["Family name", "Lovelace", "Not on this page", f"Lee Lead, {WHEN}"]
    ]
    ada.refresh_from_db()
    assert (ada.family_name, ada.support_ended_on, ada.end_reason) == ("Lovelace", None, "")


def test_a_fresh_person_save_goes_up_one_version(lee, ada):
    response = lee.post(
        url("recipient-edit", ada.pk), person_form(1, mental_capacity="not_assessed")
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert (ada.mental_capacity, ada.row_version) == ("not_assessed", 2)
    assert ada.history.count() == 2


# --- care plans ----------------------------------------------------------------------------------


@pytest.fixture
def plan(ada):
    plan = CarePlanFactory(
        recipient=ada,
        starts_on=dt.date(2026, 2, 2),
        review_due_on=dt.date(2026, 7, 12),
        capacity_at_agreement="has_capacity",
        agreed_with_recipient_on=AGREED,
        agreed_with_buddy_on=AGREED,
        boundaries_explained_on=AGREED,
        notes="Likes the library",
    )
    plan.tasks.set(["laundry"])
    return plan


def plan_form(row_version, **changes):
    data = {
        **date_parts("starts_on", dt.date(2026, 2, 2)),
        **date_parts("review_due_on", dt.date(2026, 7, 12)),
        "tasks": ["laundry"],
        "capacity_at_agreement": "has_capacity",
        "best_interests_decision_by": "",
        **date_parts("agreed_with_recipient_on", AGREED),
        **date_parts("agreed_with_buddy_on", AGREED),
        **date_parts("boundaries_explained_on", AGREED),
        "notes": "Likes the library",
        "row_version": row_version,
    }
    return {**data, **changes}


def test_two_leads_change_a_plan_and_the_second_save_is_refused_tasks_and_all(lee, kim, ada, plan):
    edit = url("plan-edit", ada.pk, plan.pk)
    lee_opened = version_on(page_of(lee.get(edit)))
    kim_opened = version_on(page_of(kim.get(edit)))
    history_before = plan.history.count()  # created, then the tasks set

    lee.post(
        edit,
        plan_form(
            lee_opened,
            notes="Likes the library on Tuesdays",
            **date_parts("review_due_on", dt.date(2026, 8, 3)),
        ),
    )
    response = kim.post(
        edit, plan_form(kim_opened, tasks=["laundry", "escort_movement"], notes="Mornings")
    )

    assert response.status_code == 200
    page = page_of(response)
    assert STALE_MESSAGE in page
    assert conflict_rows(page) == [
        ["Review due", "3 August 2026", "12 July 2026", f"Lee Lead, {WHEN}"],
        ["Notes", "Likes the library on Tuesdays", "Mornings", f"Lee Lead, {WHEN}"],
    ]
    plan.refresh_from_db()
    assert (plan.notes, plan.review_due_on, plan.row_version) == (
        "Likes the library on Tuesdays",
        dt.date(2026, 8, 3),
        2,
    )
    assert list(plan.tasks.values_list("code", flat=True)) == ["laundry"]
    assert plan.history.count() == history_before + 1
    assert version_on(page) == 2


def test_tasks_another_lead_chose_are_listed_by_name(lee, kim, ada, plan):
    edit = url("plan-edit", ada.pk, plan.pk)
    kim_opened = version_on(page_of(kim.get(edit)))
    lee.post(edit, plan_form(1, tasks=["laundry", "escort_movement"]))

    page = page_of(kim.post(edit, plan_form(kim_opened, notes="Mornings")))

    assert conflict_rows(page) == [
        ["Tasks", "Escorting around the prison, Laundry", "Laundry", f"Lee Lead, {WHEN}"]
    ]
    plan.refresh_from_db()
    assert plan.notes == "Likes the library"
    assert sorted(plan.tasks.values_list("code", flat=True)) == ["escort_movement", "laundry"]


def test_a_plan_edit_opened_before_it_was_submitted_and_returned_is_refused(
    lee, kim, robin, ada, plan
):
    kim_opened = version_on(page_of(kim.get(url("plan-edit", ada.pk, plan.pk))))
    detail = url("plan-detail", ada.pk, plan.pk)
    lee.post(
        url("plan-submit", ada.pk, plan.pk), {"row_version": version_on(page_of(lee.get(detail)))}
    )
    robin.post(
        url("plan-review", ada.pk, plan.pk),
        {"comments": "Add the escort", "row_version": version_on(page_of(robin.get(detail)))},
    )

    response = kim.post(url("plan-edit", ada.pk, plan.pk), plan_form(kim_opened, notes="Mornings"))

    page = page_of(response)
    assert STALE_MESSAGE in page
    # Lee sent it (draft to awaiting review); Robin made the last change (returned it).
    assert conflict_rows(page) == [
        ["State", "Returned with comments", "Not on this page", f"Robin Reviewer, {WHEN}"]
    ]
    plan.refresh_from_db()
    assert (plan.state, plan.notes, plan.row_version) == ("returned", "Likes the library", 3)


def test_approving_a_plan_changed_since_the_reviewer_read_it_is_refused(lee, robin, ash, ada, plan):
    detail = url("plan-detail", ada.pk, plan.pk)
    lee.post(url("plan-submit", ada.pk, plan.pk), {"row_version": 1})
    robin_read = version_on(page_of(robin.get(detail)))
    ash.post(url("plan-review", ada.pk, plan.pk), {"comments": "Say which days", "row_version": 2})
    lee.post(url("plan-edit", ada.pk, plan.pk), plan_form(3, notes="Library on Tuesdays"))
    lee.post(url("plan-submit", ada.pk, plan.pk), {"row_version": 4})

    response = robin.post(
        url("plan-review", ada.pk, plan.pk), {"approve": "1", "row_version": robin_read}
    )

    assert response.status_code == 200
    page = page_of(response)
    assert STALE_MESSAGE in page
    # Back to awaiting review, as Robin read it: only the notes differ.
    assert conflict_rows(page) == [["Notes", "Library on Tuesdays", f"Lee Lead, {WHEN}"]]
    assert version_on(page) == 5  # the approve button now carries the plan as it is
    plan.refresh_from_db()
    assert (plan.state, plan.la_approved_on, plan.row_version) == ("submitted", None, 5)
    assert list(PlanReview.objects.filter(plan=plan).values_list("action", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
    ]


def test_returning_a_plan_from_an_out_of_date_page_keeps_the_comments(lee, robin, ash, ada, plan):
    detail = url("plan-detail", ada.pk, plan.pk)
    lee.post(url("plan-submit", ada.pk, plan.pk), {"row_version": 1})
    robin_read = version_on(page_of(robin.get(detail)))
    ash.post(url("plan-review", ada.pk, plan.pk), {"approve": "1", "row_version": 2})

    response = robin.post(
        url("plan-review", ada.pk, plan.pk),
        {"comments": "Add the escort", "row_version": robin_read},
    )

    page = page_of(response)
    assert STALE_MESSAGE in page
    assert conflict_rows(page) == [
        ["State", "Approved", f"Ash Second, {WHEN}"],
        ["Approved by the local authority", "2 March 2026", f"Ash Second, {WHEN}"],
    ]
    plan.refresh_from_db()
    assert (plan.state, plan.row_version) == ("approved", 3)
    assert PlanReview.objects.filter(action="returned").count() == 0


def test_the_same_send_for_review_button_pressed_twice_sends_once(lee, ada, plan):
    submit = url("plan-submit", ada.pk, plan.pk)
    first, second = lee.post(submit, {"row_version": 1}), lee.post(submit, {"row_version": 1})
    assert first.status_code == 302
    assert second.status_code == 200
    assert conflict_rows(page_of(second)) == [["State", "Awaiting review", f"Lee Lead, {WHEN}"]]
    plan.refresh_from_db()
    assert (plan.state, plan.row_version) == ("submitted", 2)
    assert PlanReview.objects.filter(plan=plan).count() == 1


def test_sending_for_review_without_a_version_sends_nothing(lee, ada, plan):
    response = lee.post(url("plan-submit", ada.pk, plan.pk))
    assert response.status_code == 200
    assert MISSING in page_of(response)
    plan.refresh_from_db()
    assert (plan.state, plan.row_version) == ("draft", 1)


def test_a_fresh_plan_save_goes_up_one_version(lee, ada, plan):
    history_before = plan.history.count()
    response = lee.post(url("plan-edit", ada.pk, plan.pk), plan_form(1, notes="Mornings"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.notes, plan.row_version) == ("Mornings", 2)
    assert plan.history.count() == history_before + 1


# --- every other way these records change moves the version on -----------------------------------


def test_each_review_step_moves_the_plan_on_one_version(lead, la_reviewer, ada):
    older = CarePlanFactory(
        recipient=ada, state="approved", la_approved_on=dt.date(2026, 1, 12), notes="First"
    )
    plan = CarePlanFactory(
        recipient=ada,
        version=2,
        starts_on=dt.date(2026, 2, 2),
        capacity_at_agreement="has_capacity",
        agreed_with_recipient_on=AGREED,
        agreed_with_buddy_on=AGREED,
        boundaries_explained_on=AGREED,
    )
    laundry = Task.objects.filter(code="laundry")
    plan.tasks.set(laundry)

    care_plan_submit(plan=plan, user=lead, row_version=1)
    care_plan_return(plan=plan, user=la_reviewer, comments="Say which days", row_version=2)
    care_plan_save(
        recipient=ada, user=lead, tasks=laundry, plan=plan, notes="Tuesdays", row_version=3
    )
    care_plan_submit(plan=plan, user=lead, row_version=4)
    care_plan_approve(plan=plan, user=la_reviewer, row_version=5)

    plan.refresh_from_db()
    older.refresh_from_db()
    assert (plan.state, plan.notes, plan.row_version) == ("approved", "Tuesdays", 6)
    assert (older.state, older.row_version) == ("superseded", 2)
    with pytest.raises(StaleEdit):
        care_plan_return(plan=plan, user=la_reviewer, comments="Too late", row_version=5)


def test_a_status_change_and_an_end_of_support_move_the_version_on(dev, ada):
    buddy_change_status(buddy=dev, status="vetting", row_version=1)
    recipient_end_support(recipient=ada, on=dt.date(2026, 3, 1), reason="released", row_version=1)
    assert (Buddy.objects.get().row_version, Recipient.objects.get().row_version) == (2, 2)
    with pytest.raises(StaleEdit):
        buddy_update(buddy=Buddy.objects.get(), other_peer_roles=[], row_version=1)
    with pytest.raises(StaleEdit):
        recipient_update(recipient=Recipient.objects.get(), needs=[], row_version=1)


def test_suspending_a_buddy_from_an_incident_moves_the_version_on(lead, home_prison):
    from governance.incident_services import incident_record, incident_suspend_buddy

    buddy = BuddyFactory(
        prison=home_prison,
        status="active",
        vetting_outcome="approved",
        vetted_on=dt.date(2026, 1, 6),
        started_on=dt.date(2026, 2, 1),
    )
    incident = incident_record(
        prison=home_prison,
        user=lead,
        reference="INC-1",
        occurred_on=dt.date(2026, 3, 1),
        category=IncidentCategory.objects.get(code="bullying"),
        severity="high",
        buddy=buddy,
    )
    incident_suspend_buddy(incident=incident, user=lead)
    buddy.refresh_from_db()
    assert (buddy.status, buddy.row_version) == ("suspended", 2)


PRISONS = (
    "prison_code,name,category,local_authority,region,scheme_name,scheme_formality,leadership\n"
    "HMX,HMP Home,C,Northshire County Council,North,Buddies,formal,prison\n"
)
BUDDIES = (
    "prison_code,prison_number,given_name,family_name,status,applied_on\n"
    "HMX,A1234BC,Dev,Khan,applicant,2026-01-05\n"
)


def import_files(**contents: str) -> FileSet:
    found = FileSet()
    for kind, csv in contents.items():
        read_named(f"{kind}.csv", csv.encode(), found)
    return found


@pytest.fixture
def imported_buddy(db):
    sync_reference_codes()
    report = run_import(import_files(prisons=PRISONS, buddies=BUDDIES))
    assert report.errors == []
    return Buddy.objects.get()


def test_an_import_that_changes_a_buddy_moves_the_version_on(imported_buddy):
    report = run_import(import_files(buddies=BUDDIES.replace("Khan", "Kahn")))
    assert report.errors == []
    imported_buddy.refresh_from_db()
    assert (imported_buddy.family_name, imported_buddy.row_version) == ("Kahn", 2)
    with pytest.raises(StaleEdit):
        buddy_update(buddy=imported_buddy, other_peer_roles=[], given_name="Devon", row_version=1)


def test_an_import_never_overwrites_a_change_made_while_it_ran(imported_buddy, monkeypatch):
    as_the_import_read_them = {"A1234BC": Buddy.objects.get()}
    buddy_update(buddy=imported_buddy, other_peer_roles=[], given_name="Devon", row_version=1)
    monkeypatch.setattr(Context, "buddies", lambda self, prison: as_the_import_read_them)

    report = run_import(import_files(buddies=BUDDIES.replace("Khan", "Kahn")))

    assert report.errors == [
        "buddies.csv:2: row: someone changed this record in PeerCare while the import ran: "
        "import the files again"
    ]
    imported_buddy.refresh_from_db()
    assert (imported_buddy.given_name, imported_buddy.family_name) == ("Devon", "Khan")
    assert imported_buddy.row_version == 2


def test_the_version_is_not_shown_in_the_history(lee, dev):
    lee.post(url("buddy-edit", dev.pk), buddy_form(1, given_name="Devon"))
    page = page_of(lee.get(url("buddy-history", dev.pk)))
    assert "<del>Dev</del>" in page
    assert "Row version" not in page
