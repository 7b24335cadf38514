// The moderation queue's keyboard and claims; every action is also a plain POST button.
// j/k: next/previous comment, a: approve, r: reject (with the chosen reason), s: spam,
// x: select for a bulk action. The selected comment is claimed, so other moderators see
// "being reviewed by" on it; the server refuses a decision on a comment someone else holds.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (!items.length) return;
  var desk = document.querySelector("[data-claim-url]");
  var current = 0;

  function claim(item) {
    if (!desk) return;
    var token = item.querySelector("input[name=csrfmiddlewaretoken]");
    var url = desk.dataset.claimUrl.replace("/0/", "/" + item.dataset.comment + "/");
    var body = new FormData();
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var taken = item.querySelector("[data-taken]");
        taken.querySelector("[data-taken-by]").textContent = data.reviewer;
        taken.hidden = !data.reviewer;
        item.classList.toggle("queue-item--taken", Boolean(data.reviewer));
        item.dataset.claimed = data.yours ? "yours" : "taken";
      })
      .catch(function () {});
  }

  function select(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) {
      item.setAttribute("aria-current", i === current ? "true" : "false");
    });
    items[current].focus({ preventScroll: false });
    claim(items[current]);
  }

  function press(key) {
    var button = items[current].querySelector('button[data-key="' + key + '"]');
    if (button) button.click();
  }

  items.forEach(function (item, i) {
    item.addEventListener("click", function (event) {
      if (i !== current && !event.target.closest("a, button, input, select")) select(i);
    });
  });

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
