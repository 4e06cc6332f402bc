// Django's admin, made to pass WCAG 2.2 AA where it does not by itself (Django 5.2): the search icons of
// "filter_horizontal" selectors carry an aria-label, which a span may only have with a role (ARIA 1.2).
// SelectFilter2.js draws them at the window's load, before this deferred script's own listener runs.
"use strict";

window.addEventListener("load", () => {
  for (const icon of document.querySelectorAll(".selector .help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
});
