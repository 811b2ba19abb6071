#!/usr/bin/env node
/**
 * The `lineage` command. Each sub-command lives in its own file and registers itself here.
 * This is the only place that turns errors into messages and exit codes.
 */
import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { LineageError } from "../errors.js";
import { registerCompare } from "./compare.js";
import { registerInspect } from "./inspect.js";
import { registerLibrary } from "./library.js";
import { refuseEmptyOptionValues } from "./options.js";
import { registerProbe } from "./probe.js";
import { registerTokenizer } from "./tokenizer.js";

export function buildProgram(): Command {
  const program = new Command("lineage")
    .description("Find out what a large language model is really built on.")
    .version("0.1.0")
    .option("--quiet", "no progress display on stderr (it is drawn only when stderr is a terminal)")
    .showHelpAfterError()
    .exitOverride()
    .hook("preAction", (_program, action) => refuseEmptyOptionValues(action));
  registerInspect(program);
  registerTokenizer(program);
  registerCompare(program);
  registerProbe(program);
  registerLibrary(program);
  return program;
}

/** Exit code for a usage error: an unknown option, a missing argument, a bad option value (README). */
export const USAGE_EXIT_CODE = 2;

function report(error: unknown): number {
  // Commander has printed its message already; --help and --version exit 0, every other usage error 2.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  if (error instanceof LineageError) {
    process.stderr.write(`${pc.red("lineage: error:")} ${error.describe()}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${pc.red("lineage: internal error:")} ${message}\n`);
  if (process.env.LINEAGE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 70;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv as string[], { from: "user" });
    return 0;
  } catch (error) {
    return report(error);
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
