/**
 * `npm run eval`: every labelled pair (../shared zoo and real labels, the compare cases of
 * ../shared/cases) through `compareModels`, one row per pair with its p-value, then a calibration
 * summary of the independent pairs (sorted p-values, Kolmogorov–Smirnov distance from uniform) and of
 * the related ones. Without ../shared it runs the committed zoo subset in fixtures/zoo and says so.
 * Exits 1 on any wrong verdict (pairs marked pending on another branch's reader are reported apart).
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compareModels } from "../src/compare/compare-models.js";
import type { CompareResult } from "../src/compare/result.js";
import { LineageError } from "../src/errors.js";
import { formatLog10PValue } from "../src/report/format.js";
import { isIndependent, type LabelledPair, labelledPairs } from "./eval-pairs.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { pairs, hermetic } = labelledPairs(join(root, "..", "shared"), join(root, "fixtures"));
if (hermetic)
  console.log(`../shared is absent: running the hermetic subset (${pairs.length} pairs) from fixtures/zoo`);

/** Inputs a reader on another branch will open: reported, not failed. */
interface Row {
  pair: LabelledPair;
  result?: CompareResult;
  error?: string;
  outcome: "right" | "wrong" | "pending" | "unexpected pass";
}

const rows: Row[] = [];
for (const pair of pairs) {
  try {
    const result = await compareModels(pair.suspectPath, pair.referencePath);
    const ok = result.verdict === pair.verdict || pair.alsoAccept.includes(result.verdict);
    const outcome =
      pair.pending === undefined ? (ok ? "right" : "wrong") : ok ? "unexpected pass" : "pending";
    rows.push({ pair, result, outcome });
  } catch (error) {
    const message = error instanceof LineageError ? error.describe() : String(error);
    rows.push({ pair, error: message, outcome: pair.pending ? "pending" : "wrong" });
  }
}

const MARK: Record<Row["outcome"], string> = {
  right: "✓",
  wrong: "✗",
  pending: "…",
  "unexpected pass": "!",
};
const table: string[][] = [
  ["set", "suspect", "reference", "expected", "verdict", "ok", "p-value", "test", "tags", "time", "read"],
];
for (const row of rows) {
  const r = row.result;
  table.push([
    row.pair.set,
    row.pair.suspect,
    row.pair.reference,
    row.pair.verdict,
    r?.verdict ?? "error",
    MARK[row.outcome],
    r === undefined || r.pValueLog10 === null ? "–" : formatLog10PValue(r.pValueLog10),
    r === undefined
      ? "–"
      : r.test.fittedOn === undefined
        ? r.test.name
        : `${r.test.name} (fitted, ${r.test.fittedOn} pairs)`,
    r?.tags.join(",") ?? "",
    r === undefined ? "–" : `${r.timing.seconds.toFixed(2)}s`,
    r === undefined || r.timing.bytesTotal === 0
      ? "–"
      : `${((100 * r.timing.bytesRead) / r.timing.bytesTotal).toFixed(0)}%`,
  ]);
}
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table)
  console.log(
    row
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd(),
  );
for (const row of rows) {
  if (row.error !== undefined)
    console.log(`${MARK[row.outcome]} ${row.pair.suspect} vs ${row.pair.reference}: ${row.error}`);
  if (row.outcome === "pending")
    console.log(`… ${row.pair.suspect} vs ${row.pair.reference}: pending on ${row.pair.pending}`);
  if (row.outcome === "unexpected pass")
    console.log(
      `! ${row.pair.suspect} vs ${row.pair.reference}: now right; remove its pending mark (${row.pair.pending})`,
    );
}

// Calibration: the p-values of independent pairs should be large (a valid test: at least uniform).
const independent = rows.filter((row) => row.result !== undefined && isIndependent(row.pair));
const related = rows.filter(
  (row) => row.result !== undefined && !isIndependent(row.pair) && row.outcome === "right",
);
// Pairs where no test ran have no p-value: they are not part of the calibration.
const ps = independent
  .flatMap((row) => (row.result?.pValueLog10 == null ? [] : [10 ** row.result.pValueLog10]))
  .sort((a, b) => a - b);
let ks = 0;
ps.forEach((p, i) => {
  ks = Math.max(ks, Math.abs((i + 1) / ps.length - p), Math.abs(i / ps.length - p));
});
console.log(
  `\ncalibration, ${ps.length} independent pairs: p = ${ps.map((p) => formatLog10PValue(Math.log10(p))).join(", ")}; ` +
    `KS distance from uniform ${ks.toFixed(2)} (the index test's p is a conservative bound: independent pairs sit at or above uniform); ` +
    `${ps.filter((p) => p < 1e-3).length} below 1e-3`,
);
if (related.length > 0) {
  const worst = Math.max(...related.map((row) => row.result!.pValueLog10 ?? 0));
  console.log(`related pairs: ${related.length}, largest p ${formatLog10PValue(worst)} (must be ≤ 1e-6)`);
}
const count = (outcome: Row["outcome"]) => rows.filter((row) => row.outcome === outcome).length;
console.log(
  `\n${count("right")}/${rows.length - count("pending")} verdicts right` +
    (count("pending") > 0 ? `; ${count("pending")} pending on reader fixes in flight` : ""),
);
process.exitCode = count("wrong") + count("unexpected pass") === 0 ? 0 : 1;
