// Progressive enhancement for the comment form on the (cacheable) story page.
// The page carries no per-reader values, so when a reader starts writing form-token.js fetches
// a CSRF token and a signed form stamp from an uncached endpoint. Without JavaScript the form
// still posts: the server answers with the comment on an uncached page to confirm.
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form) return;
  // The token fetch and the wait on an early submit are static/js/form-token.js's; a signed-in
  // member of staff hides the name and e-mail fields and posts under their account.
  function showSignedIn(data) {
    if (!data.signed_in) return;
    var identity = form.querySelector("[data-identity]");
    var signedIn = form.querySelector("[data-signed-in]");
    identity.hidden = true;
    identity.querySelectorAll("input").forEach(function (input) { input.required = false; });
    signedIn.querySelector("[data-signed-in-name]").textContent = data.name;
    signedIn.hidden = false;
  }

  // Name and e-mail, kept in this browser's storage (never in a cookie or a page, so the
  // cached story page stays the same for everyone) and put back into the form next time.
  var REMEMBER_KEY = "newsroom.commenter";
  var remembered = form.querySelector("[data-remembered]");
  var forgotten = form.querySelector("[data-forgotten]");

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function recall() {
    var store = storage();
    if (!store) return;
    var saved = null;
    try { saved = JSON.parse(store.getItem(REMEMBER_KEY) || "null"); } catch (error) { saved = null; }
    if (!saved || typeof saved !== "object") return;
    if (!form.elements.name.value) form.elements.name.value = String(saved.name || "");
    if (!form.elements.email.value) form.elements.email.value = String(saved.email || "");
    remembered.hidden = false;
  }

  form.addEventListener("submit", function () {
    var store = storage();
    var identity = form.querySelector("[data-identity]");
    if (!store || identity.hidden) return; // signed-in staff post under their account
    var name = form.elements.name.value.trim();
    var email = form.elements.email.value.trim();
    if (name && email) store.setItem(REMEMBER_KEY, JSON.stringify({ name: name, email: email }));
  });

  form.querySelector("[data-forget]").addEventListener("click", function (event) {
    event.preventDefault();
    var store = storage();
    if (store) store.removeItem(REMEMBER_KEY);
    form.elements.name.value = "";
    form.elements.email.value = "";
    remembered.hidden = true;
    forgotten.hidden = false;
  });
  recall();

  window.newsroomFormToken(form, showSignedIn);
  // One click, one comment: a second click would only repeat the same nonce anyway.
  form.addEventListener("submit", function () {
    if (form.elements.stamp.value) {
      setTimeout(function () { form.querySelector("[type=submit]").disabled = true; }, 0);
    }
  });

  var replying = form.querySelector("[data-replying]");
  var respond = document.getElementById("respond");
  document.querySelectorAll("[data-reply-to]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      form.elements.parent.value = link.dataset.replyTo;
      var label = replying.querySelector("[data-reply-label]");
      if (label) label.textContent = link.dataset.replyName;
      replying.hidden = false;
      link.closest(".comment__inner").after(form);
      form.elements.body.focus();
    });
  });
  var cancel = form.querySelector("[data-cancel-reply]");
  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      form.elements.parent.value = "";
      replying.hidden = true;
      respond.appendChild(form);
    });
  }
})();
