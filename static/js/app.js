// Progressive enhancement only: every page works without this file.
// No inline scripts are allowed by the Content-Security-Policy, so behaviour lives here.
document.addEventListener("htmx:afterSwap", function (event) {
  // Move focus to a swapped region that asks for it, so keyboard and screen reader users follow.
  // An error summary first; the marker is taken off once used, so a later swap (a panel
  // loading by itself) never pulls focus back to it.
  var target = event.detail.target.querySelector(".error-summary[data-focus-after-swap]") ||
    event.detail.target.querySelector("[data-focus-after-swap]") ||
    document.querySelector(".error-summary[data-focus-after-swap]") ||
    document.querySelector("[data-focus-after-swap]");
  if (target) {
    target.removeAttribute("data-focus-after-swap");
    target.focus();
  }
});

// A page's first focus: its error summary after a failed submit, else the element that asks
// for it (the case page's h1), so the first Tab goes to what comes right after it.
document.addEventListener("DOMContentLoaded", function () {
  var first = document.querySelector(".error-summary[data-focus-on-load]") ||
    document.querySelector("[data-focus-on-load]");
  if (first) { first.focus(); }
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

// The main menu on a phone: collapsed behind «Meny» (the CSS shows the button below 600 px
// only once this has run, so without the script the menu is simply open).
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".site-menu-toggle");
  var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!nav) { return; }
  document.documentElement.classList.add("has-menu-toggle");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-open", open);
    if (open) { var first = nav.querySelector("a"); if (first) { first.focus(); } }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("is-open")) {
      toggle.setAttribute("aria-expanded", "false");
      nav.classList.remove("is-open");
      toggle.focus();
    }
  });
});
