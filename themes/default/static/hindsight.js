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

  // Long overviews that push the content below the fold on a phone start
  // closed there; their summary opens them.
  if (window.matchMedia("(max-width: 40rem)").matches) {
    document.querySelectorAll("details[data-close-narrow]").forEach(function (d) { d.open = false; });
  }

  // Tables marked sortable: a button in each sortable column heading.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      var link = th.querySelector("a");
      if (link) {
        // A link cannot sit inside a button: a heading that links to its
        // definition keeps the link, and a small button beside it sorts.
        button.className = "sort-only";
        button.setAttribute("aria-label", "Sort by " + th.textContent.trim());
      } else {
        while (th.firstChild) button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      var column = th.cellIndex;
      button.addEventListener("click", function () {
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
    // An item's owner, from its `@name`.
    function owner(li) {
      var o = li.querySelector(".action-owner");
      return o ? o.textContent.replace(/^@/, "") : "";
    }
    function apply() {
      var want = {};
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name) want[el.name] = el.value; });
      // Items are grouped by report: the group has the report's severity
      // and services, each item its state and owner.
      var shown = 0;
      var rows = list.querySelectorAll(".action-group > ul > li");
      Array.prototype.forEach.call(rows, function (li) {
        var group = li.closest(".action-group");
        var state = li.getAttribute("data-action-state");
        var overdue = li.getAttribute("data-overdue") === "true";
        var ok = (!want.state || (want.state === "overdue" ? overdue : state === want.state)) &&
          (!want.owner || owner(li) === want.owner) &&
          (!want.severity || group.getAttribute("data-severity") === want.severity) &&
          (!want.service || (" " + group.getAttribute("data-services") + " ").indexOf(" " + want.service + " ") >= 0);
        li.hidden = !ok;
        if (ok) shown++;
      });
      Array.prototype.forEach.call(list.querySelectorAll(".action-group"), function (group) {
        group.hidden = !group.querySelector(":scope > ul > li:not([hidden])");
      });
      if (output) output.textContent = shown + " of " + rows.length + " shown";
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

  // A region that scrolls sideways (a long line of code, a wide table or
  // chart on a phone) takes keyboard focus, so arrow keys can scroll it;
  // one that fits stays out of the tab order.
  var scrollers = document.querySelectorAll("pre, .table-scroll, .prose table, .chart-figure, .timeline-figure");
  function focusScrollers() {
    Array.prototype.forEach.call(scrollers, function (el) {
      var wide = el.scrollWidth > el.clientWidth;
      if (wide && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
      if (!wide && el.getAttribute("tabindex") === "0") el.removeAttribute("tabindex");
    });
  }
  focusScrollers();
  window.addEventListener("resize", focusScrollers);

  // A timeline's dots are one path, with the rows they stand for and
  // their times beside it: each gets a link to its row, over the dot, and
  // a tooltip of its time and the row's text, so that the page holds each
  // row once, in the table.
  var SVG = "http://www.w3.org/2000/svg";
  Array.prototype.forEach.call(document.querySelectorAll("svg.chart-timeline .events"), function (g) {
    var path = g.querySelector("path");
    var rows = (g.getAttribute("data-rows") || "").split(" ");
    var times = (g.getAttribute("data-times") || "").split(" ");
    var at = /M([-\d.]+) ([-\d.]+)h0/g, m, i = 0;
    while (path && (m = at.exec(path.getAttribute("d"))) && i < rows.length) {
      // A table row's cells after its time, or a list item's text.
      var cell = document.getElementById(rows[i]);
      var row = cell && cell.closest("tr");
      var text = row ? Array.prototype.slice.call(row.cells, 1)
        .map(function (c) { return c.textContent.trim(); }).filter(Boolean).join(" — ")
        : cell ? cell.textContent.trim() : "";
      if (text.length > 80) text = text.slice(0, 80).replace(/\s+\S*$/, "") + "…";
      var a = document.createElementNS(SVG, "a");
      a.setAttribute("href", "#" + rows[i]);
      a.setAttribute("tabindex", "-1");
      var dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("cx", m[1]);
      dot.setAttribute("cy", m[2]);
      dot.setAttribute("r", "4.5");
      var title = document.createElementNS(SVG, "title");
      title.textContent = (times[i] || "") + (text ? " — " + text : "");
      dot.appendChild(title);
      a.appendChild(dot);
      g.appendChild(a);
      i++;
    }
  });

  // Heading anchors and timeline times copy their link, ready to paste
  // into chat; following the link still works as before.
  var status = document.createElement("p");
  status.className = "copied";
  status.setAttribute("role", "status");
  document.body.appendChild(status);
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(".prose :is(a.anchor, a.self, td[id] > a:first-child)");
    if (!a || !navigator.clipboard || location.protocol === "file:") return;
    var url = location.href.split("#")[0] + a.getAttribute("href");
    navigator.clipboard.writeText(url).then(function () {
      status.textContent = "Link copied";
      clearTimeout(status.timer);
      status.timer = setTimeout(function () { status.textContent = ""; }, 2000);
    }, function () {});
  });
})();
