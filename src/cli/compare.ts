import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { compareModels } from "../compare/compare-models.js";
import { LINEAGE_MIN_CKA } from "../compare/verdict.js";
import { renderCompare } from "../report/compare-terminal.js";
import { renderCompareHtml } from "../report/html/compare-html.js";
import { applyRevision, MODEL_HELP, REVISION_HELP, reportHubTraffic } from "./hub-options.js";
import { printJson, printLines } from "./output.js";

interface CompareOptions {
  revision?: string;
  json?: boolean;
  html?: string;
  permutations?: number;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("Say whether SUSPECT's weights come from REFERENCE: verdict, tags, p-value, evidence")
    .argument("<suspect>", MODEL_HELP)
    .argument("<reference>", MODEL_HELP)
    .option("--json", "print the CompareResult as JSON")
    .option("--html <file>", "also write a single-file HTML report")
    .option("--permutations <n>", "permutations per layer test", (value) => Number.parseInt(value, 10))
    .option("--revision <rev>", REVISION_HELP)
    .action(async (suspectArg: string, referenceArg: string, options: CompareOptions) => {
      const [suspect, reference] = await applyRevision([suspectArg, referenceArg], options.revision);
      const result = await compareModels(suspect!, reference!, { permutations: options.permutations });
      reportHubTraffic();
      if (options.json) printJson(result);
      else printLines(renderCompare(result));
      if (options.html !== undefined) {
        // The chart's grey band: layer similarities below the lineage threshold, where every
        // independent zoo pair falls (their median aligned CKA is at most 0.013).
        const nullBand = { low: -0.05, high: LINEAGE_MIN_CKA, label: "independent weights" };
        await writeFile(options.html, renderCompareHtml(result, { nullBand }));
        process.stderr.write(`lineage: HTML report written to ${options.html}\n`);
      }
    });
}
