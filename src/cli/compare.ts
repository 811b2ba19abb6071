import type { Command } from "commander";
import { compareModels } from "../compare/compare-models.js";
import { renderCompare } from "../report/compare-terminal.js";
import { printJson, printLines } from "./output.js";

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("Say whether SUSPECT's weights come from REFERENCE: verdict, tags, p-value, evidence")
    .argument("<suspect>", "model folder, .safetensors, .gguf or llama2.c .bin")
    .argument("<reference>", "model folder, .safetensors, .gguf or llama2.c .bin")
    .option("--json", "print the CompareResult as JSON")
    .option("--permutations <n>", "permutations per layer test", (value) => Number.parseInt(value, 10))
    .action(
      async (suspect: string, reference: string, options: { json?: boolean; permutations?: number }) => {
        const result = await compareModels(suspect, reference, { permutations: options.permutations });
        if (options.json) printJson(result);
        else printLines(renderCompare(result));
      },
    );
}
