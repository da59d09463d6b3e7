// Search, end to end: the header box, the search page, filters, deep
// links and the keyboard, on the example archive in headless Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { SITE, SEED, serve, launch, newPage, searchDone, texts } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function results(page) {
  await searchDone(page);
  return texts(page, ".search-results .report-row-title");
}

test("a deep link lists the seed report for `rollback`, a nonsense query lists nothing", async () => {
  const page = await newPage(browser);
  await page.goto(server.base + "search/?q=rollback");
  const found = await results(page);
  assert.ok(found.includes(SEED), `results: ${found.join(" | ")}`);
  assert.equal(await page.inputValue("#search-q"), "rollback");
  // The matched word is highlighted in the snippet.
  await page.waitForSelector(".search-results .search-snippet mark");
  const marks = await texts(page, ".search-results .search-snippet mark");
  assert.ok(marks.some((m) => m.toLowerCase().startsWith("rollback")), marks.join(","));
  // Results link to the report, under the sub-path.
  const href = await page.getAttribute(".search-results .report-row-title", "href");
  assert.ok(new URL(href, page.url()).pathname.startsWith("/incidents/postmortems/"), href);

  await page.goto(server.base + "search/?q=qzxwvut+blorptangle");
  assert.deepEqual(await results(page), []);
  assert.match(await page.textContent(".search-status"), /No postmortem matches/);
  assert.deepEqual(page.errors, []);
});

test("typing matches prefixes and forgives a typo; title matches rank first", async () => {
  const page = await newPage(browser);
  await page.goto(server.base + "search/");
  await results(page);
  await page.fill("#search-q", "rollb");
  await page.waitForFunction(() => document.querySelectorAll(".search-results li").length > 0);
  assert.ok((await results(page)).includes(SEED));
  await page.fill("#search-q", "deploymnet");
  await page.waitForFunction(
    (seed) => [...document.querySelectorAll(".search-results .report-row-title")].some((a) => a.textContent === seed),
    SEED,
  );
  // A title word: the report whose title has it comes first. The previous
  // query's results are still listed until the new ones replace them, so
  // wait for a list that has the word at all.
  await page.fill("#search-q", "certificate expiry");
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".search-results .report-row-title")].some((a) => /certificate/i.test(a.textContent)),
  );
  const first = (await results(page))[0];
  assert.match(first, /certificate/i);
  assert.equal(new URL(page.url()).searchParams.get("q"), "certificate expiry");
  assert.deepEqual(page.errors, []);
});

test("filters combine with the query, count their values and live in the URL", async () => {
  const page = await newPage(browser);
  await page.goto(server.base + "search/?q=rollback");
  const all = await results(page);
  assert.ok(all.length > 1, "the example has several reports about rollbacks");
  const sev1 = page.locator('.search-facets input[name=severity][value="SEV1"]');
  const label = page.locator(".search-facets label", { has: page.locator('input[value="SEV1"]') });
  const count = Number(await label.locator(".count").textContent());
  await sev1.check();
  await page.waitForFunction((n) => document.querySelectorAll(".search-results li").length === n, count);
  const url = new URL(page.url());
  assert.equal(url.searchParams.get("severity"), "SEV1");
  assert.equal(url.searchParams.get("q"), "rollback");
  const badges = await texts(page, ".search-results .sev");
  assert.ok(badges.length > 0 && badges.every((b) => b === "SEV1"), badges.join(","));
  assert.ok((await results(page)).includes(SEED));

  // A filter alone, with no words, lists every report it matches.
  await page.fill("#search-q", "");
  await page.waitForFunction(() => !new URL(location.href).searchParams.has("q"));
  const sev1Only = await results(page);
  const sev1Page = await newPage(browser);
  await sev1Page.goto(server.base + "severities/sev1/");
  const listed = await texts(sev1Page, ".report-list > li > div > a:first-child");
  assert.deepEqual([...sev1Only].sort(), [...listed].sort());
  assert.deepEqual(page.errors, []);
});

test("a pasted link with query and filters shows those results", async () => {
  const page = await newPage(browser);
  await page.goto(server.base + "search/?q=rollback&severity=SEV1&service=icreate");
  const found = await results(page);
  assert.ok(found.includes(SEED), found.join(" | "));
  assert.ok(await page.isChecked('.search-facets input[name=service][value="icreate"]'));
  assert.ok(await page.isChecked('.search-facets input[name=severity][value="SEV1"]'));
  const services = await page.$$eval(".search-results li", (lis) =>
    lis.map((li) => [...li.querySelectorAll(".service")].map((a) => a.textContent)),
  );
  assert.ok(services.every((s) => s.includes("iCreate")), JSON.stringify(services));
  assert.deepEqual(page.errors, []);
});

