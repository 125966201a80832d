// Progressive enhancement only: the pages work without this file (CSP: no inline script).
// A form that came back with errors moves focus to its error summary, so keyboard and
// screen reader users hear what to fix first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
});
