/**
 * `npm run eval`: every labelled pair of the lineage zoo through `compareModels`, one row per pair.
 * Uses ../shared/zoo/labels.json when present, else the hermetic subset in fixtures/zoo (pairs whose
 * files are all committed). Exits 1 on any wrong verdict.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compareModels } from "../src/compare/compare-models.js";

interface LabelledPair {
  suspect: string;
  reference: string;
  verdict: string;
  alsoAccept?: string[];
  tags?: string[];
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sharedLabels = join(root, "..", "shared", "zoo", "labels.json");
const hermetic = !existsSync(sharedLabels);
const labelsPath = hermetic ? join(root, "fixtures", "zoo", "labels.json") : sharedLabels;
const base = dirname(labelsPath);
const labels = JSON.parse(readFileSync(labelsPath, "utf8")) as { pairs: LabelledPair[] };
const pairs = labels.pairs.filter(
  (pair) => existsSync(join(base, pair.suspect)) && existsSync(join(base, pair.reference)),
);
if (hermetic)
  console.log(
    `../shared is absent: running the hermetic subset (${pairs.length} of ${labels.pairs.length} pairs) from fixtures/zoo`,
  );

const rows: string[][] = [
  ["suspect", "reference", "expected", "verdict", "ok", "tags", "p-value", "z", "time"],
];
let wrong = 0;
for (const pair of pairs) {
  const result = await compareModels(join(base, pair.suspect), join(base, pair.reference));
  const ok = result.verdict === pair.verdict || (pair.alsoAccept ?? []).includes(result.verdict);
  if (!ok) wrong++;
  rows.push([
    pair.suspect.replace("../real/", ""),
    pair.reference.replace("../real/", ""),
    pair.verdict,
    result.verdict,
    ok ? "✓" : "✗",
    result.tags.join(","),
    result.pValue.toExponential(1),
    result.zScore === null ? "–" : result.zScore.toFixed(1),
    `${result.timing.seconds.toFixed(2)}s`,
  ]);
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
console.log(`\n${pairs.length - wrong}/${pairs.length} verdicts right`);
process.exitCode = wrong === 0 ? 0 : 1;
