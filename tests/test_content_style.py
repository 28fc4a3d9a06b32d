"""GOV.UK content style in every template: British spelling, and headings, page titles, buttons,
legends, captions and column headings in sentence case.

Only what a reader sees is checked: the text between tags and the words of aria-label, with
template tags taken out. Each piece of text between template tags counts as a start, since a
heading is often made of alternatives ({% if %}Imported{% else %}Checked, not saved{% endif %}).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for path in ROOT.rglob("*.html")
    if not {".venv", "node_modules", "tests", "var", "staticfiles"}
    & set(path.relative_to(ROOT).parts)
)
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
# Words GOV.UK spells the British way, with the American spelling a reader must not see.
AMERICAN = re.compile(
    r"\b(colors?|organiz\w*|authoriz\w*|recogniz\w*|prioritiz\w*|summariz\w*|finaliz\w*|"
    r"realiz\w*|customiz\w*|minimiz\w*|maximiz\w*|categoriz\w*|emphasiz\w*|analyz\w*|"
    r"centers?|centered|behaviors?|favorites?|canceled|canceling|labeled|labeling|modeling|"
    r"enroll\w*|fulfill|fulfilled|defense|catalog|gray|judgment|acknowledgment|programs?)\b",
    re.IGNORECASE,
)
# Names and abbreviations that keep their capitals inside a sentence.
PROPER = {
    "PeerCare",
    "HMP",
    "YOI",
    "PSI",
    "API",
    "CSV",
    "PDF",
    "XLSX",
    "JSON",
    "YAML",
    "OpenAPI",
    "GOV.UK",
    "WCAG",
    "AA",
    "ID",
    "I",
    "OFFICIAL-SENSITIVE",
}
HEADING = re.compile(r"<(h[1-6]|title|button|legend|caption|th)\b[^>]*>(.*?)</\1>", re.S)


def seen_text(html: str) -> str:
    """Text and aria-labels, template tags and markup replaced by a marker that starts a piece.
    Code samples (an HTTP header's name) and style sheets are not prose."""
    html = re.sub(r"<(code|style|script)\b.*?</\1>", " ", html, flags=re.S)
    labels = " | ".join(re.findall(r'aria-label="([^"{]*)"', html))
    text = re.sub(r"<[^>]+>", " ", TEMPLATE_TAG.sub(" | ", html))
    return text + " | " + labels


def capitals_inside(text: str) -> list[str]:
    """Words after the first of each piece or sentence that start with a capital letter."""
    found = []
    for piece in re.split(r"\||[.:?!]\s|\u2013|\(", TEMPLATE_TAG.sub("|", text)):
        words = re.sub(r"<[^>]+>", " ", piece).split()
        for word in words[1:]:
            bare = word.strip(".,;:()'\"")
            if bare[:1].isupper() and bare not in PROPER and not bare.isupper():
                found.append(bare)
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_templates_use_british_spelling(path):
    text = seen_text(path.read_text())
    assert AMERICAN.findall(text) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_headings_titles_and_buttons_are_in_sentence_case(path):
    html = path.read_text()
    found = [word for _tag, inner in HEADING.findall(html) for word in capitals_inside(inner)]
    assert found == []


def test_the_checks_catch_what_they_look_for():
    assert AMERICAN.findall(seen_text("<p>Pick a color for the center</p>")) == ["color", "center"]
    assert AMERICAN.findall(seen_text('<a href="/colour" aria-label="Favorite">x</a>')) == [
        "Favorite"
    ]
    assert capitals_inside("Care Plans To Review") == ["Plans", "To", "Review"]
    assert capitals_inside("{% if a %}Imported{% else %}Checked, not saved{% endif %}") == []
    assert capitals_inside("1. Get an authenticator app for PeerCare (PSI 17/2015)") == []
