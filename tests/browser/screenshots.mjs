// Screenshots of every page kind of a built site, at a desktop and a
// phone width, the report and home page also in the dark scheme and as
// printed, into docs/screenshots/ (or the folder given). Run by
// scripts/screenshots.sh.
import { mkdir } from "node:fs/promises";
import { serve, launch, newPage, pageKinds, settled } from "./harness.mjs";

const out = process.argv[2] || "../../docs/screenshots";
// Tall enough to show what matters above and just below the fold, short
// enough to keep the images small.
const DESKTOP = { width: 1280, height: 1000 };
const PHONE = { width: 390, height: 1400 };

const name = (kind) => kind.replace(/[^a-z]+/g, "-").replace(/-$/, "");

await mkdir(out, { recursive: true });
const server = await serve();
const browser = await launch();
try {
  const kinds = await pageKinds();
  const shots = [];
  for (const { kind, path } of kinds) {
    shots.push({ file: name(kind), path, viewport: DESKTOP });
    shots.push({ file: `${name(kind)}-phone`, path, viewport: PHONE });
  }
  for (const kind of ["home", "report"]) {
    const { path } = kinds.find((k) => k.kind === kind);
    shots.push({ file: `${kind}-dark`, path, viewport: DESKTOP, colorScheme: "dark" });
    shots.push({ file: `${kind}-phone-dark`, path, viewport: PHONE, colorScheme: "dark" });
  }
  const report = kinds.find((k) => k.kind === "report").path;
  shots.push({ file: "report-print", path: report, viewport: { width: 794, height: 1123 }, media: "print" });
  for (const shot of shots) {
    const page = await newPage(browser, { viewport: shot.viewport });
    await page.emulateMedia({ colorScheme: shot.colorScheme || "light", media: shot.media || "screen" });
    await page.goto(server.base + shot.path);
    await settled(page);
    await page.screenshot({ path: `${out}/${shot.file}.png`, fullPage: false });
    await page.close();
  }
  console.log(`${shots.length} screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
}
