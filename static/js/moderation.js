// Keyboard shortcuts for the moderation queue; every action is also a plain POST button.
// j/k: next/previous comment, a: approve, r: reject (with the chosen reason), s: spam,
// x: select for a bulk action.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (!items.length) return;
  var current = 0;

  function select(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) {
      item.setAttribute("aria-current", i === current ? "true" : "false");
    });
    items[current].focus({ preventScroll: false });
  }

  function press(key) {
    var button = items[current].querySelector('button[data-key="' + key + '"]');
    if (button) button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current - 1); break;
      case "a": press("a"); break;
      case "r": press("r"); break;
      case "s": press("s"); break;
      case "x":
        var box = items[current].querySelector('input[type="checkbox"]');
        if (box) box.checked = !box.checked;
        break;
      default: return;
    }
    event.preventDefault();
  });
  select(0);
})();
