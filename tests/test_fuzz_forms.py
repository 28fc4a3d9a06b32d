"""Every form of the service, given generated data, answers without a server error and saves
nothing when it refuses.

The forms are found as a person finds them: by opening every page that the walk of the URL
patterns in tests/test_every_url.py reaches (with its records in two prisons, and a few more
records here so that forms shown only for them appear too) and reading each page's HTML for
`<form method="post">`. A form added later is fuzzed without a change to this file.

Each form is posted by the user who would use it: a social care lead when the lead's page shows
the form, otherwise an administrator (who sees every form), or nobody signed in for the sign-in
page. Each field gets the values a person could choose (the options of a select, radio or
checkbox; the value already there; plausible text, numbers and dates) or hostile ones (control
characters and NUL, very long text, other scripts and digits, numbers out of range, impossible
dates, SQL, HTML and spreadsheet formulas, another prison's record ids, damaged files), or is
left out, or is sent twice.

What must hold for every post:
- no server error: the test client raises the view's exception, and the generated data that
  caused it is reported;
- a refusal (an answer of 400 or more, or a page with a GOV.UK error summary) has changed
  nothing: every row of every table of the service's own apps, history included, is as it was.
  The audit log alone may gain events, as it records failed sign-ins, refused codes and reads
  whatever the answer; the events already in it stay as they were;
- a redirect, or a page without an error summary, means the data was accepted.

Two kinds of form are left out. The sign-out button in the header of every page ends the
session the other posts need, and has nothing to fill in. Forms with nothing to send but the
CSRF token (a single unnamed button, such as suspending a buddy after an incident or confirming
a checked import) give generated data nowhere to go: every post would be the same, and
tests/test_every_url.py already posts to every address as every role.

Each example runs inside a savepoint that is rolled back, so every example starts from the same
records and a form's accepted examples do not change what the next form sees. Examples are
generated from a fixed seed (`derandomize`), so every run, locally and in CI, posts the same data.
"""

import datetime
import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api.services import api_token_create
from audit.models import AuditEvent
from buddies.constants import Outcome
from buddies.models import MissedReason
from monitoring import comparison
from tests import test_every_url as walk
from tests.factories import BuddyFactory, CarePlanFactory, RecipientFactory

worlds = walk.worlds  # the walk's records in two prisons, a fixture for the tests here

# Examples per form. Each is a request that renders a page, so this sets the file's run time:
# with 41 forms, 10 each is about 400 posts, about a minute for the file on two cores.
EXAMPLES_PER_FORM = 10

CSRF_FIELD = "csrfmiddlewaretoken"
ERROR_SUMMARY = b'data-module="govuk-error-summary"'

# Text nobody should have to type but anybody can: each line is a way input has broken services.
HOSTILE_TEXT = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "A1234BC\x00",
    "\x1b[31m\x07\x08",
    "\u202egnp.exe",
    "\ufeffA1234BC",
    "Zoë Ñúñez-O'Brien 👩🏽‍⚕️",
    "ⅯⅯⅩⅩⅥ",
    "x" * 5000,
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1:A9)",
    "-1",
    "0",
    "-0.01",
    "1.005",
    "1e309",
    "NaN",
    "-Infinity",
    "99999999999999999999",
    "2147483648",
    "9223372036854775808",
    "0x1F",
    "1_000",
    "１２",  # noqa: RUF001 (fullwidth digits, on purpose)
    "١٢",  # Arabic-Indic digits: Python's int() reads them
    "²",  # a digit to str.isdigit(), not a number to int()
    "31/02/2026",
    "2026-02-31",
    "2025-26",
    "9999-00",
    "' OR '1'='1' --",
    "1; DROP TABLE accounts_user",
    "<script>alert(1)</script>",
    "{{ request.user }}{% debug %}",
    "%s%s%n",
    "../../etc/passwd",
]
# What passes for an id or a code and is not one.
ODD_CHOICES = [
    "",
    "\x00",
    "1\x00",
    "²",
    "١٢",
    "１２",  # noqa: RUF001 (fullwidth digits, on purpose)
    " 1 ",
    "1.5",
    "1e3",
    "-1",
    "0",
    "99999999999999999999",
    "NaN",
    "true",
    "[1]",
    "A1234BC",
    "on",
]
# Text, numbers and codes a person could type into this service's fields.
PLAUSIBLE_TEXT = [
    "A1234BC",
    "R1111AA",
    "Some words about the day",
    "Officer",
    "S-1",
    "INC-9",
    "2024-25",
    "2022-23",
    "1",
    "6",
    "30",
    "30u",
    "45.50",
    "L",
    "M",
]
YEARS = [1, 1899, 1900, 2000, 2024, 2025, 2026, 2027, 2028, 9999, 10000]

