/**
 * Where the Hub is and who we are to it, from the environment variables huggingface_hub reads
 * (huggingface_hub/constants.py): `HF_ENDPOINT` (default https://huggingface.co), `HF_TOKEN`, else the
 * token file `huggingface-cli login` writes at `HF_TOKEN_PATH` (default `$HF_HOME/token`); `HF_HOME`
 * (default `$XDG_CACHE_HOME/huggingface`, `~/.cache/huggingface`), `HF_HUB_CACHE` (default
 * `$HF_HOME/hub`; the older `HUGGINGFACE_HUB_CACHE` too), `HF_HUB_OFFLINE` (1/ON/YES/TRUE).
 * lineage's own cache of fetched byte ranges lives in `LINEAGE_CACHE` (default
 * `$XDG_CACHE_HOME/lineage`, `~/.cache/lineage`).
 */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const DEFAULT_ENDPOINT = "https://huggingface.co";

/** A token file is one line; anything longer is not a token. */
const MAX_TOKEN_FILE_BYTES = 4096;

export interface HubSettings {
  /** Without a trailing slash. */
  endpoint: string;
  /** Secret: sent as `Authorization: Bearer …` to the endpoint only; never printed, logged or cached. */
  token: string | undefined;
  /** Where the token came from, for messages (`HF_TOKEN`, the token file's path), never the token. */
  tokenSource: string | undefined;
  /** huggingface_hub's cache (`models--org--name/…`), read when it holds the revision asked for. */
  hubCache: string;
  /** No network: only the HF cache and lineage's own cache are read. */
  offline: boolean;
  /** lineage's cache of fetched metadata and byte ranges. */
  cacheDir: string;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && ["1", "ON", "YES", "TRUE"].includes(value.toUpperCase());
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}

function readTokenFile(path: string): string | undefined {
  try {
    const info = statSync(path);
    if (!info.isFile() || info.size > MAX_TOKEN_FILE_BYTES) return undefined; // a named pipe would hang
    const text = readFileSync(path, "utf8");
    if (text.length > MAX_TOKEN_FILE_BYTES) return undefined;
    const token = text.trim();
    return token === "" ? undefined : token;
  } catch {
    return undefined;
  }
}

/** Settings from an environment (default `process.env`). */
export function hubSettings(env: NodeJS.ProcessEnv = process.env): HubSettings {
  const cacheHome = expandHome(env.XDG_CACHE_HOME || join(homedir(), ".cache"));
  const hfHome = expandHome(env.HF_HOME || join(cacheHome, "huggingface"));
  const hubCache = expandHome(env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || join(hfHome, "hub"));
  const tokenPath = expandHome(env.HF_TOKEN_PATH || join(hfHome, "token"));
  let token = env.HF_TOKEN?.trim() || undefined;
  let tokenSource = token === undefined ? undefined : "HF_TOKEN";
  if (token === undefined) {
    token = readTokenFile(tokenPath);
    tokenSource = token === undefined ? undefined : tokenPath;
  }
  return {
    endpoint: (env.HF_ENDPOINT || DEFAULT_ENDPOINT).replace(/\/+$/, ""),
    token,
    tokenSource,
    hubCache,
    offline: isTrue(env.HF_HUB_OFFLINE) || isTrue(env.TRANSFORMERS_OFFLINE),
    cacheDir: expandHome(env.LINEAGE_CACHE || join(cacheHome, "lineage")),
  };
}
