/** Runs the real `lineage` CLI (through tsx) and returns its exit status and output. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../helpers.js";

export function runLineage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "src", "cli", "main.ts"), ...args],
    {
      encoding: "utf8",
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
