import type { Command } from "commander";
import { compareModels } from "../compare/compare-models.js";
import { LINEAGE_MIN_CKA } from "../compare/verdict.js";
import { renderCompare } from "../report/compare-terminal.js";
import { renderCompareHtml } from "../report/html/compare-html.js";
import { applyRevision, MODEL_HELP, REVISION_HELP, reportHubTraffic } from "./hub-options.js";
import { assertWritable, integerOption, writeOutput } from "./options.js";
import { printJson, printLines } from "./output.js";
import { progressDisplay } from "./progress.js";

interface CompareOptions {
  revision?: string;
  json?: boolean;
  html?: string;
  permutations?: number;
  quiet?: boolean;
}

/**
 * Fewest permutations accepted: each layer's null mean and spread are estimated from them, and below
 * ~50 the spread itself is uncertain by more than 10% (relative SE ≈ 1/√(2N)), so the p-values printed
 * would claim more than the run supports.
 */
export const MIN_PERMUTATIONS = 50;
/** Most permutations accepted: far beyond any gain, and each costs a pass over every layer's Grams. */
export const MAX_PERMUTATIONS = 100_000;

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("Say whether SUSPECT's weights come from REFERENCE: verdict, tags, p-value, evidence")
    .argument("<suspect>", MODEL_HELP)
    .argument("<reference>", MODEL_HELP)
    .option("--json", "print the CompareResult as JSON")
    .option("--html <file>", "also write a single-file HTML report")
    .option(
      "--permutations <n>",
      `permutations per layer test (${MIN_PERMUTATIONS}-${MAX_PERMUTATIONS})`,
      integerOption("--permutations", {
        min: MIN_PERMUTATIONS,
        max: MAX_PERMUTATIONS,
        reason: "fewer cannot support the p-values printed",
      }),
    )
    .option("--revision <rev>", REVISION_HELP)
    .action(async (suspectArg: string, referenceArg: string, _options: CompareOptions, command: Command) => {
      const options = command.optsWithGlobals<CompareOptions>();
      if (options.html !== undefined) await assertWritable(options.html, "--html");
      const [suspect, reference] = await applyRevision([suspectArg, referenceArg], options.revision);
      const progress = progressDisplay({ quiet: options.quiet });
      let result: Awaited<ReturnType<typeof compareModels>>;
      try {
        result = await compareModels(suspect!, reference!, {
          permutations: options.permutations,
          onProgress: progress.onProgress,
        });
      } finally {
        progress.stop();
      }
      reportHubTraffic();
      if (options.json) printJson(result);
      else printLines(renderCompare(result));
      if (options.html !== undefined) {
        // The chart's grey band: layer similarities below the lineage threshold, where every
        // independent zoo pair falls (their median aligned CKA is at most 0.013).
        const nullBand = { low: -0.05, high: LINEAGE_MIN_CKA, label: "independent weights" };
        await writeOutput(options.html, renderCompareHtml(result, { nullBand }), "--html");
        process.stderr.write(`lineage: HTML report written to ${options.html}\n`);
      }
    });
}
