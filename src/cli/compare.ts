import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { compareModels } from "../compare/compare-models.js";
import { renderCompare } from "../report/compare-terminal.js";
import { renderCompareHtml } from "../report/html/compare-html.js";
import { printJson, printLines } from "./output.js";

interface CompareOptions {
  json?: boolean;
  html?: string;
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("Say whether SUSPECT and REFERENCE share weights: verdict, tags, p-value, evidence")
    .argument("<suspect>", "model folder, .safetensors, .gguf or llama2.c .bin")
    .argument("<reference>", "model folder, .safetensors, .gguf or llama2.c .bin")
    .option("--json", "print the CompareResult as JSON")
    .option("--html <file>", "also write a single-file HTML report")
    .action(async (suspect: string, reference: string, options: CompareOptions) => {
      const result = await compareModels(suspect, reference);
      if (options.json) printJson(result);
      else printLines(renderCompare(result));
      if (options.html !== undefined) {
        // The chart's grey band: the share of same-index units separately trained models reach by
        // chance (about one unit per set).
        const nullBand = { low: 0, high: 0.05, label: "separately trained" };
        await writeFile(options.html, renderCompareHtml(result, { nullBand }));
        process.stderr.write(`lineage: HTML report written to ${options.html}\n`);
      }
    });
}
