import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerTokenizerCompare(program: Command): void {
  program
    .command("compare")
    .description("(in development)")
    .action(() => {
      throw new UsageError("'compare' is not built yet");
    });
}
