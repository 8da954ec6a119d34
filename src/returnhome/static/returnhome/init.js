// Progressive enhancement: GOV.UK Frontend components. Loaded as a module, no inline script (strict CSP).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// Print buttons (e.g. the weekly meeting pack) without inline handlers.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.addEventListener("click", () => window.print());
}