FILE_NAMES = [
    "buddies.csv",
    "sessions.csv",
    "cost-template.json",
    "cost-template-HMX-2023-24.json",
    "peercare.xlsx",
    "notes.txt",
    "../../etc/passwd",
    "Zoë's file.csv",
    "no-extension",
]
FILE_CONTENTS = [
    b"",
    b"\x00\x00\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe\x00\x00",
    b"[" * 5000,  # deeper than Python's recursion limit
    b"{}",
    b"[]",
    b"null",
    b'{"prison_code": "HMX", "financial_year": "2023-24"}',
    b'{"prison_code": "HMX", "financial_year": "2023-24", "staff": [{"band": "x"}]}',
    b'{"prison_code": "OTX"}',
    b"prison_number,given_name,family_name\nA1234BC,=cmd|' /C calc'!A0,\x00\n",
    b"prison_code,prison_number,given_name,family_name,status\nHMX,A1234BC,Ze\x00d,B,applicant\n",
    b'{"prison_code": "HMX", "financial_year": "2023-24", "staff": [{"role": "\\u0000"}]}',
    b"PK\x03\x04not really a zip file",
    b'"unterminated,\n',
]


@dataclass
class FormField:
    """One name a form sends: the values a person could choose, and what the page as shown would
    send (the text in a box, the option selected, the boxes ticked, the default button)."""

    name: str
    kind: str  # text, number, hidden, textarea, select, radio, checkbox, file or button
    choices: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    page: str  # the URL name of the page showing the form
    action: str  # where it posts
    fields: dict[str, FormField]
    user: object = None  # None: nobody signed in
    role: str = "nobody"

    @property
    def key(self):
        return self.action, tuple(sorted(self.fields))


