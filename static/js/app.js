// Progressive enhancement only: every page works without this file.
// No inline scripts are allowed by the Content-Security-Policy, so behaviour lives here.
document.addEventListener("htmx:afterSwap", function (event) {
  // Move focus to a swapped region that asks for it, so keyboard and screen reader users follow.
  var target = event.detail.target.querySelector("[data-focus-after-swap]") ||
    document.querySelector("[data-focus-after-swap]");
  if (target) { target.focus(); }
});

// «Ny undring»: show only the fields for the chosen way of naming the child. Without this
// file both groups are shown and the server uses the one matching the choice.
function syncIdentityGroups() {
  var chosen = document.querySelector("input[name='identity']:checked");
  if (!chosen) { return; }
  document.querySelectorAll("[data-identity]").forEach(function (group) {
    group.hidden = group.getAttribute("data-identity") !== chosen.value;
  });
}
document.addEventListener("change", function (event) {
  if (event.target && event.target.name === "identity") { syncIdentityGroups(); }
});
document.addEventListener("DOMContentLoaded", syncIdentityGroups);
