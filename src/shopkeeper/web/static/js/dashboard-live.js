// The dashboard: draw the new-subscriptions chart (when Chart.js is there) and keep the
// figures live — the stream only says they moved; the figures part is then fetched again.
// Without JavaScript, EventSource or htmx the page keeps the figures it was drawn with.
(function () {
  "use strict";

  var chart = null;

  function draw() {
    var canvas = document.getElementById("new-subs-chart");
    if (!canvas || !window.Chart) {
      return;
    }
    var data = JSON.parse(canvas.getAttribute("data-chart"));
    if (chart) {
      chart.destroy();
    }
    canvas.parentNode.setAttribute("data-drawn", "");
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels.map(function (day) { return day.slice(5); }),
        datasets: [{ label: data.label, data: data.counts, backgroundColor: "#4f46e5" }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  function refresh(figures) {
    if (!window.htmx) {
      return;
    }
    window.htmx.ajax("GET", figures.getAttribute("data-dashboard-url"), {
      target: "#dashboard-figures",
      swap: "outerHTML",
      headers: { "HX-Target": "dashboard-figures" },
    });
  }

  function follow() {
    var figures = document.getElementById("dashboard-figures");
    var badge = document.getElementById("dashboard-live");
    if (!figures || !window.EventSource) {
      return;
    }
    var first = true;
    var source = new EventSource(figures.getAttribute("data-dashboard-stream"));
    source.addEventListener("changed", function () {
      if (badge) {
        badge.setAttribute("data-live", "on");
      }
      if (first) {  // the page was drawn with these figures already
        first = false;
        return;
      }
      refresh(document.getElementById("dashboard-figures"));
    });
    source.addEventListener("error", function () {
      if (badge) {
        badge.setAttribute("data-live", "off");  // EventSource reconnects by itself
      }
    });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "dashboard-figures") {
      draw();
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    draw();
    follow();
  });
})();
