// Notification centre: after «Merk som lest» replaces a notification (htmx outerHTML swap),
// move focus to the new element so keyboard and screen reader users keep their place.
document.addEventListener("htmx:afterSettle", function () {
  var swapped = document.querySelector(".notification[data-focus-after-swap]");
  if (swapped) {
    swapped.removeAttribute("data-focus-after-swap");
    swapped.focus();
  }
});
