// The newsletter box on cached pages (front page, stories) and the cached newsletter page carry
// no per-reader values; form-token.js fetches a CSRF token and a signed form stamp when a reader
// starts typing, as for the comment form. Without JavaScript the post reaches the newsletter
// page, which asks again with a token.
(function () {
  "use strict";
  document.querySelectorAll("[data-newsletter-form]").forEach(function (form) {
    window.newsroomFormToken(form);
  });
})();
