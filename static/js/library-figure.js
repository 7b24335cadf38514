/* The story form's media library boxes (articles/admin/media.py): "Insert into the body" puts
 * the chosen picture into the body editor as a figure with its caption and credit, and the
 * lead image box shows the picture chosen. */
(function () {
  "use strict";

  var editors = [];
  document.addEventListener("prose-editor:ready", function (event) {
    editors.push(event.detail.editor);
  });

  function figureUrl(container, id) {
    return container.getAttribute("data-figure-url").replace(/\/0\/figure\/$/, "/" + id + "/figure/");
  }

  function fetchFigure(container, id) {
    return fetch(figureUrl(container, id), { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function init() {
    document.querySelectorAll(".library-figure").forEach(function (container) {
      var select = container.querySelector("select");
      var button = container.querySelector(".library-figure__insert");
      var status = container.querySelector(".library-figure__status");
      button.addEventListener("click", function () {
        var editor = editors[0];
        if (!select.value) {
          status.textContent = "Choose a picture first.";
          return;
        }
        if (!editor) {
          status.textContent = "The body editor is not ready yet; try again in a moment.";
          return;
        }
        fetchFigure(container, select.value).then(function (figure) {
          editor.chain().focus().insertContent(figure.html).run();
          status.textContent = "Inserted: “" + figure.alt_text + "”.";
        }).catch(function () {
          status.textContent = "The picture could not be fetched: check the connection and try again.";
        });
      });
    });

    document.querySelectorAll(".library-choice").forEach(function (container) {
      var select = container.parentNode.querySelector("select[name=lead_image]");
      if (!select) return;
      var update = function () {
        if (!select.value) { container.textContent = ""; return; }
        fetchFigure(container, select.value).then(function (figure) {
          container.innerHTML = figure.thumbnail; // built by format_html on the server
        }).catch(function () { /* the thumbnail is only a help */ });
      };
      select.addEventListener("change", update);
      if (window.django && window.django.jQuery) window.django.jQuery(select).on("change", update);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
