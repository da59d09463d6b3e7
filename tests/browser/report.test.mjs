// A report page's behaviour in headless Chromium: what its script adds to
// the markup the build writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newPage, pageKinds, useBrowser } from "./harness.mjs";

const ctx = useBrowser();

async function seedPage() {
  const { server, browser } = ctx;
  const seed = (await pageKinds()).find((k) => k.kind === "report");
  const page = await newPage(browser);
  await page.goto(server.base + seed.path);
  return page;
}

test("a timeline dot's tooltip is its time, and its row's text once a pointer comes near", async () => {
  const page = await seedPage();
  const dots = await page.$$eval("svg.chart-timeline .events a", (links) =>
    links.map((a) => ({ href: a.getAttribute("href"), title: a.querySelector("title").textContent })),
  );
  assert.ok(dots.length >= 3, JSON.stringify(dots));
  // As built: the time alone, as the chart's clock reads it.
  assert.ok(dots.every((d) => /^\d\d:\d\d$/.test(d.title)), JSON.stringify(dots));

  await page.hover("svg.chart-timeline .events a >> nth=1");
  const { title, row } = await page.evaluate((href) => {
    const a = document.querySelector(`svg.chart-timeline .events a[href="${href}"]`);
    const cell = document.getElementById(href.slice(1));
    return { title: a.querySelector("title").textContent, row: cell.closest("tr").cells[1].textContent.trim() };
  }, dots[1].href);
  const expected = row.length > 80 ? row.slice(0, 40) : row;
  assert.ok(title.startsWith(`${dots[1].title} — `), title);
  assert.ok(title.includes(expected), `${title} / ${row}`);

  // A second pass does not add the text again.
  await page.mouse.move(0, 0);
  await page.hover("svg.chart-timeline .events a >> nth=1");
  const again = await page.$eval(
    `svg.chart-timeline .events a[href="${dots[1].href}"] title`,
    (t) => t.textContent,
  );
  assert.equal(again, title);
  await page.close();
});
