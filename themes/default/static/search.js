// Hindsight's search: a box in the header of every page (press "/") that
// lists the best matches as you type, and the search page, with filters
// that live in the URL. The index is a set of small scripts under search/
// (see src/search.rs), added to the page only when someone searches; being
// scripts rather than fetched files, they load from disk (file://) too.
(function () {
  "use strict";

  var root = document.body.getAttribute("data-root") || "";
  var fromDisk = location.protocol === "file:";
  var PAGE = 20;
  var POPUP = 6;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;

  // Lower case as the index has it: a final sigma as σ, for toLowerCase
  // gives ς at the end of a word and the index lowers a character at a
  // time.
  function lower(text) {
    return text.toLowerCase().replace(/ς/g, "σ");
  }

  // ---- The index -----------------------------------------------------

  var store = { docs: null, shard: {}, text: {} };
  var loading = {};

  window.hindsightSearch = function (kind, key, data) {
    if (kind === "docs") store.docs = data;
    else if (kind === "shard" || kind === "text") store[kind][key] = data;
  };

  function script(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve) {
        var s = document.createElement("script");
        s.src = root + "search/" + path;
        s.async = true;
        s.onload = function () { resolve(true); };
        s.onerror = function () { resolve(false); };
        document.head.appendChild(s);
      });
    }
    return loading[path];
  }

  var docsReady = null;
  function loadDocs() {
    if (!docsReady) {
      docsReady = script("docs.js").then(function () {
        var d = store.docs;
        if (!d) throw new Error("the search index did not load");
        d.stop = new Set(d.stop_words);
        d.shardSet = new Set(d.shards);
        d.years = [];
        var seen = {};
        d.docs.forEach(function (doc) {
          var y = doc[2].slice(0, 4);
          if (!seen[y]) { seen[y] = true; d.years.push(y); }
        });
        d.years.sort().reverse();
        d.groups = groupsOf(d);
        return d;
      });
    }
    return docsReady;
  }

  function prefixOf(word) {
    return Array.from(word).slice(0, 2).join("");
  }

  function hex(text) {
    return Array.from(new TextEncoder().encode(text), function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  function loadShard(prefix) {
    if (store.shard[prefix] || !store.docs.shardSet.has(prefix)) {
      return Promise.resolve(store.shard[prefix] || null);
    }
    return script("i/" + hex(prefix) + ".js").then(function () {
      return store.shard[prefix] || null;
    });
  }

  // A report's summary and body text, from its chunk; a large archive has
  // none (chunk_docs is 0), and its text is read from the report's page,
  // where a page can fetch one (not from disk).
  function loadText(doc) {
    if (!store.docs.chunk_docs) return fromDisk ? Promise.resolve(null) : pageText(doc);
    var c = Math.floor(doc / store.docs.chunk_docs);
    var start = c * store.docs.chunk_docs;
    var ready = store.text[c] ? Promise.resolve() : script("t/" + c + ".js");
    return ready.then(function () {
      var chunk = store.text[c];
      return chunk ? chunk[doc - start] : null;
    });
  }

  var pages = {};
  function pageText(doc) {
    var slug = store.docs.docs[doc][0];
    if (!pages[slug]) {
      pages[slug] = fetch(href("postmortems/" + slug + "/"))
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) return null;
          var page = new DOMParser().parseFromString(html, "text/html");
          var lead = page.querySelector(".report-header .lead");
          var prose = page.querySelector(".prose");
          if (!prose) return null;
          var lines = [];
          textLines(prose, lines);
          return [lead ? lead.textContent : "", lines.join("\n")];
        })
        .catch(function () { return null; });
    }
    return pages[slug];
  }

  // The text of `el` a line per paragraph, heading, list item or table row
  // (cells joined by " — "), as the index's text chunks hold it.
  var BLOCK = /^(P|H[1-6]|PRE|DT|DD|FIGCAPTION)$/;
  var CONTAINER = /^(UL|OL|DL|TABLE|THEAD|TBODY|TFOOT|BLOCKQUOTE|DIV|SECTION|DETAILS|FIGURE)$/;
  function textLines(el, lines) {
    var run = "";
    function flush() {
      if (run.trim()) lines.push(run.trim());
      run = "";
    }
    for (var n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { run += n.data; continue; }
      if (n.nodeType !== 1 || n.matches(".anchor, input, script, style")) continue;
      if (n.tagName === "TR") {
        flush();
        lines.push(Array.from(n.cells, function (c) { return c.textContent.trim(); }).join(" — "));
      } else if (BLOCK.test(n.tagName)) {
        flush();
        var copy = n.cloneNode(true);
        copy.querySelectorAll(".anchor").forEach(function (a) { a.remove(); });
        lines.push(copy.textContent.trim());
      } else if (CONTAINER.test(n.tagName) || (n.tagName === "LI" && n.querySelector("p, ul, ol, pre, table"))) {
        flush();
        textLines(n, lines);
      } else if (n.tagName === "LI") {
        flush();
        lines.push(n.textContent.trim());
      } else {
        run += n.textContent;
      }
    }
    flush();
  }

  // The words of a query, split as src/search.rs splits the reports.
  function words(text, d) {
    var out = [];
    (lower(text).match(WORD) || []).forEach(function (w) {
      w = Array.from(w).slice(0, d.max_word).join("");
      if (Array.from(w).length >= 2 && !d.stop.has(w) && out.indexOf(w) < 0) out.push(w);
    });
    return out;
  }

  // Edit distance between a and b with adjacent swaps, or max + 1 once it
  // must exceed max.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          v = Math.min(v, prev2[j - 2] + 1);
        }
        cur[j] = v;
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  // What a query word matches in its shard: itself, longer words that it
  // starts, and words a typo away, each with a weight.
  var expanded = {};
  function expand(word, shard) {
    if (expanded[word]) return expanded[word];
    var out = [];
    if (!shard) return out;
    expanded[word] = out;
    var max = word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
    Object.keys(shard).forEach(function (w) {
      if (w === word) out.push([w, 1]);
      else if (w.lastIndexOf(word, 0) === 0) out.push([w, 0.6]);
      else if (max && distance(word, w, max) <= max) out.push([w, 0.35]);
    });
    return out;
  }

  // A word's postings, [doc, score, doc, score, ...]: decoded from the
  // shard's string of base-32 numbers (see push_varint in src/search.rs),
  // doc positions delta-coded.
  var DIGIT = new Int8Array(128).fill(-1);
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (c, k) {
    DIGIT[c.charCodeAt(0)] = k;
  });
  var decoded = {};
  function postings(shard, w) {
    if (!decoded[w]) {
      var raw = shard[w], out = [], doc = 0, odd = false;
      for (var k = 0; k < raw.length;) {
        var n = 0, shift = 0, v;
        do {
          v = DIGIT[raw.charCodeAt(k++)];
          n += (v & 31) * Math.pow(2, shift);
          shift += 5;
        } while (v & 32);
        if (odd) out.push(n);
        else { doc += n; out.push(doc); }
        odd = !odd;
      }
      decoded[w] = Int32Array.from(out);
    }
    return decoded[w];
  }

  // The reports matching every word of `text`, best first, with the index
  // words that matched (for highlighting).
  function match(text) {
    var d = store.docs;
    var query = words(text, d);
    if (!query.length) return Promise.resolve(null);
    return Promise.all(query.map(function (w) { return loadShard(prefixOf(w)); })).then(function (shards) {
      var n = d.docs.length;
      var total = new Float64Array(n), hits = new Uint8Array(n), found = new Set();
      query.forEach(function (w, qi) {
        var best = new Float64Array(n);
        expand(w, shards[qi]).forEach(function (e) {
          found.add(e[0]);
          var list = postings(shards[qi], e[0]);
          for (var k = 0; k < list.length; k += 2) {
            var s = list[k + 1] * e[1];
            if (s > best[list[k]]) best[list[k]] = s;
          }
        });
        for (var i = 0; i < n; i++) {
          if (best[i] > 0) { total[i] += best[i]; hits[i]++; }
        }
      });
      return { docs: ranked(total, hits, query.length), words: found };
    });
  }

  // The reports hit by all `wanted` words, best score first, newest first
  // among equals. Scores and positions are packed into one number each,
  // so that the engine's own numeric sort does the work.
  var SLOTS = 131072;
  function ranked(total, hits, wanted) {
    var n = total.length, docs = [];
    if (n > SLOTS) {
      for (var i = 0; i < n; i++) if (hits[i] === wanted) docs.push(i);
      return docs.sort(function (a, b) { return total[b] - total[a] || a - b; });
    }
    var keys = [];
    for (i = 0; i < n; i++) {
      if (hits[i] === wanted) keys.push(Math.round(total[i] * 100) * SLOTS + (SLOTS - 1 - i));
    }
    var sorted = Float64Array.from(keys).sort();
    for (var k = sorted.length - 1; k >= 0; k--) docs.push(SLOTS - 1 - (sorted[k] % SLOTS));
    return docs;
  }

  // ---- Filters -----------------------------------------------------

  var GROUPS = [
    { key: "severity", title: "Severity" },
    { key: "service", title: "Service" },
    { key: "tag", title: "Tag" },
    { key: "year", title: "Year" },
    { key: "open", title: "Action items" }
  ];

  // Each filter group's values (as the URL names them) and, for every
  // report, the positions of its values: computed once, so that filtering
  // the whole archive allocates nothing per report.
  function groupsOf(d) {
    var none = [], single = [];
    function one(k) { return single[k] || (single[k] = [k]); }
    var yearAt = {};
    d.years.forEach(function (y, k) { yearAt[y] = k; });
    var lists = {
      severity: [d.severities.map(function (s) { return s.name; }), function (doc) { return doc[3] == null ? none : one(doc[3]); }],
      service: [d.services.map(function (s) { return s.slug; }), function (doc) { return doc[4]; }],
      tag: [d.tags.map(function (s) { return s.slug; }), function (doc) { return doc[5]; }],
      year: [d.years, function (doc) { return one(yearAt[doc[2].slice(0, 4)]); }],
      open: [["1"], function (doc) { return doc[6] > 0 ? one(0) : none; }]
    };
    return GROUPS.map(function (g) {
      var values = lists[g.key][0], index = new Map();
      values.forEach(function (v, k) { index.set(v, k); });
      return { key: g.key, values: values, index: index, of: d.docs.map(lists[g.key][1]) };
    });
  }

  function readState() {
    var p = new URLSearchParams(location.search);
    var state = { q: p.get("q") || "", filters: {} };
    GROUPS.forEach(function (g) { state.filters[g.key] = p.getAll(g.key).filter(Boolean); });
    return state;
  }

  function writeState(state) {
    var p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    GROUPS.forEach(function (g) {
      state.filters[g.key].forEach(function (v) { p.append(g.key, v); });
    });
    var query = p.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function active(state) {
    return GROUPS.some(function (g) { return state.filters[g.key].length > 0; });
  }

  // Applies the filters to `candidates`; counts, per group, the reports
  // that every other group's filters let through.
  function filter(candidates, state, d) {
    var groups = d.groups, G = groups.length;
    var masks = groups.map(function (g) {
      var wanted = state.filters[g.key];
      if (!wanted.length) return null;
      var mask = new Uint8Array(g.values.length);
      wanted.forEach(function (v) { if (g.index.has(v)) mask[g.index.get(v)] = 1; });
      return mask;
    });
    var tallies = groups.map(function (g) { return new Int32Array(g.values.length); });
    var results = [];
    for (var c = 0; c < candidates.length; c++) {
      var i = candidates[c], failed = -1, failures = 0;
      for (var g = 0; g < G && failures < 2; g++) {
        var mask = masks[g];
        if (!mask) continue;
        var vals = groups[g].of[i], ok = false;
        for (var k = 0; k < vals.length; k++) if (mask[vals[k]]) { ok = true; break; }
        if (!ok) { failures++; failed = g; }
      }
      if (failures > 1) continue;
      for (g = 0; g < G; g++) {
        if (failures && g !== failed) continue;
        var vs = groups[g].of[i], tally = tallies[g];
        for (k = 0; k < vs.length; k++) tally[vs[k]]++;
      }
      if (!failures) results.push(i);
    }
    var counts = {};
    groups.forEach(function (g, k) {
      counts[g.key] = {};
      g.values.forEach(function (v, x) { if (tallies[k][x]) counts[g.key][v] = tallies[k][x]; });
    });
    return { docs: results, counts: counts };
  }

  // ---- Showing results --------------------------------------------

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      if (c != null) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  function href(path) {
    return root + path + (fromDisk && path.slice(-1) === "/" ? "index.html" : "");
  }

  // `text` as nodes, the words of `found` marked.
  function marked(text, found) {
    var out = [], last = 0, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      var w = Array.from(lower(m[0])).slice(0, store.docs.max_word).join("");
      if (!found.has(w)) continue;
      if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
      out.push(el("mark", {}, [m[0]]));
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push(document.createTextNode(text.slice(last)));
    return out;
  }

  // The part of `text` around its first matched word, or null: within its
  // line (a paragraph, list item or table row), cut to about `size`.
  function quote(text, found, size) {
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      var w = Array.from(lower(m[0])).slice(0, store.docs.max_word).join("");
      if (!found.has(w)) continue;
      var from = text.lastIndexOf("\n", m.index) + 1;
      var to = text.indexOf("\n", m.index);
      if (to < 0) to = text.length;
      var line = text.slice(from, to).replace(/\s+/g, " ").trim();
      var at = Math.max(0, line.indexOf(m[0]));
      if (line.length <= size) return line;
      var start = Math.max(0, at - Math.round(size / 3));
      if (start > 0) start = line.indexOf(" ", start) + 1 || start;
      var end = Math.min(line.length, start + size);
      if (end < line.length && line.lastIndexOf(" ", end) > start) end = line.lastIndexOf(" ", end);
      return (start > 0 ? "… " : "") + line.slice(start, end) + (end < line.length ? " …" : "");
    }
    return null;
  }

  // Fills the empty snippets of `list` from the text chunks, after `delay`
  // ms in which nothing called this again: while someone types, chunk
  // loads would only hold up the index shards the next query needs. Only
  // results on screen, or about to scroll into it, are quoted.
  var snippetTimer = 0, snippetWatch = null;
  function fillSnippet(p) {
    loadText(p.doc).then(function (t) {
      if (!t) {
        p.hidden = true;
        return;
      }
      var text = quote(t[0], p.found, 240) || quote(t[1], p.found, 240) || t[0];
      p.replaceChildren.apply(p, marked(text, p.found));
    });
  }
  function fillSnippets(list, delay) {
    clearTimeout(snippetTimer);
    if (snippetWatch) snippetWatch.disconnect();
    snippetTimer = setTimeout(function () {
      var empty = list.querySelectorAll(".search-snippet:empty");
      if (!("IntersectionObserver" in window)) return empty.forEach(fillSnippet);
      snippetWatch = new IntersectionObserver(function (entries, watch) {
        entries.forEach(function (e) {
          if (!e.isIntersecting) return;
          watch.unobserve(e.target);
          fillSnippet(e.target);
        });
      }, { rootMargin: "300px 0px" });
      empty.forEach(function (p) { snippetWatch.observe(p); });
    }, delay);
  }

  function resultItem(i, found, withSnippet) {
    var d = store.docs, doc = d.docs[i];
    var sev = doc[3] == null ? null : d.severities[doc[3]];
    var badge = sev
      ? el("a", { "class": "sev", href: href("severities/" + sev.slug + "/"), title: sev.label || sev.name }, [sev.name])
      : null;
    if (badge && sev.color) badge.style.setProperty("--sev", sev.color);
    var meta = [el("time", {}, [doc[2]])];
    doc[4].forEach(function (k) {
      meta.push(el("a", { "class": "service", href: href("services/" + d.services[k].slug + "/") }, [d.services[k].name]));
    });
    if (doc[6] > 0) {
      meta.push(el("span", { "class": "sep", "aria-hidden": "true" }, ["·"]));
      meta.push(el("span", {}, [doc[6] + " open action item" + (doc[6] === 1 ? "" : "s")]));
    }
    var title = el("a", { "class": "report-row-title", href: href("postmortems/" + doc[0] + "/") }, marked(doc[1], found));
    var main = el("div", {}, [title, el("p", { "class": "report-row-meta" }, meta)]);
    if (withSnippet) {
      var p = el("p", { "class": "report-row-summary search-snippet" }, []);
      p.doc = i;
      p.found = found;
      main.appendChild(p);
    }
    return el("li", { "class": "report-row search-result" }, [badge, main]);
  }

  // Up and down arrows move between the links of `links()`; up from the
  // first goes back to `input`.
  function arrowKeys(container, input, selector) {
    container.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var links = Array.prototype.slice.call(container.querySelectorAll(selector));
      var at = links.indexOf(document.activeElement);
      if (at < 0) return;
      e.preventDefault();
      if (e.key === "ArrowDown" && at + 1 < links.length) links[at + 1].focus();
      if (e.key === "ArrowUp") (at > 0 ? links[at - 1] : input).focus();
    });
    input.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown") return;
      var first = container.querySelector(selector);
      if (first) { e.preventDefault(); first.focus(); }
    });
  }

  // ---- The search page ---------------------------------------------

  function searchPage(form) {
    var input = form.querySelector("input[name=q]");
    var ui = document.querySelector("[data-search-ui]");
    var browse = document.querySelector("[data-search-browse]");
    var status = ui.querySelector(".search-status");
    var list = ui.querySelector(".search-results");
    var more = ui.querySelector(".search-more");
    var facets = ui.querySelector(".search-facets");
    var state = readState();
    var shown = 0, current = { docs: [], words: new Set() }, run = 0, pageTitle = document.title;
    input.value = state.q;
    ui.hidden = false;
    status.textContent = "Loading the index…";

    function showMore(now) {
      var end = Math.min(current.docs.length, shown + PAGE);
      for (var k = shown; k < end; k++) list.appendChild(resultItem(current.docs[k], current.words, true));
      shown = end;
      more.hidden = shown >= current.docs.length;
      fillSnippets(list, now ? 0 : 150);
    }
    more.addEventListener("click", function () {
      var first = shown;
      showMore(true);
      var next = list.children[first];
      if (next) next.querySelector(".report-row-title").focus();
    });
    arrowKeys(list, input, ".report-row-title");

    var boxes = {};
    function buildFacets(d) {
      facets.replaceChildren();
      GROUPS.forEach(function (g) {
        var options;
        if (g.key === "severity") options = d.severities.map(function (s) { return [s.name, s.name + (s.label ? " · " + s.label : ""), s.color]; });
        else if (g.key === "service") options = d.services.map(function (s) { return [s.slug, s.name]; });
        else if (g.key === "tag") options = d.tags.map(function (s) { return [s.slug, s.name]; });
        else if (g.key === "year") options = d.years.map(function (y) { return [y, y]; });
        else options = [["1", "Has open action items"]];
        if (!options.length) return;
        var set = el("fieldset", { "class": "facet", "data-facet": g.key }, [el("legend", {}, [g.title])]);
        boxes[g.key] = {};
        options.forEach(function (o) {
          var box = el("input", { type: "checkbox", name: g.key, value: o[0] });
          var dot = o[2] ? el("span", { "class": "dot", "aria-hidden": "true" }) : null;
          if (dot) dot.style.setProperty("--sev", o[2]);
          var count = el("span", { "class": "count" }, []);
          var label = el("label", { "class": "facet-option" }, [box, " ", dot, el("span", { "class": "facet-name" }, [o[1]]), " ", count]);
          boxes[g.key][o[0]] = { box: box, label: label, count: count };
          box.addEventListener("change", function () {
            state.filters[g.key] = Object.keys(boxes[g.key]).filter(function (v) { return boxes[g.key][v].box.checked; });
            update();
          });
          set.appendChild(label);
        });
        if (options.length > 8) {
          var toggle = el("button", { type: "button", "class": "facet-toggle", "aria-expanded": "false" }, ["Show all " + options.length]);
          toggle.addEventListener("click", function () {
            var open = set.classList.toggle("facet-open");
            toggle.setAttribute("aria-expanded", open ? "true" : "false");
            toggle.textContent = open ? "Show fewer" : "Show all " + options.length;
          });
          set.appendChild(toggle);
        }
        facets.appendChild(set);
      });
    }

    function showFacets(counts) {
      GROUPS.forEach(function (g) {
        var group = boxes[g.key];
        if (!group) return;
        var values = Object.keys(group);
        if (g.key === "service" || g.key === "tag") {
          values.sort(function (a, b) {
            return (counts[g.key][b] || 0) - (counts[g.key][a] || 0) || (a < b ? -1 : 1);
          });
        }
        var set = facets.querySelector("[data-facet=" + g.key + "]");
        var toggle = set.querySelector(".facet-toggle");
        values.forEach(function (v, rank) {
          var o = group[v], n = counts[g.key][v] || 0;
          o.box.checked = state.filters[g.key].indexOf(v) >= 0;
          o.count.textContent = String(n);
          o.label.classList.toggle("facet-empty", n === 0 && !o.box.checked);
          o.label.classList.toggle("facet-extra", rank >= 8 && !o.box.checked);
          set.insertBefore(o.label, toggle);
        });
      });
    }

    function update() {
      state.q = input.value;
      writeState(state);
      var mine = ++run;
      var d = store.docs;
      var searching = match(state.q);
      searching.then(function (m) {
        if (mine !== run) return;
        var all = null;
        if (!m) {
          all = [];
          for (var i = 0; i < d.docs.length; i++) all.push(i);
        }
        var f = filter(m ? m.docs : all, state, d);
        showFacets(f.counts);
        list.replaceChildren();
        shown = 0;
        var filtered = active(state);
        browse.hidden = !!(m || filtered);
        if (!m && !filtered) {
          current = { docs: [], words: new Set() };
          more.hidden = true;
          status.textContent = "Type to search " + d.docs.length + " postmortem" + (d.docs.length === 1 ? "" : "s") + ", or pick a filter.";
          done(0);
          return;
        }
        current = { docs: f.docs, words: m ? m.words : new Set() };
        var n = f.docs.length, what = m ? " for “" + state.q.trim() + "”" : "";
        status.textContent = n
          ? n + " postmortem" + (n === 1 ? "" : "s") + what + (filtered ? ", filtered" : "") + "."
          : "No postmortem matches" + what + (filtered ? " with these filters" : "") + ". Try fewer or other words" + (filtered ? ", or clear a filter" : "") + ".";
        showMore();
        document.title = (state.q.trim() ? state.q.trim() + " · " : "") + pageTitle;
        done(n);
      }).catch(function (e) { status.textContent = "Search failed: " + e.message; });
    }

    // Tells whoever listens (tests, the benchmark) that results are shown.
    function done(n) {
      form.dispatchEvent(new CustomEvent("hindsight:results", { detail: { count: n, query: state.q } }));
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
    input.addEventListener("input", update);
    loadDocs().then(function (d) {
      buildFacets(d);
      update();
    }).catch(function () {
      status.textContent = "The search index could not be loaded. Browse the indexes below.";
    });
  }

  // ---- The header box ----------------------------------------------

  function headerBox(form) {
    var input = form.querySelector("input[name=q]");
    var popup = el("div", { "class": "search-popup", hidden: "" }, []);
    var list = el("ol", { "class": "search-popup-list", "aria-label": "Best matches" }, []);
    var status = el("p", { "class": "search-popup-status", role: "status", "aria-live": "polite" }, []);
    popup.appendChild(status);
    popup.appendChild(list);
    form.appendChild(popup);
    var run = 0;

    function pageUrl(q) {
      return root + "search/" + (fromDisk ? "index.html" : "") + (q ? "?q=" + encodeURIComponent(q) : "");
    }

    function close() { popup.hidden = true; }

    function update() {
      var q = input.value, mine = ++run;
      if (!q.trim()) { close(); return; }
      loadDocs().then(function () { return match(q); }).then(function (m) {
        if (mine !== run) return;
        list.replaceChildren();
        popup.hidden = false;
        if (!m) { status.textContent = "Keep typing…"; return; }
        var n = m.docs.length;
        status.textContent = n ? n + " postmortem" + (n === 1 ? "" : "s") + " match" + (n === 1 ? "es" : "") + "." : "No postmortem matches “" + q.trim() + "”.";
        m.docs.slice(0, POPUP).forEach(function (i) { list.appendChild(resultItem(i, m.words, false)); });
        list.appendChild(el("li", { "class": "search-popup-all" }, [
          el("a", { "class": "report-row-title", href: pageUrl(q) }, [n ? "All results and filters →" : "Search page and filters →"])
        ]));
      }).catch(function () { status.textContent = "The search index could not be loaded."; popup.hidden = false; });
    }

    input.addEventListener("input", update);
    input.addEventListener("focus", function () { loadDocs().catch(function () {}); if (input.value.trim()) update(); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      location.href = pageUrl(input.value.trim());
    });
    form.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { close(); input.focus(); }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
    form.addEventListener("focusout", function (e) {
      if (e.relatedTarget && !form.contains(e.relatedTarget)) close();
    });
    arrowKeys(list, input, ".report-row-title");
  }

  // ---- Everywhere: "/" to search -----------------------------------

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
    var input = document.querySelector("[data-search] input[name=q]");
    if (!input) return;
    e.preventDefault();
    input.focus();
    input.select();
  });

  document.querySelectorAll("form[data-search]").forEach(function (form) {
    if (form.getAttribute("data-search") === "page") searchPage(form);
    else headerBox(form);
  });
})();
