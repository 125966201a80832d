// Character counters for text areas with a limit (issue 20). Progressive enhancement:
// without this file the browser's maxlength holds the text to the limit, the field shows
// «Høyst N tegn», and the server refuses anything longer with a message next to the field.
// With it, the maxlength is lifted (so pasted text is never cut off silently) and a
// Designsystemet counter says how many characters are left, or how many are too many.
(function () {
  function count(text) {
    // As the server counts: the browser sends line breaks as CRLF, and a character is a
    // code point (an emoji is one, not two).
    return Array.from(text.replace(/\r\n|\r|\n/g, "\r\n")).length;
  }

  function counterFor(area) {
    var id = area.id + "_teller";
    var counter = document.getElementById(id);
    if (!counter) {
      counter = document.createElement("p");
      counter.id = id;
      counter.className = "ds-validation-message";
      counter.setAttribute("data-field", "counter");
      counter.setAttribute("data-size", "sm");
      area.insertAdjacentElement("afterend", counter);
    }
    var live = document.getElementById(id + "_melding");
    if (!live) {
      live = document.createElement("span");
      live.id = id + "_melding";
      live.className = "ds-sr-only";
      live.setAttribute("aria-live", "polite");
      counter.insertAdjacentElement("afterend", live);
    }
    var described = (area.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(id) < 0) {
      described.push(id);
      area.setAttribute("aria-describedby", described.join(" "));
    }
    return { counter: counter, live: live };
  }

  function words() {
    var meta = document.querySelector("meta[name='bti-teller']");
    return {
      under: (meta && meta.getAttribute("data-under")) || "%d",
      over: (meta && meta.getAttribute("data-over")) || "-%d"
    };
  }

  function update(area, parts, announce) {
    var limit = parseInt(area.getAttribute("data-maxlength"), 10);
    var left = limit - count(area.value);
    var over = left < 0;
    var text = words();
    parts.counter.textContent = (over ? text.over : text.under).replace("%d", String(Math.abs(left)));
    parts.counter.setAttribute("data-state", over ? "over" : "under");
    parts.counter.setAttribute("data-color", over ? "danger" : "neutral");
    if (over) { area.setAttribute("aria-invalid", "true"); }
    else if (!area.closest(".ds-field") || !area.closest(".ds-field").querySelector("[id$='_feil']")) {
      area.removeAttribute("aria-invalid");
    }
    if (announce) { parts.live.textContent = parts.counter.textContent; }
  }

  function setup(root) {
    root.querySelectorAll("textarea[maxlength]").forEach(function (area) {
      if (!area.id) { return; }
      area.setAttribute("data-maxlength", area.getAttribute("maxlength"));
      area.removeAttribute("maxlength");
      var parts = counterFor(area);
      var timer = null;
      update(area, parts, false);
      area.addEventListener("input", function () {
        update(area, parts, false);
        // Screen readers hear the count once the typing pauses, not at every key.
        clearTimeout(timer);
        timer = setTimeout(function () { update(area, parts, true); }, 1000);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setup(event.detail.target); });
})();
