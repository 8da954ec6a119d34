// Progressive enhancement: GOV.UK Frontend components. Loaded as a module, no inline script (strict CSP).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// Print buttons (e.g. the weekly meeting pack) without inline handlers.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.addEventListener("click", () => window.print());
}

// Tables usable on a phone: each table not already in one goes in a pane that scrolls sideways
// (MOJ's scrollable pane), a named region a keyboard can reach. Without JavaScript the page itself
// scrolls sideways instead. Each region's name is its table's caption, or else the heading above
// it, told apart by a number when two share one (a screen reader lists regions by name).
const regionNames = new Set();
function regionName(element, fallback, prefix = "") {
  const caption = element.querySelector("caption");
  let name = caption ? caption.textContent.trim() : "";
  if (!name) {
    const headings = [...document.querySelectorAll("main h1, main h2, main h3, main h4")].filter(
      (h) => h.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    name = headings.length ? headings[headings.length - 1].textContent.trim() : fallback;
  }
  name = prefix + name;
  let unique = name;
  for (let n = 2; regionNames.has(unique); n++) unique = `${name} (${n})`;
  regionNames.add(unique);
  return unique;
}
for (const table of document.querySelectorAll("main table.govuk-table")) {
  if (table.closest(".moj-scrollable-pane")) continue;
  const pane = document.createElement("div");
  pane.className = "moj-scrollable-pane";
  pane.tabIndex = 0;
  pane.setAttribute("role", "region");
  pane.setAttribute("aria-label", regionName(table, "Table"));
  table.parentNode.insertBefore(pane, table);
  pane.appendChild(table);
}
// A chart wider than the screen scrolls sideways (reports.css): a keyboard must reach it too.
for (const figure of document.querySelectorAll("main .app-figure")) {
  if (figure.scrollWidth <= figure.clientWidth) continue;
  figure.tabIndex = 0;
  figure.setAttribute("role", "region");
  figure.setAttribute("aria-label", regionName(figure, "Chart", "Chart: "));
}
