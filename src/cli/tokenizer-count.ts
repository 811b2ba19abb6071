import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerTokenizerCount(program: Command): void {
  program
    .command("count")
    .description("(in development)")
    .action(() => {
      throw new UsageError("'count' is not built yet");
    });
}
