// Suggests existing tags while an editor types in the comma-separated tag box.
// Progressive enhancement: without JavaScript the box is a plain text field.
// Each suggestion is the whole value (earlier tags + the match), so the browser's own
// <datalist> does the showing and choosing, keyboard and screen readers included.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.suggestUrl;
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var parts = input.value.split(",");
        var term = parts.pop().trim();
        var done = parts.map(function (p) { return p.trim(); }).filter(Boolean);
        if (term.length < 1) { list.replaceChildren(); return; }
        fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { tags: [] }; })
          .then(function (data) {
            list.replaceChildren.apply(list, data.tags
              .filter(function (name) { return done.indexOf(name) === -1; })
              .map(function (name) {
                var option = document.createElement("option");
                option.value = done.concat([name]).join(", ");
                return option;
              }));
          })
          .catch(function () { list.replaceChildren(); });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(attach);
  });
})();
