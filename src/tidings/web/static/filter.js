// Static export only: filter the story list as you type (the server searches with ?q= instead).
(function () {
  "use strict";
  var form = document.getElementById("filter-form");
  var input = document.getElementById("q");
  var list = document.getElementById("stories");
  if (!form || !input || !list) { return; }
  var cards = list.querySelectorAll("li[data-search]");
  var none = document.getElementById("no-match");
  function apply() {
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    for (var i = 0; i < cards.length; i++) {
      var text = cards[i].getAttribute("data-search");
      var ok = terms.every(function (t) { return text.indexOf(t) !== -1; });
      cards[i].hidden = !ok;
      if (ok) { shown++; }
    }
    if (none) { none.hidden = shown !== 0; }
  }
  var fromUrl = new URLSearchParams(window.location.search).get("q");
  if (fromUrl) { input.value = fromUrl; }
  input.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  apply();
})();
