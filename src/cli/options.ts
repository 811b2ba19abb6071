/**
 * Checks on command-line values, shared by every command: numbers within bounds, output files that can
 * be written. They run before any work starts, so a typo costs nothing and never an hour of compute.
 */
import { constants } from "node:fs";
import { access, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { UsageError } from "../errors.js";

export interface IntegerBounds {
  min: number;
  /** Inclusive; default Number.MAX_SAFE_INTEGER. */
  max?: number;
  /** Why `min` is the minimum, appended to the message (e.g. "fewer cannot support a p-value of 0.01"). */
  reason?: string;
}

/** `value` as an integer within bounds, or a UsageError (exit code 2) naming `option`. */
export function parseInteger(value: string, option: string, bounds: IntegerBounds): number {
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  const n = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < bounds.min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${bounds.min}` : `${bounds.min} to ${max}`;
    throw new UsageError(
      `${option} must be an integer ${range}, got '${value}'${bounds.reason ? ` (${bounds.reason})` : ""}`,
      { field: option },
    );
  }
  return n;
}

/** A commander argument parser for an integer option: bad values fail while the command line is read. */
export function integerOption(option: string, bounds: IntegerBounds): (value: string) => number {
  return (value) => {
    try {
      return parseInteger(value, option, bounds);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message.replace(`${option} must be`, "must be"));
    }
  };
}

/** Options whose empty value means something (`--notes ""`: no notes). */
const EMPTY_ALLOWED = new Set(["notes"]);

/**
 * A UsageError for any option of `command` (or of the program, for global ones) given an empty value:
 * `--html ""` or `--library "$UNSET"` is a mistake on the command line, not a file named "" (which then
 * reads as "exists and is not a file") nor a cue to fall back to a default. Run before every action.
 */
export function refuseEmptyOptionValues(command: Command): void {
  for (let current: Command | null = command; current !== null; current = current.parent) {
    for (const option of current.options) {
      const key = option.attributeName();
      if (EMPTY_ALLOWED.has(key) || current.getOptionValue(key) !== "") continue;
      throw new UsageError(`needs ${option.flags.split(" ")[1] ?? "a value"}, got an empty value`, {
        field: option.long ?? option.flags,
      });
    }
  }
}

/**
 * Throws a UsageError naming `option` unless `file` can be written: its folder exists and is writable,
 * and the file itself, if present, is a writable regular file. Checked before the work, not after.
 */
export async function assertWritable(file: string, option: string): Promise<void> {
  if (file === "") throw new UsageError("needs a file name, got an empty value", { field: option });
  const path = resolve(file);
  const existing = await stat(path).catch(() => undefined);
  if (existing !== undefined) {
    if (!existing.isFile()) throw new UsageError(`${file} exists and is not a file`, { field: option });
    await access(path, constants.W_OK).catch(() => {
      throw new UsageError(`${file} is not writable`, { field: option });
    });
    return;
  }
  const folder = dirname(path);
  const parent = await stat(folder).catch(() => undefined);
  if (parent === undefined || !parent.isDirectory()) {
    throw new UsageError(`cannot write ${file}: folder ${folder} does not exist`, { field: option });
  }
  await access(folder, constants.W_OK).catch(() => {
    throw new UsageError(`cannot write ${file}: folder ${folder} is not writable`, { field: option });
  });
}

/** Writes an output file named on the command line; a failure is one line naming the file, not a crash. */
export async function writeOutput(file: string, text: string, option: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`, {
      field: option,
      cause: error,
    });
  }
}
