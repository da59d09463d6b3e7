// What every browser test shares: a static server for a built site, under
// a sub-path as many hosts serve it, and Debian's Chromium driven by
// playwright-core.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
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
  return { base, requests, close: () => new Promise((r) => server.close(r)) };
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
