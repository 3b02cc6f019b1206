// GOV.UK error summary: when a form comes back with errors, focus moves to the summary so that a
// screen reader reads it first; a link in it moves focus to the field it names. Without
// JavaScript the summary's autofocus attribute does the first part.
(function () {
  "use strict";

  function focusSummary() {
    var summary = document.querySelector(".govuk-error-summary[autofocus]");
    if (!summary) return;
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
  }

  function focusField(event) {
    var link = event.target.closest(".govuk-error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var group = field.closest(".govuk-form-group") || field;
    group.scrollIntoView();
    field.focus({ preventScroll: true });
  }

  document.addEventListener("click", focusField);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
