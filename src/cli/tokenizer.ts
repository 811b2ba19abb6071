import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerTokenizer(program: Command): void {
  program
    .command("tokenizer")
    .description("(in development)")
    .action(() => {
      throw new UsageError("'tokenizer' is not built yet");
    });
}
