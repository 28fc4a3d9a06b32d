"""Help pages for each role, and the accessibility statement.

Everyone, signed in or not, reaches the help index from the footer of any page, and every role's
help page from the index; the links are followed as a person would, from the HTML. A role's page
links only to screens that role can open, and the accessibility statement has the sections of
GOV.UK's model statement.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accounts.constants import Role
from tests.two_factor import password_only_login

# Worked out by hand from the brief: one page per role, at these addresses, with these titles.
HELP_PAGES = {
    "/help/social-care-lead/": "Help for social care leads",
    "/help/prison-staff/": "Help for prison staff",
    "/help/local-authority-reviewer/": "Help for local authority reviewers",
    "/help/inspector/": "Help for inspectors",
    "/help/national-analyst/": "Help for national analysts",
    "/help/administrator/": "Help for administrators",
}
PAGE_OF_ROLE = {
    Role.SOCIAL_CARE_LEAD: "/help/social-care-lead/",
    Role.PRISON_STAFF: "/help/prison-staff/",
    Role.LA_REVIEWER: "/help/local-authority-reviewer/",
    Role.INSPECTOR: "/help/inspector/",
    Role.NATIONAL_ANALYST: "/help/national-analyst/",
    Role.ADMIN: "/help/administrator/",
}


class Page(HTMLParser):
    """What a reader finds on a page: the links in each landmark, the headings and the ids."""

    LANDMARKS = {"main", "footer", "nav"}

    def __init__(self, html: str):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (landmarks, href, text)
        self.headings: list[tuple[str, str]] = []  # (tag, text), in <main> only
        self.ids: set[str] = set()
        self._landmarks: list[str] = []
        self._link: list | None = None
        self._heading: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag in self.LANDMARKS:
            self._landmarks.append(tag)
        if tag == "a":
            self._link = [attributes.get("href", ""), ""]
        if tag in {"h1", "h2", "h3"} and "main" in self._landmarks:
            self._heading = [tag, ""]

    def handle_endtag(self, tag):
        if tag in self.LANDMARKS and self._landmarks:
            self._landmarks.pop()
        if tag == "a" and self._link is not None:
            # Where the link is: "footer", "nav" (breadcrumbs), "main" or "main/nav" (contents).
            where = "/".join(self._landmarks)
            self.links.append((where, self._link[0], " ".join(self._link[1].split())))
            self._link = None
        if tag in {"h1", "h2", "h3"} and self._heading is not None:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None

    def handle_data(self, data):
        if self._link is not None:
            self._link[1] += data
        if self._heading is not None:
            self._heading[1] += data

    def link(self, landmark: str, text: str) -> str:
        hrefs = [href for where, href, label in self.links if where == landmark and label == text]
        assert len(hrefs) == 1, f"{text!r} in {landmark}: {hrefs}"
        return hrefs[0]

    def main_links(self) -> list[str]:
        return [href for where, href, _text in self.links if where.startswith("main")]

    def h1(self) -> str:
        return next(text for tag, text in self.headings if tag == "h1")


def read(client, url: str) -> Page:
    response = client.get(url)
    assert response.status_code == 200, url
    return Page(response.content.decode())


def role_pages_from_index(client) -> list[str]:
    """Follow the footer's Help link from the sign-in page, then collect the index's links."""
    index = read(client, read(client, reverse("sign-in")).link("footer", "Help"))
    return [href for href in index.main_links() if href in HELP_PAGES]


def test_signed_out_the_footer_leads_to_the_index_and_the_index_to_every_role(client, db):
    footer_help = read(client, reverse("sign-in")).link("footer", "Help")
    assert footer_help == "/help/"
    index = read(client, footer_help)
    assert index.h1() == "Help"
    role_links = [(href, text) for where, href, text in index.links if href in HELP_PAGES]
    assert role_links == list(HELP_PAGES.items())
    for href, title in HELP_PAGES.items():
        page = read(client, href)
        assert page.h1() == title


def test_signed_in_the_footer_leads_to_the_index_with_the_users_role_first(client, la_reviewer):
    client.force_login(la_reviewer)
    footer_help = read(client, reverse("home")).link("footer", "Help")
    assert footer_help == "/help/"
    response = client.get(footer_help)
    index = Page(response.content.decode())
    role_links = [href for where, href, _text in index.links if href in HELP_PAGES]
    assert role_links == [
        "/help/local-authority-reviewer/",
        "/help/social-care-lead/",
        "/help/prison-staff/",
        "/help/inspector/",
        "/help/national-analyst/",
        "/help/administrator/",
    ]
    assert response.content.decode().count("Your role") == 1


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_their_own_help_page_first(client, users_by_role, role):
    client.force_login(users_by_role[role])
    index = read(client, "/help/")
    first = next(href for where, href, _text in index.links if href in HELP_PAGES)
    assert first == PAGE_OF_ROLE[role]


@pytest.mark.parametrize("role", list(Role))
def test_every_link_from_a_roles_help_page_into_the_service_opens_for_that_role(
    client, users_by_role, role
):
    href = PAGE_OF_ROLE[role]
    assert href in role_pages_from_index(client)
    client.force_login(users_by_role[role])
    page = read(client, href)
    service_links = {
        link for link in page.main_links() if link.startswith("/") and not link.startswith("/help/")
    }
    assert service_links, f"{href} links to no screen"
    for link in sorted(service_links):
        assert client.get(link).status_code == 200, f"{role}: {link} from {href}"


def test_the_leads_page_explains_the_weekly_sheet_and_the_quick_log(client, db):
    page = client.get("/help/social-care-lead/").content.decode()
    assert "Weekly sheet" in page
    assert "Save the week" in page
    assert "Quick log" in page
    assert "Record a session" in page
    assert "Record an incident" in page


def test_the_staff_page_says_the_lead_records_incidents(client, db):
    # Prison staff record activity but not incidents (accounts.policy: MANAGE_SCHEME).
    page = client.get("/help/prison-staff/").content.decode()
    assert "Weekly sheet" in page
    assert "who records it as an incident in PeerCare" in page


def test_the_reviewers_page_explains_approving_and_returning_plans(client, db):
    page = client.get("/help/local-authority-reviewer/").content.decode()
    assert "Care plans to review" in page
    assert '"Approve"' in page
    assert '"Return with comments"' in page


@pytest.mark.parametrize("href", ["/help/inspector/", "/help/national-analyst/"])
def test_figures_only_roles_are_told_they_never_see_names(client, db, href):
    page = client.get(href).content.decode()
    assert "You never see a prisoner's name or prison number" in page
    assert "Download the monitoring summary" in page
    assert "&lt;5" in page


def test_the_inspectors_page_describes_the_monitoring_summary_pdf(client, db):
    page = client.get("/help/inspector/").content.decode()
    assert "Monitoring summary" in page
    assert "gives a PDF of two to six A4 pages" in page


def test_the_administrators_page_names_their_own_screens_and_commands(client, db):
    page = read(client, "/help/administrator/")
    main_links = set(page.main_links())
    assert {"/audit/", "/costs/unit-costs/", "/outcomes/instruments/"} <= main_links
    assert "/account/api-tokens/all/" in main_links
    assert "/help/social-care-lead/" in main_links
    text = client.get("/help/administrator/").content.decode()
    for command in ["add_user", "reset_two_factor", "apply_retention", "subject_access_export"]:
        assert f"<code>{command}</code>" in text


@pytest.mark.parametrize("href", list(HELP_PAGES))
def test_a_role_page_has_breadcrumbs_a_contents_list_and_the_rules(client, db, href):
    page = read(client, href)
    assert page.link("nav", "Help") == "/help/"
    contents = [link for where, link, _text in page.links if where == "main/nav"]
    assert contents[0] == "#screens"
    assert contents[-2:] == ["#concern", "#get-help"]
    assert {link.removeprefix("#") for link in contents} <= page.ids
    headings = [text for _tag, text in page.headings]
    assert "What buddies must never do" in headings
    assert "The 13 requirements" in headings
    assert "Report a concern" in headings
    text = client.get(href).content.decode()
    assert "follow the prison's safeguarding procedure straight away" in text


@pytest.mark.parametrize("href", ["/help/governor/", "/help/Inspector/", "/help/help/"])
def test_an_unknown_role_has_no_help_page(client, db, href):
    assert client.get(href).status_code == 404


@pytest.mark.parametrize("href", ["/help/", *HELP_PAGES])
def test_help_pages_are_public_even_before_the_second_step(client, lead, href):
    assert client.get(href).status_code == 200
    password_only_login(client, lead)
    assert client.get(href).status_code == 200


def test_the_accessibility_statement_has_the_model_statements_sections(client, db):
    footer_link = read(client, reverse("sign-in")).link("footer", "Accessibility statement")
    assert footer_link == "/accessibility/"
    page = read(client, footer_link)
    assert page.headings == [
        ("h1", "Accessibility statement for PeerCare"),
        ("h2", "How accessible this service is"),
        ("h2", "What to do if you cannot access parts of this service"),
        ("h2", "Reporting accessibility problems with this service"),
        ("h2", "Enforcement procedure"),
        ("h2", "Technical information about this service's accessibility"),
        ("h3", "Compliance status"),
        ("h2", "Non-accessible content"),
        ("h3", "Non-compliance with the accessibility regulations"),
        ("h3", "Content that is hard to use"),
        ("h3", "Disproportionate burden"),
        ("h2", "What we're doing to improve accessibility"),
        ("h2", "Preparation of this accessibility statement"),
        ("h3", "How we tested this service"),
    ]


def test_the_accessibility_statement_is_dated_and_honest_about_compliance(client, db):
    text = " ".join(client.get("/accessibility/").content.decode().split())
    assert "This statement was prepared on 26 November 2026." in text
    assert "It was last reviewed on 26 November 2026." in text
    assert "This service is partially compliant with the" in text
    assert "It has not had an independent accessibility audit." in text
    assert "axe-core" in text
    assert "320 pixels wide" in text
    assert "200% zoom" in text
    # The weekly sheet's alternative is named as it appears on each person's and buddy's page.
    assert 'use the quick log instead ("Record a session"' in text
