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

test("a timeline's dots become links to their rows, titled with time and text", async () => {
  const page = await seedPage();
  // As built: one path of dots, the rows they stand for and their times.
  const built = await page.$eval("svg.chart-timeline .events", (g) => ({
    rows: g.getAttribute("data-rows").split(" "),
    times: g.getAttribute("data-times").split(" "),
    d: g.querySelector("path").getAttribute("d"),
  }));
  assert.ok(built.rows.length >= 3, JSON.stringify(built));
  assert.ok(built.times.every((t) => /^\d\d:\d\d$/.test(t)), JSON.stringify(built));
  const points = [...built.d.matchAll(/M([-\d.]+) ([-\d.]+)h0/g)].map((m) => [m[1], m[2]]);
  assert.equal(points.length, built.rows.length);

  // The script lays a link over each dot, where the dot is.
  const links = await page.$$eval("svg.chart-timeline .events a", (as) =>
    as.map((a) => {
      const c = a.querySelector("circle");
      const cell = document.getElementById(a.getAttribute("href").slice(1));
      return {
        href: a.getAttribute("href"),
        at: [c.getAttribute("cx"), c.getAttribute("cy")],
        title: c.querySelector("title").textContent,
        row: cell ? cell.closest("tr").cells[1].textContent.trim() : null,
      };
    }),
  );
  assert.deepEqual(links.map((l) => l.href), built.rows.map((r) => "#" + r));
  assert.deepEqual(links.map((l) => l.at), points);
  for (const [i, l] of links.entries()) {
    assert.ok(l.row, `${l.href} names a row of the table`);
    const expected = l.row.length > 80 ? l.row.slice(0, 40) : l.row;
    assert.ok(l.title.startsWith(`${built.times[i]} — `) && l.title.includes(expected), `${l.title} / ${l.row}`);
  }

  // A click on a dot goes to its row.
  await page.click("svg.chart-timeline .events a >> nth=1", { force: true });
  assert.equal(new URL(page.url()).hash, links[1].href);
  assert.deepEqual(page.errors, []);
  await page.close();
});
