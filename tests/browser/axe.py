"""axe-core, run in the page the browser shows: WCAG 2.2 A and AA rules.

tests/browser/vendor/axe.min.js is copied from the npm package pinned in package.json by
`make vendor`. It is evaluated through the browser's debugging protocol, which the page's content
security policy does not govern, so the service's CSP stays as strict as in production.
"""

from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}

# One finding is GOV.UK Frontend's on purpose, and is not counted: its radios and checkboxes that
# reveal a question set aria-expanded on the input, which ARIA 1.2 does not list for those roles.
# The GOV.UK Design System keeps it because screen readers announce it and research with their
# users found it helps (alphagov/govuk-frontend#979, a known issue; w3c/aria#1404 asks ARIA to
# allow it). Only that attribute, on such an input, revealing such a panel, is let through.
RUN = """async (tags) => {
  const revealsAPanel = (node) => {
    const input = document.querySelector(node.target.join(" "));
    const panel = input && document.getElementById(input.getAttribute("aria-controls") || "");
    const onlyExpanded = node.all.concat(node.any, node.none).every(
      (check) => check.id !== "aria-allowed-attr"
        || check.data.values.every((value) => /^aria-expanded="(true|false)"$/.test(value))
    );
    return onlyExpanded && input.matches(".govuk-radios__input, .govuk-checkboxes__input")
      && panel && panel.matches(".govuk-radios__conditional, .govuk-checkboxes__conditional");
  };
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations
    .map((v) => v.id === "aria-allowed-attr"
      ? {...v, nodes: v.nodes.filter((n) => !revealsAPanel(n))} : v)
    .filter((v) => v.nodes.length)
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " : " + n.failureSummary),
    }));
}"""

# Status badges (GOV.UK tags, MoJ badges) must say what they mean in words, not colour alone.
SILENT_BADGES = """() => Array.from(document.querySelectorAll(".govuk-tag, .moj-badge"))
  .filter((tag) => !tag.textContent.trim())
  .map((tag) => tag.outerHTML.slice(0, 120))"""


def violations(page: Page) -> list[dict]:
    """The serious and critical WCAG 2.2 AA violations in the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(RUN, WCAG_22_AA)
    return [violation for violation in found if violation["impact"] in BLOCKING]


def silent_badges(page: Page) -> list[str]:
    return page.evaluate(SILENT_BADGES)


def describe(problems: dict[str, list[dict]]) -> str:
    """Readable failure text: each page, then each rule broken, with up to five elements."""
    lines = []
    for where, found in problems.items():
        lines.append(where)
        for violation in found:
            lines.append(f"  {violation['impact']} {violation['id']}: {violation['help']}")
            lines.extend(f"    {target}" for target in violation["targets"])
    return "\n".join(lines)