class FormParser(HTMLParser):
    """The post forms of a page, with their fields, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, FormField]]] = []
        self._form = None
        self._select = None
        self._textarea = None
        self._pressed = False  # a form sends the first of its named buttons when submitted

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form, self._pressed = {}, False
                self.forms.append((attrs.get("action") or "", self._form))
            return
        if self._form is None or "disabled" in attrs:
            return
        name = attrs.get("name")
        value = attrs.get("value")
        if name == CSRF_FIELD:
            return  # the test client does not check it, and its value changes on every page
        if tag == "select" and name:
            self._select = self._field(name, "select")
            self._select.multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._select.choices.append(value or "")
            if "selected" in attrs:
                self._select.shown.append(value or "")
        elif tag == "textarea" and name:
            self._textarea = self._field(name, "textarea")
            self._textarea.shown = [""]
        elif tag == "button" and name:
            self._button(name, value or "")
        elif tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "image", "reset"}:
                self._button(name, value or "")
                return
            entry = self._field(name, kind)
            if kind in {"checkbox", "radio"}:
                entry.multiple = kind == "checkbox"
                entry.choices.append(value or "on")
                if "checked" in attrs:
                    entry.shown.append(value or "on")
            elif kind != "file":
                entry.choices += [value] if value else []
                entry.shown = [value or ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.shown = [self._textarea.shown[0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.shown and self._select.choices and not self._select.multiple:
                self._select.shown = self._select.choices[:1]  # a browser sends the first
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser keeps the newline that follows <textarea>; a browser drops it.
            self._textarea.shown = [self._textarea.shown[0].removeprefix("\n")]
            self._textarea = None

    def _field(self, name, kind):
        return self._form.setdefault(name, FormField(name=name, kind=kind))

    def _button(self, name, value):
        entry = self._field(name, "button")
        entry.choices.append(value)
        if not self._pressed:
            entry.shown, self._pressed = [value], True


def post_forms(html: str, page_url: str):
    """(action, fields) for each post form of a page worth fuzzing."""
    parser = FormParser()
    parser.feed(html)
    for action, fields in parser.forms:
        action = urlsplit(urljoin(page_url, action)).path
        if fields and url_name(action) != "sign-out":
            yield action, fields


def url_name(path: str) -> str | None:
    """The URL name a path resolves to; None for a path that is no page (still fuzzed: it must
    answer 404, not fail)."""
    try:
        return resolve(path).url_name
    except Resolver404:
        return None


def page_names():
    """(name, keywords) of every URL that can answer with a page, not one of the API's."""
    return [(name, params) for name, params in walk.URLS if not walk.is_api(name)]


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def discover_forms(*, admin, lead, world_variants) -> list[Form]:
    """Every post form of every page, merged across pages (a form shown on several pages, or
    once for each row of a table, is one form whose choices are all the values seen)."""
    clients = {"admin": signed_in(admin), "lead": signed_in(lead), "nobody": signed_in(None)}
    users = {"admin": admin, "lead": lead, "nobody": None}
    found: dict[tuple, Form] = {}
    for world, only_with in world_variants:
        for name, params in page_names():
            if only_with and not only_with & set(params):
                continue
            url = walk.build(name, params, world)
            if not url.endswith("/"):
                continue  # a download: its address ends in a file name, a page's in /
            for role in ("admin", "nobody"):
                response = clients[role].get(url)
                if response.status_code == 200:
                    break
            else:
                continue
            forms = [
                Form(page=name, action=action, fields=fields, user=users[role], role=role)
                for action, fields in post_forms(response.content.decode(), url)
            ]
            if forms and role == "admin" and "code" in params:
                # A prison's page: its lead posts the forms the lead's page shows too.
                lead_page = clients["lead"].get(url)
                if lead_page.status_code == 200:
                    lead_forms = {
                        (action, tuple(sorted(fields))): fields
                        for action, fields in post_forms(lead_page.content.decode(), url)
                    }
                    for form in forms:
                        if form.key in lead_forms:
                            form.fields, form.user, form.role = lead_forms[form.key], lead, "lead"
            for form in forms:
                if form.key in found:
                    for entry in form.fields.values():
                        known = found[form.key].fields[entry.name].choices
                        known += [choice for choice in entry.choices if choice not in known]
                else:
                    found[form.key] = form
    return list(found.values())


def project_tables():
    """Every table of the service's own apps (the packages at the top of the project), history
    and join tables included; not Django's sessions or other libraries' tables."""
    base = Path(settings.BASE_DIR).resolve()
    tables = {}
    for app in apps.get_app_configs():
        if Path(app.path).resolve().parent != base:
            continue
        for model in app.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed:
                continue
            tables.setdefault(meta.db_table, model)
    return tables


def snapshot(tables) -> dict[str, list[tuple]]:
    return {
        table: list(model._base_manager.order_by("pk").values_list())
        for table, model in tables.items()
    }


# Strategies ------------------------------------------------------------------------------------


CHOSEN_KINDS = {"select", "radio", "checkbox", "hidden", "button"}


