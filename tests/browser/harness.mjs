// What every browser test shares: a static server for a built site, under
// a sub-path as many hosts serve it, and Debian's Chromium driven by
// playwright-core.
import { createServer } from "node:http";
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

export const SITE = process.env.HINDSIGHT_SITE;
if (!SITE) throw new Error("HINDSIGHT_SITE must name a built site (tests/browser/run does this)");

/** Where the site is served: not the root, to prove links are relative. */
export const PREFIX = "/incidents/";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves `root` at PREFIX on a free port; `requests` lists the paths asked for. */
export async function serve(root = SITE) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    requests.push(url.pathname);
    if (!url.pathname.startsWith(PREFIX)) {
      res.writeHead(404).end("outside the site");
      return;
    }
    let path = normalize(join(root, decodeURIComponent(url.pathname.slice(PREFIX.length))));
    if (!path.startsWith(normalize(root))) {
      res.writeHead(403).end();
      return;
    }
    try {
      let info = await stat(path);
      if (info.isDirectory()) {
        if (!url.pathname.endsWith("/")) {
          res.writeHead(301, { location: url.pathname + "/" + url.search }).end();
          return;
        }
        path = join(path, "index.html");
      }
      const body = await readFile(path);
      res.writeHead(200, { "content-type": TYPES[extname(path)] || "application/octet-stream" });
      res.end(body);
    } catch {
      const body = await readFile(join(root, "404.html")).catch(() => "not found");
      res.writeHead(404, { "content-type": TYPES[".html"] }).end(body);
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}${PREFIX}`;
  // Closing drops the connections a page still holds open, so that a test
  // that failed with its page open does not wait for them forever.
  const close = () =>
    new Promise((r) => {
      server.close(r);
      server.closeAllConnections();
    });
  return { base, requests, close };
}

/** Headless Chromium, with the flags a closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A new page that fails the test on any script error or console error. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.errors = [];
  page.on("pageerror", (e) => page.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") page.errors.push(m.text());
  });
  return page;
}

/** The texts of the elements matching `selector`. */
export function texts(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
}

/** The `<h1>` text of a built page, or "" (for telling reports apart). */
function heading(html) {
  const m = html.match(/<h1[^>]*>([\s\S]*?)<\/h1>/);
  return m ? m[1].replace(/<[^>]+>/g, "").trim() : "";
}

/** The sub-folders of `dir` in the built site that hold an index.html, sorted. */
async function pagesUnder(dir) {
  const names = await readdir(join(SITE, dir), { withFileTypes: true });
  const found = [];
  for (const n of names) {
    if (!n.isDirectory()) continue;
    const file = join(SITE, dir, n.name, "index.html");
    if (await stat(file).catch(() => null)) found.push(`${dir}/${n.name}/`);
  }
  return found.sort();
}

/** The title of the report every test knows: the example's first iCreate outage. */
export const SEED = "Code deployment error takes iCreate down";

/**
 * One page of each kind the site publishes, found by reading the built
 * site rather than by slug, so that renaming an example report does not
 * silently drop a kind: `{ kind, path }`, with `path` relative to the site.
 * The second report is the largest, as it has the most kinds of markup.
 */
export async function pageKinds() {
  const reports = await pagesUnder("postmortems");
  const sized = await Promise.all(
    reports.map(async (path) => {
      const html = await readFile(join(SITE, path, "index.html"), "utf8");
      return { path, size: html.length, title: heading(html) };
    }),
  );
  const seed = sized.find((r) => r.title === SEED);
  if (!seed) throw new Error(`no report titled "${SEED}" in ${SITE}`);
  const largest = sized.filter((r) => r !== seed).sort((a, b) => b.size - a.size)[0];
  const first = async (dir) => {
    const found = await pagesUnder(dir);
    if (!found.length) throw new Error(`no page under ${dir}/ in ${SITE}`);
    return found[0];
  };
  return [
    { kind: "home", path: "" },
    { kind: "report", path: seed.path },
    { kind: "report (largest)", path: largest.path },
    { kind: "postmortems", path: "postmortems/" },
    { kind: "year", path: await first("years") },
    { kind: "service", path: await first("services") },
    { kind: "severity", path: await first("severities") },
    { kind: "tag", path: await first("tags") },
    { kind: "services", path: "services/" },
    { kind: "severities", path: "severities/" },
    { kind: "tags", path: "tags/" },
    { kind: "metrics", path: "about/metrics/" },
    { kind: "action items", path: "action-items/" },
    { kind: "search", path: "search/" },
    { kind: "search results", path: "search/?q=database" },
    { kind: "not found", path: "no-such-page/" },
  ];
}

/**
 * Waits until a page is done drawing: on the search page, until the
 * results (or the word that there are none) are shown.
 */
export async function settled(page) {
  if (!new URL(page.url()).pathname.endsWith("/search/")) return;
  await searchDone(page);
  // The results on screen are quoted a moment later.
  await page
    .waitForFunction(() =>
      [...document.querySelectorAll(".search-results .search-snippet")]
        .filter((p) => p.getBoundingClientRect().top < innerHeight)
        .every((p) => p.hidden || p.childNodes.length > 0),
      null,
      { timeout: 5000 },
    )
    .catch(() => {});
}

/** Waits until the search page has answered: its status no longer says it is loading. */
export async function searchDone(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector(".search-status");
    return s && s.textContent && !s.textContent.startsWith("Loading");
  });
}

/**
 * `fn` over `items`, at most `limit` at a time, results in order: pages
 * spend most of their time waiting on the network or on each other, and
 * the suite should stay short on two cores.
 */
export async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * A server for `root` and a browser, started before a file's tests and
 * closed after them: `ctx.server` and `ctx.browser`.
 */
export function useBrowser(root = SITE) {
  const ctx = {};
  before(async () => {
    ctx.server = await serve(root);
    ctx.browser = await launch();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  return ctx;
}
