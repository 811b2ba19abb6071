/** End to end: `lineage compare` spawned on committed fixtures, with --json and --html, and on bad input. */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { CompareResult } from "../../src/compare/result.js";
import { assertOneLineError, fixture, runLineage } from "../helpers.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-compare-cli-"));
after(() => rm(dir, { recursive: true, force: true }));
const htmlPath = join(dir, "report.html");

// Start every run at once: each spawn costs seconds on a loaded machine.
const runs = {
  yi: runLineage(["compare", fixture("zoo", "b-yi"), fixture("zoo", "base-a"), "--json", "--html", htmlPath]),
  sft: runLineage(["compare", fixture("zoo", "a-sft"), fixture("zoo", "base-a")]),
  missing: runLineage(["compare", join(dir, "no-such-model"), fixture("zoo", "base-a")]),
};

test("compare --json --html: the Yi situation is architecture-only, renamed, and the page says so", async () => {
  const run = await runs.yi;
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as CompareResult;
  assert.equal(result.verdict, "architecture-only");
  assert.ok(result.tags.includes("renamed"));
  assert.ok(
    (result.pValue ?? Number.NaN) > 1e-3,
    `independent weights must not look related (p ${result.pValue})`,
  );
  for (const key of ["verdict", "tags", "pValue", "changes", "evidence", "summary"])
    assert.ok(key in result, key);
  const html = await readFile(htmlPath, "utf8");
  assert.match(html, /^<!doctype html>/i);
  assert.match(html, /architecture-only/);
  assert.match(html, /<svg/);
  assert.doesNotMatch(html, /<script/i);
});

test("compare in the terminal: a fine-tune is derived, exit code 0", async () => {
  const run = await runs.sft;
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /a-sft vs base-a: derived/);
});

test("compare on a missing path: one error line naming it, exit code not 0", async () => {
  assertOneLineError(await runs.missing, "no-such-model");
});
