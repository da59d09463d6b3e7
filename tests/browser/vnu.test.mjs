// Markup: every HTML file of the built site through the Nu HTML Checker
// (vnu). An error fails, listed by file, line and message; a warning is
// printed, as it may be a matter of taste.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { SITE } from "./harness.mjs";

/** The example built at a few reports a page (tests/browser/run), if any. */
const PAGED = process.env.HINDSIGHT_PAGED_SITE;

const VNU = String(createRequire(import.meta.url)("vnu-jar"));

/** Files per run of the checker: Java starts slowly, a command line is not endless. */
const BATCH = 400;

/** Every .html file under `dir`, sorted. */
async function htmlFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".html"))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** Of the paged site, the files that differ from the example's: lists, with their pagers. */
async function pagedLists() {
  if (!PAGED) return [];
  const files = await htmlFiles(PAGED);
  const report = /^(postmortems\/[^/]+|i\/[^/]+)\/index\.html$/;
  return files.filter((f) => !report.test(relative(PAGED, f).split(sep).join("/")));
}

/** A checked file's name, as the reader would find it. */
function named(file) {
  return PAGED && file.startsWith(PAGED) ? `paged site: ${relative(PAGED, file)}` : relative(SITE, file);
}

/** Runs the checker on `files`; its messages. It reports on stderr, and exits 1 on any error. */
function check(files) {
  const args = ["-jar", VNU, "--format", "json", "--skip-non-html", ...files];
  return new Promise((resolve, reject) => {
    execFile("java", args, { maxBuffer: 256 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error && error.code === "ENOENT") {
        reject(new Error("java is missing: install a Java runtime (Debian: default-jre-headless)"));
        return;
      }
      try {
        resolve(JSON.parse(stderr).messages);
      } catch {
        reject(new Error(`the checker did not answer in JSON:\n${stderr}${error ? `\n${error.message}` : ""}`));
      }
    });
  });
}

/** A message as a reader can act on it: file, line, what is wrong and the markup. */
function describe(m) {
  const file = m.url ? named(fileURLToPath(m.url)) : "?";
  const at = m.lastLine ? `:${m.firstLine ?? m.lastLine}:${m.firstColumn ?? m.lastColumn}` : "";
  const extract = m.extract ? `\n    ${m.extract.replace(/\s+/g, " ").trim()}` : "";
  return `  ${file}${at}: ${m.message}${extract}`;
}

test("the Nu HTML Checker finds no error in any page of the site", async (t) => {
  const files = await htmlFiles(SITE);
  assert.ok(files.length > 20, `only ${files.length} HTML files under ${SITE}`);
  files.push(...(await pagedLists()));
  const messages = [];
  for (let i = 0; i < files.length; i += BATCH) {
    messages.push(...(await check(files.slice(i, i + BATCH))));
  }
  const errors = messages.filter((m) => m.type === "error" || m.type === "non-document-error");
  const warnings = messages.filter((m) => m.type === "info" && m.subType === "warning");
  for (const w of warnings) t.diagnostic(`warning: ${describe(w).trim()}`);
  assert.equal(errors.length, 0, `${errors.length} errors in ${files.length} files:\n${errors.map(describe).join("\n")}`);
});