def hostile_values(entry: FormField, foreign_ids: list[str]):
    """Values nobody should send: for a choice (an id, a code), what passes for a number and is
    not one, and another prison's ids; for text, the catalogue above; and anything at all."""
    catalogue = st.sampled_from(HOSTILE_TEXT)
    if entry.kind in CHOSEN_KINDS:
        catalogue = st.sampled_from(ODD_CHOICES + foreign_ids)
    return st.one_of(
        catalogue,
        catalogue,
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


def date_part(name: str):
    """The day, month or year box of a GOV.UK date input (name_0, name_1, name_2): realistic
    ranges, so that real dates, 31 February and 29 February of a year that has none all come."""
    part = name[-1]
    if part == "0":
        return st.integers(min_value=0, max_value=32).map(str)
    if part == "1":
        return st.integers(min_value=0, max_value=13).map(str)
    return st.sampled_from(YEARS).map(str)


def plausible_values(entry: FormField):
    if entry.kind in CHOSEN_KINDS and entry.choices:
        return st.sampled_from(entry.choices)
    if entry.kind == "number":
        return st.one_of(
            st.integers(min_value=-5, max_value=500).map(str),
            st.decimals(min_value=-5, max_value=500, places=2, allow_nan=False).map(str),
        )
    if entry.kind == "text" and re.search(r"_[012]$", entry.name):
        return date_part(entry.name)
    return st.sampled_from(entry.shown + entry.choices + PLAUSIBLE_TEXT)


def files():
    return st.builds(
        lambda name, content: (name, content),
        st.sampled_from(FILE_NAMES),
        st.one_of(st.sampled_from(FILE_CONTENTS), st.binary(max_size=200)),
    )


def changed(entry: FormField):
    """The field filled in as a person could."""
    if entry.kind == "file":
        return st.lists(files(), min_size=1, max_size=3 if entry.multiple else 1)
    if entry.multiple and entry.choices:
        return st.lists(st.sampled_from(entry.choices), unique=True)
    return plausible_values(entry).map(lambda value: [value])


def odd(entry: FormField, foreign_ids: list[str]):
    """The field left out, sent twice or more, or sent a hostile value."""
    if entry.kind == "file":
        return st.one_of(st.just([]), st.lists(files(), min_size=2, max_size=3))
    hostile = hostile_values(entry, foreign_ids)
    return st.one_of(
        st.just([]),
        st.lists(plausible_values(entry), min_size=2, max_size=3),
        hostile.map(lambda value: [value]),
        hostile.map(lambda value: [value]),
        st.lists(hostile, min_size=2, max_size=3),
    )


@st.composite
def payloads(draw, form: Form, foreign_ids: list[str]):
    """What a browser, or someone pretending to be one, sends for the form: {name: [values]}.

    Three ways of filling it in, so that accepted posts come as well as refused ones: the form
    as the page showed it with some fields filled in as a person could (an edit form as shown is
    valid); as shown but for one odd field; or every field anything at all.
    """
    names = sorted(form.fields)
    mode = draw(st.sampled_from(["as shown, some filled in", "one field odd", "anything"]))
    odd_one = draw(st.sampled_from(names)) if mode == "one field odd" else None
    data = {}
    for name in names:
        entry = form.fields[name]
        if mode == "anything":
            data[name] = draw(st.one_of(changed(entry), odd(entry, foreign_ids)))
        elif name == odd_one:
            data[name] = draw(odd(entry, foreign_ids))
        elif entry.kind == "file":
            data[name] = draw(changed(entry))  # a page as shown sends no file
        elif mode == "one field odd":
            data[name] = entry.shown
        else:
            data[name] = draw(st.one_of(st.just(entry.shown), changed(entry)))
    return {name: values for name, values in data.items() if values}


def encoded(payload):
    """The payload as the test client's multipart data, files as uploads."""
    return {
        name: [
            SimpleUploadedFile(value[0], value[1]) if isinstance(value, tuple) else value
            for value in values
        ]
        for name, values in payload.items()
    }


def fuzz(form: Form, *, tables, foreign_ids):
    """Post generated data to one form; raise with the data when a post breaks the rules."""
    client = signed_in(form.user)
    before = snapshot(tables)

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        # Each example is a request (too slow for Hypothesis's taste), and a form of dozens of
        # fields, such as the week sheet's grid, makes large examples by nature.
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(payload=payloads(form, foreign_ids))
    def post(payload):
        note(f"{form.role} posts the form of {form.page} to {form.action}")
        note(f"with {shortened(payload)}")
        writes = WriteRecorder()
        with transaction.atomic():
            with connection.execute_wrapper(writes):
                response = client.post(form.action, encoded(payload))
            refused = response.status_code >= 400 or ERROR_SUMMARY in response.content
            # Reading every table takes as long as the post: only those written to are read.
            after = {**before, **snapshot(writes.among(tables))} if refused else before
            transaction.set_rollback(True)
        assert response.status_code < 500
        changed = sorted(table for table in tables if not kept(table, before[table], after[table]))
        assert not changed, f"refused with {response.status_code}, yet changed {changed}"

    post()


def kept(table: str, before: list[tuple], after: list[tuple]) -> bool:
    """Whether a table is as it was: the same rows, or for the append-only audit log the same
    rows followed by new ones (rows are read in id order)."""
    if table == AuditEvent._meta.db_table:
        return after[: len(before)] == before
    return after == before


class WriteRecorder:
    """The tables a request writes to (Django's execute_wrapper sees every statement, raw SQL
    included); a statement that writes to a table it cannot name counts as writing to all."""

    WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
    TABLE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"(\w+)"', re.I)

    def __init__(self):
        self.written: set[str] = set()
        self.unnamed = False

    def __call__(self, execute, sql, params, many, context):
        if self.WRITE.match(sql):
            table = self.TABLE.match(sql)
            if table:
                self.written.add(table[1])
            else:
                self.unnamed = True
        return execute(sql, params, many, context)

    def among(self, tables: dict) -> dict:
        """Those of `tables` that may have been written to."""
        if self.unnamed:
            return tables
        return {name: model for name, model in tables.items() if name in self.written}


def shortened(payload) -> str:
    """The payload for a failure report, long values cut short."""

    def short(value):
        text = repr(value)
        return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"

    fields = (f"{name!r}: [{', '.join(map(short, values))}]" for name, values in payload.items())
    return "{" + ", ".join(fields) + "}"


# Records that make more forms appear ---------------------------------------------------------


@pytest.fixture
def more_records(worlds, lead, admin_user, home_prison):
    """Records in the home prison for forms that show only when they exist: a draft care plan
    (its edit form), a buddy who has not answered the survey (the answer form), a prison's own
    missed reason (its remove button) and API tokens (their revoke buttons)."""
    BuddyFactory(
        prison=home_prison,
        prison_number="A3333CC",
        status="active",
        vetting_outcome="approved",
        vetted_on=datetime.date(2026, 1, 6),
    )
    person = RecipientFactory(prison=home_prison, prison_number="R3333CC")
    draft = CarePlanFactory(recipient=person, state="draft")
    MissedReason.objects.create(
        prison=home_prison, label="Rest day", maps_to=Outcome.MISSED_BUDDY_UNAVAILABLE
    )
    api_token_create(user=lead, name="Wing system")
    api_token_create(user=admin_user, name="Nightly export")
    return {"draft_world": {**worlds["own"], "recipient": person, "plan": draft}}


def record_ids(world) -> list[str]:
    """The ids of a prison's records, to send where another prison's form expects its own."""
    return sorted({str(record.pk) for record in world.values() if hasattr(record, "pk")})


# Every page showing a form today. More may come (they are fuzzed too); if one of these is no
# longer found, the walk has stopped seeing it.
FORM_PAGES = {
    "sign-in",
    "two-factor-set-up",
    "api-tokens",
    "api-tokens-all",
    "scheme-edit",
    "staff-new",
    "staff-time",
    "supervision-new",
    "training-new",
    "incident-new",
    "incident-edit",
    "buddy-new",
    "buddy-edit",
    "buddy-status",
    "buddy-pay",
    "buddy-quick-log",
    "missed-reasons",
    "week-sheet",
    "recipient-new",
    "recipient-edit",
    "recipient-end",
    "recipient-take-over",
    "recipient-quick-log",
    "assignment-new",
    "assignment-end",
    "plan-new",
    "plan-edit",
    "plan-detail",
    "wave-new",
    "response-new",
    "response-edit",
    "instrument-new",
    "cost-years",
    "cost-new",
    "cost-edit",
    "unit-costs",
    "exchange",
    "monitoring-comparison",  # "Prepare CSV" and "Prepare PDF", shown here across 2 prisons
}


# A failing example's own repr can be long (5,000-character values, files): the report shows it
# shortened, and Hypothesis's warning about it must not hide the failure.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_no_form_errors_or_saves_half_way_whatever_it_is_sent(
    lead, admin_user, worlds, more_records, monkeypatch
):
    # The comparison offers files prepared in the background across more prisons than this:
    # across the walk's two, so that its forms are found and fuzzed.
    monkeypatch.setattr(comparison, "BACKGROUND_FROM", 1)
    forms = discover_forms(
        admin=admin_user,
        lead=lead,
        world_variants=[(worlds["own"], None), (more_records["draft_world"], {"plan_id"})],
    )
    missing = FORM_PAGES - {form.page for form in forms}
    assert not missing, f"the walk no longer finds the forms of {sorted(missing)}"
    assert {form.role for form in forms} == {"lead", "admin", "nobody"}

    tables = project_tables()
    foreign_ids = record_ids(worlds["other"])
    failures = []
    for form in forms:
        try:
            fuzz(form, tables=tables, foreign_ids=foreign_ids)
        except Exception as error:  # every form is tried; all failures are reported together
            failures.append("".join(traceback.format_exception(error)))
    assert not failures, f"{len(failures)} of {len(forms)} forms failed:\n\n" + "\n\n".join(
        failures
    )


