import type { Command } from "commander";
import { compareModels } from "../compare/compare-models.js";
import { renderCompare } from "../report/compare-terminal.js";
import { renderCompareHtml } from "../report/html/compare-html.js";
import { applyRevision, MODEL_HELP, REVISION_HELP, reportHubTraffic } from "./hub-options.js";
import { assertWritable, writeOutput } from "./options.js";
import { printJson, printLines } from "./output.js";
import { progressDisplay } from "./progress.js";

interface CompareOptions {
  revision?: string;
  json?: boolean;
  html?: string;
  quiet?: boolean;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("Say whether SUSPECT's weights come from REFERENCE: verdict, tags, p-value, evidence")
    .argument("<suspect>", MODEL_HELP)
    .argument("<reference>", MODEL_HELP)
    .option("--json", "print the CompareResult as JSON")
    .option("--html <file>", "also write a single-file HTML report")
    .option("--revision <rev>", REVISION_HELP)
    .action(async (suspectArg: string, referenceArg: string, _options: CompareOptions, command: Command) => {
      const options = command.optsWithGlobals<CompareOptions>();
      if (options.html !== undefined) await assertWritable(options.html, "--html");
      const [suspect, reference] = await applyRevision([suspectArg, referenceArg], options.revision);
      const progress = progressDisplay({ quiet: options.quiet });
      let result: Awaited<ReturnType<typeof compareModels>>;
      try {
        result = await compareModels(suspect!, reference!, {
          onProgress: progress.onProgress,
        });
      } finally {
        progress.stop();
      }
      reportHubTraffic();
      if (options.json) printJson(result);
      else printLines(renderCompare(result));
      if (options.html !== undefined) {
        // The chart's grey band: the share of a layer's units at the same index that separately
        // trained models reach by chance (about one unit per set of 128).
        const nullBand = { low: 0, high: 0.05, label: "separately trained" };
        await writeOutput(options.html, renderCompareHtml(result, { nullBand }), "--html");
        process.stderr.write(`lineage: HTML report written to ${options.html}\n`);
      }
    });
}
