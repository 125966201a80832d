// Progressive enhancement only: every page works without this file.
// No inline scripts are allowed by the Content-Security-Policy, so behaviour lives here.
document.addEventListener("htmx:afterSwap", function (event) {
  // Move focus to a swapped region that asks for it, so keyboard and screen reader users follow.
  var target = event.detail.target.querySelector("[data-focus-after-swap]");
  if (target) { target.focus(); }
});
