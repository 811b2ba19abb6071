/**
 * Run the red-team comparisons (scripts/redteam/pairs.ts) in one process through the library API
 * (`compareModels`, what `lineage compare --json` prints) and print expected vs actual:
 *
 *   node --import tsx scripts/redteam/run.ts [--dir /tmp/redteam] [--group combo,derived] [--match TEXT]
 *        [--jsonl FILE]
 *
 * A row is right when the verdict is one of the accepted ones, the required tags are present, the
 * p-value is on the right side (related ≤ 1e-6, independent ≥ 1e-3) and the verdict does not contradict
 * the p-value. Errors are right only for pairs that expect one.
 */
import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compareModels } from "../../src/compare/compare-models.js";
import { LineageError } from "../../src/errors.js";
import { PAIRS, type RedPair, resolvePath } from "./pairs.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SHARED = join(ROOT, "..", "shared");

export interface RedOutcome {
  pair: RedPair;
  verdict: string;
  tags: string[];
  pValue: number | null;
  log10P: number | null;
  summary: string[];
  warnings: string[];
  seconds: number;
  bytesRead: number;
  /** Which test gave the p-value (index test, alignment with a fitted null, …). */
  test?: string;
  error?: string;
  problems: string[];
}

/** What is wrong with an outcome (empty = right). */
export function judge(pair: RedPair, outcome: Omit<RedOutcome, "problems" | "pair">): string[] {
  const problems: string[] = [];
  if (outcome.error !== undefined) {
    if (pair.p !== "error") problems.push(`error: ${outcome.error}`);
    return problems;
  }
  if (pair.p === "error") problems.push("expected an error, got a verdict");
  if (!pair.verdicts.includes(outcome.verdict) && pair.p !== "error")
    problems.push(`verdict ${outcome.verdict} (expected ${pair.verdicts.join("/")})`);
  for (const tag of pair.tags ?? []) if (!outcome.tags.includes(tag)) problems.push(`missing tag ${tag}`);
  for (const tag of pair.forbidTags ?? []) if (outcome.tags.includes(tag)) problems.push(`wrong tag ${tag}`);
  const lp = outcome.log10P;
  if (lp === null || (!Number.isFinite(lp) && lp !== Number.NEGATIVE_INFINITY))
    problems.push(`p-value ${lp}`);
  else {
    if (pair.p === "related" && lp > -6) problems.push(`p ${outcome.pValue} > 1e-6 for related models`);
    if (pair.p === "independent" && lp < -3)
      problems.push(`p ${outcome.pValue} < 1e-3 for independent models`);
    const related =
      outcome.verdict === "same-weights" || outcome.verdict === "derived" || outcome.verdict === "identical";
    if (related && lp > -6) problems.push("verdict says shared weights but p > 1e-6");
    if ((outcome.verdict === "architecture-only" || outcome.verdict === "unrelated") && lp < -3)
      problems.push("verdict says independent but p < 1e-3");
  }
  return problems;
}

export async function runPair(pair: RedPair, dir: string): Promise<RedOutcome> {
  const started = performance.now();
  try {
    const result = await compareModels(
      resolvePath(pair.suspect, SHARED, dir),
      resolvePath(pair.reference, SHARED, dir),
    );
    const outcome = {
      verdict: result.verdict,
      tags: result.tags,
      pValue: result.pValue,
      log10P: result.pValueLog10,
      summary: result.summary,
      warnings: result.warnings,
      seconds: result.timing.seconds,
      bytesRead: result.timing.bytesRead,
      test: result.test.name,
    };
    return { pair, ...outcome, problems: judge(pair, outcome) };
  } catch (error) {
    const message =
      error instanceof LineageError
        ? `${error.constructor.name}: ${error.describe()}`
        : `INTERNAL ${String(error)}`;
    const outcome = {
      verdict: "error",
      tags: [],
      pValue: null,
      log10P: null,
      summary: [],
      warnings: [],
      seconds: (performance.now() - started) / 1000,
      bytesRead: 0,
      error: message,
    };
    const problems = judge(pair, outcome);
    if (!(error instanceof LineageError)) problems.push(`not a typed error: ${String(error)}`);
    return { pair, ...outcome, problems };
  }
}

const short = (path: string) => path.replace(/^~\//, "").replace(/^@\//, "shared/");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: "string", default: "/tmp/redteam" },
      group: { type: "string" },
      match: { type: "string" },
      jsonl: { type: "string" },
    },
  });
  const groups = values.group?.split(",");
  const pairs = PAIRS.filter(
    (pair) =>
      (groups === undefined || groups.includes(pair.group)) &&
      (values.match === undefined || `${pair.suspect} ${pair.reference}`.includes(values.match)),
  );
  if (values.jsonl !== undefined) await writeFile(values.jsonl, "");
  let right = 0;
  for (const pair of pairs) {
    const outcome = await runPair(pair, values.dir!);
    if (outcome.problems.length === 0) right++;
    const p = outcome.pValue === null ? "—" : outcome.pValue.toExponential(1);
    console.log(
      [
        outcome.problems.length === 0 ? "ok  " : "FAIL",
        `${short(pair.suspect)} vs ${short(pair.reference)}`,
        `expected ${pair.verdicts.join("/") || "error"}${pair.tags ? ` [${pair.tags}]` : ""}`,
        `got ${outcome.verdict}${outcome.tags.length ? ` [${outcome.tags}]` : ""} p=${p}${outcome.test ? ` (${outcome.test})` : ""}`,
        `${outcome.seconds.toFixed(1)}s ${(outcome.bytesRead / 1e6).toFixed(1)}MB`,
        outcome.problems.join("; "),
      ].join(" | "),
    );
    if (values.jsonl !== undefined) await appendFile(values.jsonl, `${JSON.stringify(outcome)}\n`);
  }
  console.log(`${right}/${pairs.length} right`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
