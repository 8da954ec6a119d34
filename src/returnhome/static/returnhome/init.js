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
// scrolls sideways instead.
for (const table of document.querySelectorAll("main table.govuk-table")) {
  if (table.closest(".moj-scrollable-pane")) continue;
  const pane = document.createElement("div");
  pane.className = "moj-scrollable-pane";
  pane.tabIndex = 0;
  pane.setAttribute("role", "region");
  const caption = table.querySelector("caption");
  pane.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
  table.parentNode.insertBefore(pane, table);
  pane.appendChild(table);
}
