// Shopkeeper admin: the few behaviours HTML alone does not give. Pages work without this file.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }

  // Every HTMX request carries the session's CSRF token (the server rejects a POST without it).
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });

  function showToast(message, level) {
    var area = document.getElementById("toasts");
    if (!area || !message) {
      return;
    }
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (level || "info");
    toast.textContent = message;
    area.appendChild(toast);
    window.setTimeout(function () { toast.remove(); }, 6000);
  }

  // The server sends `HX-Trigger: {"toast": {...}}`; htmx turns it into this event.
  document.addEventListener("toast", function (event) {
    var detail = event.detail || {};
    showToast(detail.message, detail.level);
  });

  document.addEventListener("htmx:sendError", function () {
    showToast(document.body.getAttribute("data-offline-message"), "error");
  });

  // Toasts rendered with the page fade away on their own.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(function (toast) {
      window.setTimeout(function () { toast.remove(); }, 6000);
    });
  });

  // Menus built on <details>: close on Escape or a click elsewhere.
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
      if (menu !== except) {
        menu.removeAttribute("open");
      }
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest ? event.target.closest("details[data-menu]") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var open = document.querySelector("details[data-menu][open]");
      closeMenus(null);
      if (open) {
        open.querySelector("summary").focus();
      }
    }
  });
})();

// A button or link with data-dialog-open="id" opens that <dialog> as a modal; without
// JavaScript (or without <dialog>) it stays a link to the confirmation page.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var opener = event.target.closest ? event.target.closest("[data-dialog-open]") : null;
    if (!opener) {
      return;
    }
    var dialog = document.getElementById(opener.getAttribute("data-dialog-open"));
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    event.preventDefault();
    dialog.showModal();
  });
})();
