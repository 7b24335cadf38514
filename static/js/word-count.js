/* The story form's live length: words and reading time as the editor types.
 *
 * Counted the way the server counts when it saves (Article._derive): the words of the body
 * with its tags removed, plus the standfirst's, and the reading time is the word count over
 * the newsroom's words per minute, rounded up, at least one: the "N min read" readers see.
 * Progressive enhancement: without JavaScript the box shows the length at the last save.
 */
(function () {
  "use strict";
  var WORD = /[\p{L}\p{N}_]+/gu;

  function words(text) {
    var found = (text || "").match(WORD);
    return found ? found.length : 0;
  }

  function bodyHtml(textarea) {
    var container = textarea.closest(".form-row") || document;
    var editor = container.querySelector(".ProseMirror[contenteditable]");
    return editor ? editor.innerHTML : textarea.value;
  }

  function stripTags(html) {
    return html.replace(/<br class="ProseMirror-trailingBreak">/g, "").replace(/<[^>]*>/g, "");
  }

  function start() {
    var output = document.getElementById("story-length");
    var body = document.getElementById("id_body");
    var standfirst = document.getElementById("id_standfirst");
    if (!output || !body) return;
    var perMinute = parseInt(output.dataset.wordsPerMinute, 10) || 230;
    var pending = null;

    function update() {
      pending = null;
      var count = words(stripTags(bodyHtml(body))) + words(standfirst ? standfirst.value : "");
      var minutes = Math.max(1, Math.ceil(count / perMinute));
      output.textContent =
        count + (count === 1 ? " word" : " words") + " · " + minutes + " min read";
      output.dataset.words = String(count);
    }

    function soon() {
      if (pending === null) pending = window.setTimeout(update, 150);
    }

    document.addEventListener("input", soon, true);
    document.addEventListener("keyup", soon, true);
    document.addEventListener("paste", soon, true);
    // The editor draws itself after this script runs; count once it is there.
    window.setTimeout(update, 300);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
