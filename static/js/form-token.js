// The token fetch shared by the forms on cached pages (the comment form, the newsletter box).
// A cached page carries no per-reader values, so when a reader starts on a form we fetch a
// CSRF token and a signed form stamp from the form's uncached `data-token-url`, once, and again
// only after a failure. Without JavaScript the form still posts: each form's view answers a
// post without a token on an uncached page that asks again.
(function () {
  "use strict";
  // The story page includes both forms' partials, so this file may run twice.
  if (window.newsroomFormToken) return;

  // Wires `form` and returns its fetch (a promise that always settles, so a caller can wait on
  // it); `onToken(data)` runs with the endpoint's answer after the two fields are filled.
  window.newsroomFormToken = function (form, onToken) {
    var pending = null;

    function fetchToken() {
      if (pending) return pending;
      pending = fetch(form.dataset.tokenUrl, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error("token " + response.status);
          return response.json();
        })
        .then(function (data) {
          form.elements.csrfmiddlewaretoken.value = data.csrf_token;
          form.elements.stamp.value = data.stamp;
          if (onToken) onToken(data);
        })
        .catch(function () { pending = null; });
      return pending;
    }

    form.addEventListener("focusin", fetchToken);
    form.addEventListener("submit", function (event) {
      if (form.elements.stamp.value) return;
      // Submitted before the token arrived: wait for it, then send. If it never comes, the
      // plain POST still gets the reader the uncached page that asks again.
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      button.disabled = true;
      Promise.resolve(fetchToken()).then(function () {
        button.disabled = false;
        HTMLFormElement.prototype.submit.call(form);
      });
    });
    return fetchToken;
  };
})();
