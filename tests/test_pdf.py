"""The PDF helper: tagged A4 PDFs with the running header, page numbers and protective marking."""

import logging
import re
import shutil
import socket
import subprocess
import zlib
from pathlib import Path

import pytest
from django.template import engines

from common.pdf import StaticFilesFetcher, pdf_response, render_pdf

RUNNING_HEADER = "HMP Northgate · 1 April 2025 to 31 March 2026"

# Two pages: the second section is forced on to a new page.
TWO_PAGES = engines["django"].from_string(
    """{% extends "pdf/base.html" %}
    {% block content %}
      <h2 class="govuk-heading-m">Sessions</h2>
      <table class="govuk-table">
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col" class="govuk-table__header--numeric">Sessions</th>
          </tr>
        </thead>
        <tbody>
          <tr><td>April 2025</td><td class="govuk-table__cell--numeric">{{ sessions }}</td></tr>
        </tbody>
      </table>
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Status</dt>
          <dd class="govuk-summary-list__value">
            <strong class="govuk-tag govuk-tag--green">Active</strong>
          </dd>
        </div>
      </dl>
      <h2 class="govuk-heading-m pdf-page-break">Notes</h2>
      <p class="govuk-body">Second page.</p>
    {% endblock %}"""
)

WITH_REMOTE_IMAGE = engines["django"].from_string(
    """{% extends "pdf/base.html" %}
    {% block content %}<img src="http://example.invalid/x.png" alt="Remote picture">{% endblock %}"""
)


def poppler(tool: str, pdf: bytes, tmp_path: Path, *options: str) -> str:
    """Run one of poppler's command-line tools over the PDF and return what it prints."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    executable = shutil.which(tool)
    assert executable, f"{tool} is missing: install poppler-utils"
    # Fixed arguments and a file of our own making: nothing untrusted reaches the command.
    result = subprocess.run(  # noqa: S603
        [executable, *options, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    return poppler("pdftotext", pdf, tmp_path, "-layout")


def pdf_info(pdf: bytes, tmp_path: Path) -> str:
    return poppler("pdfinfo", pdf, tmp_path)


def catalogue_language(pdf: bytes) -> bytes | None:
    """The document language from the PDF catalogue, which WeasyPrint writes in a compressed stream."""
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[match.end() :])
        except zlib.error:
            continue
        if language := re.search(rb"/Lang\s*\(([^)]*)\)", data):
            return language[1]
    return None


def render_two_pages(*, sensitive: bool = True) -> bytes:
    return render_pdf(
        template=TWO_PAGES,
        # A stale "sensitive" in the context must not override the argument.
        context={"running_header": RUNNING_HEADER, "sensitive": not sensitive, "sessions": 42},
        title="Monitoring summary",
        subject="Buddy scheme activity",
        sensitive=sensitive,
    )


def test_pdf_has_title_header_page_numbers_and_marking(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = render_two_pages()

    assert pdf.startswith(b"%PDF")
    # WeasyPrint logs rather than warns about CSS it cannot use or files it cannot load.
    assert caplog.records == []
    text = pdf_text(pdf, tmp_path)
    assert "Monitoring summary" in text
    assert text.count(RUNNING_HEADER) == 2
    assert text.count("OFFICIAL-SENSITIVE") == 4
    assert "Page 1 of 2" in text
    assert "Page 2 of 2" in text
    assert "Active" in text
    assert "42" in text


def test_pdf_is_tagged_a4_with_metadata(tmp_path):
    info = pdf_info(render_two_pages(), tmp_path)

    assert "Tagged:          yes" in info
    assert "Title:           Monitoring summary" in info
    assert "Subject:         Buddy scheme activity" in info
    assert "Pages:           2" in info
    assert "(A4)" in info


def test_pdf_language_is_british_english():
    assert catalogue_language(render_two_pages()) == b"en-GB"


def test_marking_absent_when_not_sensitive(tmp_path):
    text = pdf_text(render_two_pages(sensitive=False), tmp_path)

    assert "OFFICIAL-SENSITIVE" not in text
    assert RUNNING_HEADER in text
    assert "Page 2 of 2" in text


def test_render_by_template_name(tmp_path):
    pdf = render_pdf(
        template_name="pdf/base.html",
        context={"running_header": RUNNING_HEADER},
        title="Handover summary",
    )

    text = pdf_text(pdf, tmp_path)
    assert "Handover summary" in text
    assert "Page 1 of 1" in text
    assert "OFFICIAL-SENSITIVE" in text


def test_needs_exactly_one_template():
    with pytest.raises(TypeError):
        render_pdf(context={}, title="Neither")
    with pytest.raises(TypeError):
        render_pdf(template_name="pdf/base.html", template=TWO_PAGES, context={}, title="Both")


def test_remote_image_is_left_out_without_a_network_call(monkeypatch, tmp_path):
    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise OSError("network use in a PDF")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    pdf = render_pdf(
        template=WITH_REMOTE_IMAGE, context={"running_header": RUNNING_HEADER}, title="Pictures"
    )

    assert pdf.startswith(b"%PDF")
    assert "Pictures" in pdf_text(pdf, tmp_path)
    assert attempts == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.invalid/x.png",
        "https://example.invalid/static/css/pdf.css",
        "ftp://example.invalid/x.png",
        "data:text/plain,hello",
        "file:///etc/passwd",
        "file:///static/../etc/passwd",
        "file:///static/css/no-such-file.css",
        "file://example.invalid/static/css/pdf.css",
    ],
)
def test_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(OSError, match="static file"):
        StaticFilesFetcher()(url)


def test_fetcher_reads_static_files():
    response = StaticFilesFetcher()("file:///static/css/pdf.css")
    try:
        assert b"@page" in response.read()
    finally:
        response.close()


def test_pdf_response_is_an_uncached_download():
    response = pdf_response(b"%PDF-1.7 test", "handover-A1234BC.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="handover-A1234BC.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"%PDF-1.7 test"
