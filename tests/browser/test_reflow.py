"""The main pages at 320 CSS pixels wide and at 200% zoom, with the demo data.

At either size the page itself must not scroll sideways (WCAG 2.2, 1.4.10 Reflow): only a wide
table or the weekly sheet may, inside a region of its own that the keyboard can scroll. Every
screenshot is written to var/screenshots/; with PEERCARE_KEEP_SCREENSHOTS=1 it is also written to
tests/screenshots/, where the reviewed ones are kept. A main page added to PAGES needs its
reviewed screenshots there too.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import Browser

from buddies.models import Buddy
from recipients.models import Recipient
from tests.browser.test_accessibility import signed_in_context

pytestmark = pytest.mark.django_db(transaction=True)

KEPT = Path(__file__).resolve().parent.parent / "screenshots"
TAKEN = Path(settings.BASE_DIR) / "var" / "screenshots"
# 320 CSS pixels: a small phone, or a 1,280-pixel screen at 400%. 200% zoom of a 1,280 by 800
# window lays the page out in 640 by 400 CSS pixels, each drawn with 2 by 2 screen pixels.
SIZES = {
    "320px": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1},
    "zoom200": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}


def pages() -> list[tuple[str, str | None, str]]:
    """(name, who, address) of the main pages, with records from the demo data."""
    buddy = Buddy.objects.filter(prison__code="NGT", status="active").order_by("pk").first()
    person = Recipient.objects.filter(prison__code="NGT").order_by("pk").first()
    return [
        ("sign-in", None, "/sign-in/"),
        ("home-lead", "demo_lead", "/"),
        ("prison", "demo_lead", "/prisons/NGT/"),
        ("buddy-list", "demo_lead", "/prisons/NGT/buddies/"),
        ("buddy", "demo_lead", f"/prisons/NGT/buddies/{buddy.pk}/"),
        ("person", "demo_lead", f"/prisons/NGT/people/{person.pk}/"),
        ("care-plan-form", "demo_lead", f"/prisons/NGT/people/{person.pk}/plans/new/"),
        ("week-sheet", "demo_lead", "/prisons/NGT/sessions/week/"),
        ("pay-sheet", "demo_lead", "/prisons/NGT/sessions/pay/"),
        ("monitoring", "demo_inspector", "/prisons/NGT/monitoring/"),
        ("review-queue", "demo_la", "/reviews/"),
        ("comparison", "demo_analyst", "/monitoring/compare/"),
    ]


# How far the page is wider than the window, and which elements stick out of it (those not inside
# a region that scrolls on its own).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrollsAlone = (element) => {
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (["auto", "scroll"].includes(style.overflowX) && node.scrollWidth > node.clientWidth) return true;
    }
    return false;
  };
  const outside = Array.from(document.body.querySelectorAll("*")).filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !scrollsAlone(element);
  });
  return {
    extra: document.documentElement.scrollWidth - width,
    outside: outside.slice(0, 5).map((e) => e.tagName.toLowerCase() + "." + e.className),
  };
}"""


def test_the_main_pages_reflow_at_320px_and_200_percent_zoom(
    browser: Browser, live_server, transactional_db
):
    call_command("seed_demo", stdout=StringIO())
    keep = os.environ.get("PEERCARE_KEEP_SCREENSHOTS") == "1"
    TAKEN.mkdir(parents=True, exist_ok=True)
    spilling, unreviewed = {}, []
    for name, who, address in pages():
        for size, options in SIZES.items():
            context = signed_in_context(browser, live_server, who, **options)
            tab = context.new_page()
            response = tab.goto(live_server.url + address)
            assert response.status == 200, (name, address)
            overflow = tab.evaluate(OVERFLOW)
            if overflow["extra"] > 0:
                spilling[f"{name} at {size}"] = overflow
            shot = TAKEN / f"{name}-{size}.png"
            tab.screenshot(path=shot, full_page=True)
            if keep:  # 256 colours: a third of the size, and as readable
                Image.open(shot).quantize(256).save(KEPT / shot.name, optimize=True)
            if not (KEPT / shot.name).exists():
                unreviewed.append(shot.name)
            context.close()
    assert spilling == {}, "\n".join(f"{where}: {found}" for where, found in spilling.items())
    assert unreviewed == [], "review var/screenshots/ and keep them: PEERCARE_KEEP_SCREENSHOTS=1"
