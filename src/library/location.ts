/** Where the fingerprint library lives: `--library PATH`, else `$LINEAGE_LIBRARY`, else `~/.lineage/library.db`. */
import { homedir } from "node:os";
import { join } from "node:path";

export function libraryPath(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option !== undefined && option !== "") return option;
  const fromEnv = env.LINEAGE_LIBRARY;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return join(homedir(), ".lineage", "library.db");
}
