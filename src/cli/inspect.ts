import type { Command } from "commander";
import pc from "picocolors";
import { openCanonicalModel } from "../naming/open.js";
import { buildInspectReport, inspectJson } from "../report/inspect-report.js";
import { renderInspect } from "../report/inspect-terminal.js";
import { applyRevision, MODEL_HELP, REVISION_HELP, reportHubTraffic } from "./hub-options.js";
import { printJson, printLines } from "./output.js";

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description(
      "Format, architecture, parameter count, dtypes, tensors with canonical names, tokenizer and anything odd",
    )
    .argument("<model>", MODEL_HELP)
    .option("--json", "print everything as JSON")
    .option("--revision <rev>", REVISION_HELP)
    .action(async (path: string, options: { json?: boolean; revision?: string }) => {
      const [spec] = await applyRevision([path], options.revision);
      const model = await openCanonicalModel(spec ?? path);
      try {
        const report = await buildInspectReport(model);
        if (options.json) printJson(inspectJson(report));
        else printLines(renderInspect(report, pc.isColorSupported));
      } finally {
        await model.close();
        reportHubTraffic();
      }
    });
}
