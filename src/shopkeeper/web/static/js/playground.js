// The bot playground: keep the chat scrolled to the newest message, clear the box after
// sending, save the language as soon as it is picked. The page works without this file.
(function () {
  "use strict";

  function scroller() {
    return document.getElementById("pg-scroll");
  }

  function nearBottom(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  }

  var follow = true;

  document.addEventListener("DOMContentLoaded", function () {
    var box = scroller();
    if (box) {
      box.scrollTop = box.scrollHeight;
      box.addEventListener("scroll", function () { follow = nearBottom(box); });
    }
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var box = scroller();
    if (box && event.target && event.target.id === "pg-live" && follow) {
      box.scrollTop = box.scrollHeight;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.classList || !event.detail.successful) {
      return;
    }
    if (form.classList.contains("pg-composer")) {
      form.reset();
      var input = form.querySelector("input[name=text]");
      if (input) {
        input.focus();
      }
    }
    follow = true;  // after one's own action, show what came of it
  });
})();
