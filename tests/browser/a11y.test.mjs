// Accessibility: axe-core on one page of every kind the site publishes,
// in the light and the dark colour scheme, and the pages read most on a
// phone at a phone's width. Any violation fails, with what to fix.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { serve, launch, newPage, pageKinds, settled } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** What is read most on a phone: the home page, the reports, and search, whose filters move below the results there. */
const PHONE_KINDS = ["home", "report", "report (largest)", "search results"];

/** The example built at a few reports a page (tests/browser/run), if any. */
const PAGED = process.env.HINDSIGHT_PAGED_SITE;

/** Each page is checked in both schemes, switched on the loaded page. */
const SCHEMES = ["light", "dark"];

let server, browser;
const kinds = await pageKinds();
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs axe on the page as it is now; its violations. */
async function violations(page) {
  const result = await page.evaluate(() =>
    // Every rule axe enables by default (WCAG 2.x A and AA, and its best
    // practices), not only the WCAG ones: the best practices catch the
    // landmarks and headings a screen reader's user navigates by.
    window.axe.run(document, { resultTypes: ["violations"] }),
  );
  return result.violations;
}

/** A violation as a reader can act on it: what, how bad, and where. */
function describe(v) {
  const nodes = v.nodes.map((n) => {
    const why = (n.failureSummary || "").split("\n").slice(1).join(" ").trim();
    const html = n.html.length > 160 ? `${n.html.slice(0, 160)}…` : n.html;
    return `    at ${n.target.join(" ")}\n       ${html}${why ? `\n       ${why}` : ""}`;
  });
  return `  ${v.id} (${v.impact}): ${v.help}\n    ${v.helpUrl}\n${nodes.join("\n")}`;
}

/**
 * Checks `page`, as loaded, in each scheme; the failures, each headed by
 * `label` and the scheme.
 */
async function checkSchemes(page, label) {
  await page.addScriptTag({ path: AXE });
  const failures = [];
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    const found = await violations(page);
    if (found.length) failures.push(`${label}, ${colorScheme}:\n${found.map(describe).join("\n")}`);
  }
  return failures;
}

/** Loads and checks each of `pages` (`{ label, path, open }`) in one browser page. */
async function checkAll(options, pages, from = server) {
  const page = await newPage(browser, options);
  const failures = [];
  try {
    for (const { label, path, open } of pages) {
      await page.goto(from.base + path);
      await settled(page);
      if (open) await open(page);
      failures.push(...(await checkSchemes(page, `${label} (${path || "/"})`)));
    }
  } finally {
    await page.context().close();
  }
  assert.equal(failures.length, 0, `axe found violations:\n${failures.join("\n\n")}`);
  // The not-found page is answered with its status, which Chromium logs.
  assert.deepEqual(
    page.errors.filter((e) => !e.includes("status of 404")),
    [],
  );
}

test("no axe violations on any kind of page, light and dark", () =>
  checkAll(
    DESKTOP,
    kinds.map(({ kind, path }) => ({ label: kind, path })),
  ));

test("no axe violations at a phone's width, light and dark", () =>
  checkAll(
    PHONE,
    kinds.filter((k) => PHONE_KINDS.includes(k.kind)).map(({ kind, path }) => ({ label: kind, path })),
  ));

test("no axe violations in what opens on a click or a key, light and dark", () =>
  checkAll(DESKTOP, [
    {
      label: "the header's search popup",
      path: "",
      async open(page) {
        await page.focus("#site-search-q");
        await page.keyboard.type("cdn");
        await page.waitForSelector(".search-popup:not([hidden]) .search-result");
      },
    },
    {
      label: "every search filter shown",
      path: "search/?q=database",
      async open(page) {
        for (const toggle of await page.$$(".search-facets .facet-toggle")) await toggle.click();
      },
    },
    {
      label: "a sorted table",
      path: "services/",
      async open(page) {
        await page.click("table.sortable th[data-sort] button");
      },
    },
  ]));

test(
  "no axe violations on the pages of a paged list, light and dark",
  { skip: !PAGED && "HINDSIGHT_PAGED_SITE names no site (tests/browser/run builds one)" },
  async () => {
    const paged = await serve(PAGED);
    try {
      // The first page, one in the middle and the last: their pagers differ.
      const numbers = (await readdir(join(PAGED, "postmortems", "page"))).map(Number).sort((a, b) => a - b);
      assert.ok(numbers.length >= 2, `the paged site has ${numbers.length + 1} pages of postmortems`);
      const pages = [
        { label: "first page", path: "postmortems/" },
        { label: "a middle page", path: `postmortems/page/${numbers[0]}/` },
        { label: "last page", path: `postmortems/page/${numbers.at(-1)}/` },
      ];
      await checkAll(DESKTOP, pages, paged);
    } finally {
      await paged.close();
    }
  },
);
