import type { Command } from "commander";
import { UsageError } from "../errors.js";

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description("(in development)")
    .action(() => {
      throw new UsageError("'inspect' is not built yet");
    });
}
