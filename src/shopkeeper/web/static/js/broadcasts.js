// Broadcast pages: the cancel button opens its confirmation as a modal dialog. Without this
// file (or without <dialog>) the button is a link to the confirmation page.
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
