import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerProbe(program: Command): void {
  program
    .command("probe")
    .description("(in development)")
    .action(() => {
      throw new UsageError("'probe' is not built yet");
    });
}
