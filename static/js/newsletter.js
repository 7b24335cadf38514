// The newsletter box on cached pages (front page, stories) carries no per-reader values; when
// a reader starts typing, fetch a CSRF token and a signed form stamp from an uncached
// endpoint, as comments.js does for the comment form. Without JavaScript the post reaches the
// newsletter page, which asks again with a token.
(function () {
  "use strict";
  document.querySelectorAll("[data-newsletter-form]").forEach(function (form) {
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
        })
        .catch(function () { pending = null; });
      return pending;
    }
    form.addEventListener("focusin", fetchToken);
    form.addEventListener("submit", function (event) {
      if (form.elements.csrfmiddlewaretoken.value) return;
      event.preventDefault();
      fetchToken().then(function () { form.submit(); }, function () { form.submit(); });
    });
  });
})();
