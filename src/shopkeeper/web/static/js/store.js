// Shopkeeper storefront: what HTML alone does not give. Every page works without this file.
(function () {
  "use strict";

  // HTMX requests carry the session's CSRF token, as the forms do in a hidden field.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
    }
  });

  // A failed poll (offline for a moment) is retried by the next one; say so quietly.
  document.addEventListener("htmx:sendError", function () {
    var note = document.getElementById("offline-note");
    if (note) {
      note.hidden = false;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var note = document.getElementById("offline-note");
    if (note && event.detail.successful) {
      note.hidden = true;
    }
  });
})();
