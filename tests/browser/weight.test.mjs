// Weight and origin: every page of every kind asks only the server it came
// from (no web fonts, scripts or pixels from elsewhere), and the CSS and
// JavaScript it loads stays small enough for a slow phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, newPage, mapLimit, pageKinds, settled } from "./harness.mjs";

/**
 * The most CSS and JavaScript a page may load, uncompressed. The search
 * index counts too: it is data in script files (so that search works from
 * disk), loaded as a query needs it: docs.js, the shards of the query's
 * words and the text of the results on screen.
 */
const BUDGET = 100 * 1000;


let server, browser, loaded;
const kinds = await pageKinds();
before(async () => {
  server = await serve();
  browser = await launch();
  // Each page loads in a context of its own, so nothing comes from the
  // cache; a few at once, as most of a load is waiting for the network
  // to go quiet.
  loaded = await mapLimit(kinds, 4, ({ path }) => load(path));
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Loads `path` and lists what it asked for: `{ url, type, bytes }`. */
async function load(path) {
  const page = await newPage(browser);
  const pending = [];
  page.on("requestfinished", (request) => pending.push(measure(request)));
  page.on("requestfailed", (request) =>
    pending.push({ url: request.url(), type: request.resourceType(), bytes: 0, failed: true }),
  );
  // Network idle, 500 ms without a request, also covers what search loads
  // after the page: the index, then the text its results quote.
  await page.goto(server.base + path, { waitUntil: "networkidle" });
  await settled(page);
  const requests = await Promise.all(pending);
  await page.context().close();
  return requests;
}

/** A finished request and the size of its body as the page got it. */
async function measure(request) {
  const response = await request.response();
  const body = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
  return { url: request.url(), type: request.resourceType(), bytes: body.length };
}

/** Whether a page of `kind` may ask for `url`. */
function allowed(url) {
  if (/^(data|blob|about):/.test(url)) return true;
  return new URL(url).origin === new URL(server.base).origin;
}

const isScriptOrCss = (r) => r.type === "stylesheet" || r.type === "script" || /\.(css|js)(\?|$)/.test(r.url);
const sum = (rs) => rs.reduce((total, r) => total + r.bytes, 0);
const list = (rs) => rs.map((r) => `  ${r.type} ${r.url} (${r.bytes} bytes${r.failed ? ", failed" : ""})`).join("\n");

for (const [i, { kind, path }] of kinds.entries()) {
  test(`${kind}: only its own origin, at most ${BUDGET / 1000} KB of CSS and JS`, (t) => {
    const requests = loaded[i];
    // Fonts included: the theme uses the system's, and fetches none.
    const foreign = requests.filter((r) => !allowed(r.url));
    assert.equal(foreign.length, 0, `requests to other origins from ${path || "/"}:\n${list(foreign)}`);
    const code = requests.filter(isScriptOrCss);
    t.diagnostic(`${sum(code)} bytes of CSS and JS`);
    assert.ok(sum(code) <= BUDGET, `${path || "/"} loads ${sum(code)} bytes of CSS and JS:\n${list(code)}`);
    assert.ok(code.some((r) => r.type === "stylesheet" && r.bytes > 0), `no stylesheet loaded:\n${list(requests)}`);
  });
}
