// The premium panel's live figures: follow its server-sent events and update the numbers.
// Without this file (or without EventSource) the panel keeps the figures it was drawn with.
(function () {
  "use strict";

  function setText(panel, name, value) {
    var node = panel.querySelector('[data-figure="' + name + '"]');
    if (node) {
      node.textContent = String(value);
    }
  }

  function percent(rate) {
    return rate === null ? "—" : (rate * 100).toFixed(1) + " %";
  }

  function tiers(panel, list) {
    var holder = panel.querySelector('[data-figure-list="tiers"]');
    if (!holder) {
      return;
    }
    holder.textContent = "";
    list.forEach(function (tier) {
      var item = document.createElement("li");
      item.className = "badge";
      item.textContent = tier.tier + ": " + tier.active;
      holder.appendChild(item);
    });
    if (!list.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = panel.getAttribute("data-none") || "";
      holder.appendChild(none);
    }
  }

  function show(panel, figures) {
    setText(panel, "active_total", figures.active_total);
    setText(panel, "new_today", figures.new_today);
    setText(panel, "churn", percent(figures.churn.rate));
    setText(panel, "churn_ended", figures.churn.ended);
    setText(panel, "churn_start", figures.churn.active_at_start);
    var money = figures.revenue.map(function (r) { return r.formatted; }).join(", ");
    setText(panel, "revenue", money || "—");
    tiers(panel, figures.active_by_tier);
  }

  function follow(panel) {
    if (panel.hasAttribute("data-following") || !window.EventSource) {
      return;
    }
    panel.setAttribute("data-following", "");
    var source = new EventSource(panel.getAttribute("data-premium-stream"));
    source.addEventListener("figures", function (event) {
      show(panel, JSON.parse(event.data));
      panel.setAttribute("data-live", "on");
    });
    source.addEventListener("error", function () {
      panel.setAttribute("data-live", "off");  // EventSource reconnects by itself
    });
  }

  function scan() {
    document.querySelectorAll("[data-premium-stream]").forEach(follow);
  }

  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:load", scan);
  scan();
})();
