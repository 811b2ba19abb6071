import type { Command } from "commander";
import pc from "picocolors";
import { openCanonicalModel } from "../naming/open.js";
import { buildInspectReport, inspectJson } from "../report/inspect-report.js";
import { renderInspect } from "../report/inspect-terminal.js";
import { printJson, printLines } from "./output.js";

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description(
      "Format, architecture, parameter count, dtypes, tensors with canonical names, tokenizer and anything odd",
    )
    .argument("<model>", "model folder, .safetensors, .gguf or llama2.c .bin")
    .option("--json", "print everything as JSON")
    .action(async (path: string, options: { json?: boolean }) => {
      const model = await openCanonicalModel(path);
      try {
        const report = await buildInspectReport(model);
        if (options.json) printJson(inspectJson(report));
        else printLines(renderInspect(report, pc.isColorSupported));
      } finally {
        await model.close();
      }
    });
}
