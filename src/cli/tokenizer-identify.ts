import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerTokenizerIdentify(program: Command): void {
  program
    .command("identify")
    .description("(in development)")
    .action(() => {
      throw new UsageError("'identify' is not built yet");
    });
}
