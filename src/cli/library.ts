import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerLibrary(program: Command): void {
  program
    .command("library")
    .description("(in development)")
    .action(() => {
      throw new UsageError("'library' is not built yet");
    });
}