def test_the_form_reader_sends_what_a_browser_would():
    html = """
    <form method="post" action="/sign-out/"><input type="hidden" name="csrfmiddlewaretoken"
      value="abc"><button>Sign out</button></form>
    <form method="get"><input name="q"></form>
    <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="abc">
      <button>Suspend</button></form>
    <form method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="abc">
      <input type="hidden" name="row_version" value="3">
      <input name="given_name" value="Zoë">
      <input name="family_name">
      <input name="locked" value="x" disabled>
      <input type="radio" name="status" value="active">
      <input type="radio" name="status" value="ended" checked>
      <input type="checkbox" name="needs" value="mobility" checked>
      <input type="checkbox" name="needs" value="meals">
      <input type="checkbox" name="needs" value="cleaning" checked>
      <select name="buddy"><option value="">Choose</option><option value="7">Sam</option></select>
      <select name="prison"><option value="1">A</option><option value="2" selected>B</option>
      </select>
      <textarea name="notes">
Line one</textarea>
      <input type="file" name="template">
      <button name="save" value="yes">Save</button>
      <button name="remove" value="4">Remove</button>
    </form>"""
    [(action, fields)] = post_forms(html, "/prisons/HMX/buddies/1/edit/")
    assert action == "/prisons/HMX/buddies/1/edit/"
    assert {name: entry.shown for name, entry in fields.items()} == {
        "row_version": ["3"],
        "given_name": ["Zoë"],
        "family_name": [""],
        "status": ["ended"],
        "needs": ["mobility", "cleaning"],
        "buddy": [""],
        "prison": ["2"],
        "notes": ["Line one"],
        "template": [],
        "save": ["yes"],
        "remove": [],
    }
    assert fields["status"].choices == ["active", "ended"]
    assert fields["needs"].choices == ["mobility", "meals", "cleaning"]
    assert fields["buddy"].choices == ["", "7"]
    assert (fields["needs"].multiple, fields["status"].multiple) == (True, False)
    assert fields["remove"].choices == ["4"]


def test_the_write_recorder_names_the_tables_written_to(home_prison):
    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        MissedReason.objects.create(
            prison=home_prison, label="Rest day", maps_to=Outcome.MISSED_BUDDY_UNAVAILABLE
        )
        MissedReason.objects.filter(label="Rest day").update(label="Day off")
        assert list(MissedReason.objects.values_list("label", flat=True)) == ["Day off"]
    assert recorder.written == {"buddies_missedreason"}
    assert recorder.among(project_tables()) == {"buddies_missedreason": MissedReason}
