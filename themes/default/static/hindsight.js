// Hindsight's small page helpers. Every page works without them.
(function () {
  "use strict";

  // Opened from disk (file://), a link to a folder shows a directory listing
  // instead of the page: point relative folder links at their index.html.
  if (location.protocol === "file:") {
    document.querySelectorAll("a[href], link[rel=canonical]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.charAt(0) === "#") return;
      var parts = href.split("#");
      if (parts[0] === "" ) return;
      if (parts[0].slice(-1) === "/") {
        parts[0] += "index.html";
        a.setAttribute("href", parts.join("#"));
      }
    });
  }

  // Tables marked sortable: a button in each sortable column heading.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      // Keep definition links usable: only the heading's text sorts.
      th.appendChild(button);
      var column = th.cellIndex;
      button.addEventListener("click", function (e) {
        if (e.target.closest("a")) return;
        var descending = th.getAttribute("aria-sort") !== "descending";
        table.querySelectorAll("th[aria-sort]").forEach(function (o) { o.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = parseFloat(a.cells[column].getAttribute("data-value")) || 0;
          var y = parseFloat(b.cells[column].getAttribute("data-value")) || 0;
          return descending ? y - x : x - y;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  // Filters over a list of action items; the choice lives in the URL so it
  // can be pasted into chat.
  document.querySelectorAll("form[data-filter-for]").forEach(function (form) {
    var list = document.getElementById(form.getAttribute("data-filter-for"));
    if (!list) return;
    var output = form.querySelector("output");
    var params = new URLSearchParams(location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && params.has(el.name)) el.value = params.get(el.name);
    });
    function apply() {
      var want = {};
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name) want[el.name] = el.value; });
      var shown = 0;
      Array.prototype.forEach.call(list.children, function (li) {
        var state = li.getAttribute("data-action-state");
        var overdue = li.getAttribute("data-overdue") === "true";
        var ok = (!want.state || (want.state === "overdue" ? overdue : state === want.state)) &&
          (!want.owner || li.getAttribute("data-owner") === want.owner) &&
          (!want.severity || li.getAttribute("data-severity") === want.severity) &&
          (!want.service || (" " + li.getAttribute("data-services") + " ").indexOf(" " + want.service + " ") >= 0);
        li.hidden = !ok;
        if (ok) shown++;
      });
      if (output) output.textContent = shown + " of " + list.children.length + " shown";
      var query = new URLSearchParams();
      Object.keys(want).forEach(function (k) { if (want[k]) query.set(k, want[k]); });
      var q = query.toString();
      history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash);
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  });

  // Heading anchors and timeline times copy their link, ready to paste
  // into chat; following the link still works as before.
  var status = document.createElement("p");
  status.className = "copied";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.anchor, a.moment");
    if (!a || !navigator.clipboard || location.protocol === "file:") return;
    var url = location.href.split("#")[0] + a.getAttribute("href");
    navigator.clipboard.writeText(url).then(function () {
      status.textContent = "Link copied";
      clearTimeout(status.timer);
      status.timer = setTimeout(function () { status.textContent = ""; }, 2000);
    }, function () {});
  });
})();
