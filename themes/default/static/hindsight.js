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
})();
