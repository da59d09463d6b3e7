// Accessibility: axe-core on one page of every kind the site publishes,
// in the light and the dark colour scheme, and the pages read most on a
// phone at a phone's width. Any violation fails, with what to fix.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { serve, launch, newPage, pageKinds, servePublished, settled } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** The ways a page is looked at: every kind gets the first two. */
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** What is read most on a phone: the home page and the reports. */
const PHONE_KINDS = ["home", "report", "report (largest)"];
const VIEWS = [
  { name: "light", options: { ...DESKTOP, colorScheme: "light" } },
  { name: "dark", options: { ...DESKTOP, colorScheme: "dark" } },
  { name: "phone light", options: { ...PHONE, colorScheme: "light" }, only: PHONE_KINDS },
  { name: "phone dark", options: { ...PHONE, colorScheme: "dark" }, only: PHONE_KINDS },
];

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
  await page.addScriptTag({ path: AXE });
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

for (const view of VIEWS) {
  const checked = kinds.filter((k) => !view.only || view.only.includes(k.kind));
  test(`no axe violations, ${view.name}`, async () => {
    const page = await newPage(browser, view.options);
    await servePublished(page, server);
    const failures = [];
    try {
      for (const { kind, path } of checked) {
        await page.goto(server.base + path);
        await settled(page);
        const found = await violations(page);
        if (found.length) failures.push(`${kind} (${path || "/"}):\n${found.map(describe).join("\n")}`);
      }
    } finally {
      await page.context().close();
    }
    assert.equal(failures.length, 0, `axe found violations, ${view.name}:\n${failures.join("\n\n")}`);
    // The not-found page is answered with its status, which Chromium logs.
    const errors = page.errors.filter((e) => !e.includes("status of 404"));
    assert.deepEqual(errors, []);
  });
}
