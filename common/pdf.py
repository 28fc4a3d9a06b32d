"""The one place PDFs are made: a Django template rendered to a tagged, A4 PDF by WeasyPrint.

Handover and monitoring summaries call `render_pdf` with the template of the page they mirror and
send the bytes with `pdf_response`. Templates extend `pdf/base.html`, which puts the running header,
page numbers and (for personal data) the OFFICIAL-SENSITIVE marking on every page.
"""

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.template.backends.django import Template
from django.template.loader import render_to_string
from django.utils._os import safe_join
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from common.downloads import attachment

# `{% static %}` gives paths such as /static/css/pdf.css; read against this base they become
# file:///static/css/pdf.css, which the fetcher below maps back to the real file.
_STATIC_PATH = urlsplit(settings.STATIC_URL).path or "/static/"
BASE_URL = f"file://{_STATIC_PATH}"


class StaticFilesFetcher(URLFetcher):
    """Lets WeasyPrint read the project's static files and nothing else.

    A PDF must never reach out over the network (it would leak what is being printed and hang on
    a slow host) or read arbitrary local files, so every URL other than a file under STATIC_URL
    is refused. WeasyPrint then leaves that resource out and carries on rendering.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise URLFetchingError(f"PDFs may only use local static files, not {url}")
        path = static_file_path(unquote(parts.path))
        if path is None:
            raise URLFetchingError(f"No static file at {url}")
        return super().fetch(path.as_uri(), headers)


def static_file_path(url_path: str) -> Path | None:
    """The file behind a static URL path such as /static/css/pdf.css, or None if there is none."""
    if not url_path.startswith(_STATIC_PATH):
        return None
    name = posixpath.normpath(url_path.removeprefix(_STATIC_PATH))
    if name in (".", "..") or name.startswith(("../", "/")):
        return None
    # The finders serve the source files in development and tests; after collectstatic the
    # manifest storage hands out hashed names that only exist in STATIC_ROOT.
    found = finders.find(name)
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        try:
            collected = Path(safe_join(settings.STATIC_ROOT, name))
        except SuspiciousFileOperation:
            return None
        if collected.is_file():
            return collected
    return None


def render_pdf(
    *,
    template_name: str | None = None,
    template: Template | None = None,
    context: dict,
    title: str,
    subject: str = "",
    sensitive: bool = True,
    request: HttpRequest | None = None,
) -> bytes:
    """Render a template (usually one extending pdf/base.html) to the bytes of an A4 PDF.

    Give either `template_name` or a `template` from the Django engine (`get_template` or
    `engines["django"].from_string`). `title` becomes the HTML
    title and the PDF's Title; `subject` its Subject. `sensitive` adds the OFFICIAL-SENSITIVE
    marking at the top and bottom of every page: leave it on wherever personal data appears.
    The context should carry `running_header` (prison and period) for the top of each page.
    The PDF is tagged (PDF/UA-1) so screen reader users get headings, tables and language.
    """
    if (template_name is None) == (template is None):
        raise TypeError("Give exactly one of template_name and template")
    # The keyword arguments win over the context so the title and marking cannot drift apart
    # from what the caller asked for.
    full_context = {**context, "title": title, "subject": subject, "sensitive": sensitive}
    if template is not None:
        html = template.render(full_context, request)
    else:
        html = render_to_string(template_name, full_context, request=request)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """Send PDF bytes as a download that browsers and proxies must not keep a copy of."""
    return attachment(pdf, filename, "application/pdf")