test("the keyboard: `/` focuses the header box, arrows walk the matches, Enter opens one", async () => {
  const page = await newPage(browser);
  await page.goto(server.base + "postmortems/");
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "site-search-q");
  await page.keyboard.type("icreate deploy");
  await page.waitForSelector(".search-popup:not([hidden]) .search-result");
  const popup = await texts(page, ".search-popup .search-result .report-row-title");
  assert.equal(popup[0], SEED);
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), SEED);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), SEED);
  await Promise.all([page.waitForURL(/postmortems\/2023-01-17-icreate-deploy\/$/), page.keyboard.press("Enter")]);
  assert.equal(await page.textContent("h1"), SEED);

  // Enter in the box opens the search page with the query.
  await page.keyboard.press("/");
  await page.keyboard.type("dns");
  await Promise.all([page.waitForURL(/search\/\?q=dns$/), page.keyboard.press("Enter")]);
  assert.ok((await results(page)).length > 0);
  // Escape closes the popup.
  await page.goto(server.base);
  await page.keyboard.press("/");
  await page.keyboard.type("cdn");
  await page.waitForSelector(".search-popup:not([hidden])");
  await page.keyboard.press("Escape");
  assert.ok(await page.isHidden(".search-popup"));
  assert.deepEqual(page.errors, []);
});

test("on the search page, arrows move from the box through the results", async () => {
  const page = await newPage(browser);
  await page.goto(server.base + "search/?q=outage");
  const found = await results(page);
  assert.ok(found.length >= 2);
  await page.focus("#search-q");
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), found[0]);
  await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), found[1]);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-q");
});

test("without JavaScript the search page offers the indexes", async () => {
  const page = await newPage(browser, { javaScriptEnabled: false });
  await page.goto(server.base + "search/?q=rollback");
  assert.ok(await page.isHidden("[data-search-ui]"));
  const groups = await texts(page, ".search-browse h3");
  assert.deepEqual(groups, ["Severities", "Services", "Tags"]);
  const links = await page.$$eval(".search-browse a", (as) => as.map((a) => a.getAttribute("href")));
  assert.ok(links.includes("../services/icreate/"), links.join(" "));
});

test("opened from disk, search still finds reports", async () => {
  const page = await newPage(browser);
  const url = pathToFileURL(join(SITE, "search", "index.html")).href + "?q=rollback";
  await page.goto(url);
  const found = await results(page);
  assert.ok(found.includes(SEED), found.join(" | "));
  const href = await page.getAttribute(".search-results .report-row-title", "href");
  assert.match(href, /index\.html$/);
  assert.deepEqual(page.errors, []);
});

test("a large archive's results are quoted from their pages, and the index holds no text", async (t) => {
  const root = process.env.HINDSIGHT_LARGE_SITE;
  if (!root) return t.skip("HINDSIGHT_LARGE_SITE is not set (tests/browser/run sets it)");
  const { existsSync } = await import("node:fs");
  assert.equal(existsSync(join(root, "search", "t")), false, "no text chunks past 2,000 reports");
  const large = await serve(root);
  const page = await newPage(browser);
  try {
    await page.goto(large.base + "search/?q=word1500");
    // Close words match too ("word1501"), after the exact one.
    assert.equal((await results(page))[0], "Report number 1500");
    // The quote is the body's line with the word, not the summary.
    await page.waitForSelector(".search-results .search-snippet mark");
    const snippet = (await texts(page, ".search-results .search-snippet"))[0];
    assert.equal(snippet, "Deep in report 1500 the cause was a word1500 quirk.");
    assert.ok(large.requests.some((p) => p.endsWith("/postmortems/r1500/")), large.requests.join(" "));
    // A Greek word typed with a final sigma finds the report that writes
    // it in capitals, and is marked there.
    await page.goto(large.base + "search/?q=" + encodeURIComponent("διακομιστης"));
    assert.deepEqual(await results(page), ["The Greek report"]);
    await page.waitForSelector(".search-results .search-snippet mark");
    assert.deepEqual(await texts(page, ".search-results .search-snippet mark"), ["ΔΙΑΚΟΜΙΣΤΗΣ"]);
    assert.deepEqual(page.errors, []);
  } finally {
    await page.close();
    await large.close();
  }
});
