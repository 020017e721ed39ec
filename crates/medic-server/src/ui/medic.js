// medic UI: search as you type, auto-refreshing incident lists and pending incidents.
(function () {
  "use strict";
  var q = document.getElementById("q");
  var results = document.getElementById("search-page") || document.getElementById("results");
  var params = new URLSearchParams(location.search);
  if (q && location.pathname === "/search" && params.get("q")) { q.value = params.get("q"); }
  if (q && results) {
    var timer = null, seq = 0;
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = q.value.trim(), mine = ++seq;
        if (!text) { results.innerHTML = ""; return; }
        fetch("/ui/search?q=" + encodeURIComponent(text)).then(function (r) { return r.text(); }).then(function (html) {
          if (mine === seq) { results.innerHTML = html; }
        });
      }, 120);
    });
  }
  var rows = document.getElementById("incident-rows");
  if (rows) {
    setInterval(function () {
      fetch("/ui/incidents" + location.search).then(function (r) { return r.ok ? r.text() : null; }).then(function (html) {
        if (html !== null && html !== rows.innerHTML) { rows.innerHTML = html; }
      });
    }, Number(rows.dataset.refresh) || 3000);
  }
  if (document.querySelector("[data-pending]")) { setTimeout(function () { location.reload(); }, 2000); }
})();
