// The action-item list's filters, in headless Chromium: items are grouped
// by report, and a filter hides items and the groups left empty.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newPage, useBrowser } from "./harness.mjs";

const ctx = useBrowser();

// What the list shows: each shown group's severity and services, and its
// shown items' owners and states.
function shown(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("#action-list > .action-group")]
      .filter((g) => !g.hidden)
      .map((g) => ({
        severity: g.getAttribute("data-severity"),
        services: g.getAttribute("data-services"),
        items: [...g.querySelectorAll(":scope > ul > li")]
          .filter((li) => !li.hidden)
          .map((li) => ({
            owner: (li.querySelector(".action-owner")?.textContent ?? "").replace(/^@/, ""),
            state: li.getAttribute("data-action-state"),
          })),
      })),
  );
}

test("filters by owner, state, severity and service hide items and the groups they empty", async () => {
  const { server, browser } = ctx;
  const page = await newPage(browser);
  await page.goto(server.base + "action-items/");
  await page.waitForSelector("form.filters:not([hidden])");
  const all = await shown(page);
  const total = all.reduce((n, g) => n + g.items.length, 0);
  assert.ok(all.length > 5 && total > all.length, `${all.length} groups, ${total} items`);

  // An owner from the link beside their name.
  await page.goto(server.base + "action-items/?owner=priya");
  await page.waitForSelector("form.filters:not([hidden])");
  let groups = await shown(page);
  const items = groups.flatMap((g) => g.items);
  assert.ok(items.length > 0 && items.length < total);
  assert.ok(items.every((i) => i.owner === "priya"), JSON.stringify(items));
  assert.ok(groups.every((g) => g.items.length > 0), "no shown group is empty");
  assert.equal(await page.textContent(".filter-count"), `${items.length} of ${total} shown`);

  // State and severity together; the URL keeps both.
  await page.selectOption("select[name=owner]", "");
  await page.selectOption("select[name=state]", "done");
  await page.selectOption("select[name=severity]", "SEV1");
  groups = await shown(page);
  assert.ok(groups.length > 0);
  assert.ok(groups.every((g) => g.severity === "SEV1" && g.items.every((i) => i.state === "done")));
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("state"), "done");
  assert.equal(url.searchParams.get("severity"), "SEV1");

  // A service: every shown group is one of its reports.
  await page.selectOption("select[name=state]", "");
  await page.selectOption("select[name=severity]", "");
  await page.selectOption("select[name=service]", "cdn");
  groups = await shown(page);
  assert.ok(groups.length > 0 && groups.length < all.length);
  assert.ok(groups.every((g) => g.services.split(" ").includes("cdn")), JSON.stringify(groups));
  assert.deepEqual(page.errors, []);
});
