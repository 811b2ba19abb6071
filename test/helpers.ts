/** Shared test helpers: fixture paths, the optional ../shared data, and running the real CLI. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A path inside the repo's committed `fixtures/` folder. */
export function fixture(...parts: string[]): string {
  return join(repoRoot, "fixtures", ...parts);
}

/** A path inside `../shared` (present on developer machines and CI), or undefined when absent. */
export function shared(...parts: string[]): string | undefined {
  const path = join(repoRoot, "..", "shared", ...parts);
  return existsSync(path) ? path : undefined;
}

/** Skip option for node:test when a ../shared path is missing. */
export function skipUnlessShared(...parts: string[]): { skip: string | false } {
  return { skip: shared(...parts) === undefined ? `../shared/${parts.join("/")} is not present` : false };
}

export interface CliRun {
  /** Exit code (null if the process was killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run the real `lineage` CLI (through tsx) in a child process, colours off. Asynchronous, so a test
 * file can start several runs at once: each spawn costs a second or more on a loaded machine.
 */
export function runLineage(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(repoRoot, "src", "cli", "main.ts"), ...args],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

/** A failed run printed exactly one `lineage: error:` line naming `mentions`, no stack trace, no stdout. */
export function assertOneLineError(run: CliRun, mentions: string): void {
  assert.notEqual(run.code, 0);
  assert.equal(run.stdout, "");
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /^lineage: error: /);
  assert.ok(lines[0]!.includes(mentions), lines[0]);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
}

/**
 * Float arrays equal value for value, bit for bit (so -0 differs from +0), except that every NaN equals
 * every NaN: NaN payloads are not part of a value (WebAssembly and V8 may propagate them differently).
 */
export function assertSameFloats(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      assert.fail(
        `${what}: value ${i}: ${actual[i]} (0x${a[i]!.toString(16)}) vs ${expected[i]} (0x${e[i]!.toString(16)})`,
      );
    }
  }
}
