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
