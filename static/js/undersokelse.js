// BTI-undersøkelsen: warn while typing when a free-text answer looks like it holds a
// fødselsnummer or a name (the server checks again and strips fødselsnumre). Focus on the
// error summary after a failed submit is app.js's (data-focus-on-load).
(function () {
  "use strict";
  var FNR = /(^|\D)\d{6}[ .-]?\d{5}(\D|$)/;
  var NAME = /(^|[^A-Za-zÆØÅæøå])[A-ZÆØÅ][a-zæøå]+[ -][A-ZÆØÅ][a-zæøå]+/;
  function check(area) {
    var warning = area.closest(".survey-text").querySelector("[data-text-warning]");
    if (!warning) { return; }
    warning.hidden = !(FNR.test(area.value) || NAME.test(area.value));
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-survey-text]").forEach(function (area) {
      area.addEventListener("input", function () { check(area); });
      check(area);
    });
  });
})();
