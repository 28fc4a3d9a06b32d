// Tables cannot reflow: at 320 CSS pixels, or zoomed in, a table with many columns is wider than
// the screen. Each table goes inside a pane of its own that scrolls sideways, so the page itself
// does not (WCAG 2.2, 1.4.10). While a pane has something to scroll it takes keyboard focus and
// is a named region (the table's caption, else the heading before it); otherwise it is a plain
// box, so a table that fits adds no tab stop. Without JavaScript the page scrolls instead.
let named = 0;

function nameOf(table) {
  const caption = table.querySelector("caption");
  if (caption) {
    caption.id ||= `pc-table-caption-${++named}`;
    return { labelledby: caption.id };
  }
  for (let node = table.parentElement; node; node = node.parentElement) {
    let before = node.previousElementSibling;
    while (before) {
      const heading = before.matches("h1, h2, h3, h4") ? before : before.querySelector("h1, h2, h3, h4");
      if (heading) return { label: heading.textContent.trim() };
      before = before.previousElementSibling;
    }
  }
  return { label: "Table" };
}

function update(pane) {
  const scrolls = pane.scrollWidth > pane.clientWidth;
  if (scrolls === pane.hasAttribute("tabindex")) return;
  for (const attribute of ["tabindex", "role", "aria-labelledby", "aria-label"]) {
    pane.removeAttribute(attribute);
  }
  if (scrolls) {
    const name = nameOf(pane.querySelector("table"));
    pane.setAttribute("tabindex", "0");
    pane.setAttribute("role", "region");
    if (name.labelledby) pane.setAttribute("aria-labelledby", name.labelledby);
    else pane.setAttribute("aria-label", name.label);
  }
}

export function initWideTables(root = document) {
  const panes = [];
  for (const table of root.querySelectorAll("main table.govuk-table")) {
    if (table.closest(".pc-sheet, .pc-table-pane, .pc-scroll-region")) continue;
    const pane = document.createElement("div");
    pane.className = "pc-table-pane";
    table.before(pane);
    pane.append(table);
    panes.push(pane);
  }
  const updateAll = () => panes.forEach(update);
  updateAll();
  window.addEventListener("resize", updateAll);
}
