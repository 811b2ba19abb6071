/** Shared test helpers: paths to committed fixtures and to the optional ../shared data. */
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
