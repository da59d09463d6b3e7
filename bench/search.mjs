// Search in a real browser on a built archive: what the first search
// downloads (gzip-compressed, as static hosts serve it) and how long a
// query takes to show its results, in headless Chromium.
//
//   node bench/search.mjs SITE_DIR [QUERY...]
//
// Run it with the browser tests' packages installed (tests/browser/run
// installs them), e.g. on the benchmark's 10,000-report archive:
//   target/release/hindsight build --root target/bench/archive-10000 --output /tmp/site
//   node bench/search.mjs /tmp/site
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const site = process.argv[2];
if (!site) {
  console.error("usage: node bench/search.mjs SITE_DIR [QUERY...]");
  process.exit(2);
}
process.env.HINDSIGHT_SITE = site;
const { serve, launch, newPage, searchDone, PREFIX } = await import("../tests/browser/harness.mjs");

const queries = process.argv.slice(3).length
  ? process.argv.slice(3)
  : ["rollback", "database connection pool", "certificate expiry", "memory leak", "dns", "timout", "confi", "deploy failed canary"];

const server = await serve();
const browser = await launch();
const gz = new Map();
function compressed(path) {
  if (!gz.has(path)) gz.set(path, gzipSync(readFileSync(join(site, path.slice(PREFIX.length)))).length);
  return gz.get(path);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The first search, from a fresh browser: a deep link to the search page,
// until the results on screen are quoted.
const cold = [];
for (const q of queries) {
  const page = await newPage(browser);
  const before = server.requests.length;
  const shown = page.evaluate(() => new Promise((resolve) => {
    addEventListener("hindsight:results", (e) => resolve(e.detail.count), { capture: true, once: true });
  })).catch(() => null);
  await page.goto(server.base + "search/?q=" + encodeURIComponent(q));
  const count = await page.waitForFunction(() => {
    const s = document.querySelector(".search-status");
    // Quotes load for the results on screen (and 300 px past it) only.
    const waiting = [...document.querySelectorAll(".search-snippet:empty")]
      .filter((p) => p.getBoundingClientRect().top < innerHeight + 300);
    return s && !s.textContent.startsWith("Loading") && waiting.length === 0;
  }).then(() => page.$$eval(".search-results li", (l) => l.length));
  await shown;
  const files = server.requests.slice(before).filter((p) => p.includes("/search/") && p.endsWith(".js") || p.endsWith("search.js"));
  const bytes = files.reduce((sum, p) => sum + compressed(p.endsWith("/") ? p + "index.html" : p), 0);
  cold.push({ q, files: files.length, kb: Math.round(bytes / 1024), shown: count });
  await page.context().close();
}

// Query latency on a loaded page: from the input event to the results on
// screen, first for words whose shards load now (from localhost), then
// the same queries again.
const page = await newPage(browser);
await page.goto(server.base + "search/");
await searchDone(page);
async function time(q) {
  return page.evaluate((q) => new Promise((resolve) => {
    const form = document.querySelector("form[data-search=page]");
    const input = document.getElementById("search-q");
    const t0 = performance.now();
    form.addEventListener("hindsight:results", (e) => {
      if (e.detail.query === q) resolve({ ms: performance.now() - t0, count: e.detail.count });
    });
    input.value = q;
    input.dispatchEvent(new Event("input"));
  }), q);
}
const first = [], again = [];
for (const q of queries) first.push({ q, ...(await time(q)) });
for (const q of queries) again.push({ q, ...(await time(q)) });
const docs = await page.evaluate(() => document.querySelector(".search-status").textContent);
await browser.close();
await server.close();

console.log("first search (fresh browser, deep link), gzip-compressed download:");
for (const c of cold) console.log(`  ${c.q.padEnd(26)} ${String(c.kb).padStart(5)} KB in ${c.files} files, ${c.shown} results shown`);
console.log(`  max ${Math.max(...cold.map((c) => c.kb))} KB`);
console.log("query to results on screen, index shards loading as needed:");
for (const f of first) console.log(`  ${f.q.padEnd(26)} ${f.ms.toFixed(1).padStart(7)} ms  ${f.count} matches`);
console.log(`  median ${median(first.map((f) => f.ms)).toFixed(1)} ms, max ${Math.max(...first.map((f) => f.ms)).toFixed(1)} ms`);
console.log("the same queries again (shards loaded):");
console.log(`  median ${median(again.map((f) => f.ms)).toFixed(1)} ms, max ${Math.max(...again.map((f) => f.ms)).toFixed(1)} ms`);
