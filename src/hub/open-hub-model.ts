/**
 * Open a model on the Hugging Face Hub. The revision (`@REV`, `--revision`, else `main`) is resolved to
 * a commit by the metadata API; a copy in huggingface_hub's own cache (`HF_HUB_CACHE`,
 * `models--ORG--NAME/snapshots/<commit>/`) is read from disk when it holds that commit's weights;
 * otherwise headers, configuration and tokenizer files are fetched and tensors are read by byte ranges.
 * With `HF_HUB_OFFLINE=1` nothing is requested: the revision comes from the HF cache's `refs/` or from
 * lineage's cached metadata.
 */
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ApiError, FormatError, InputNotFoundError } from "../errors.js";
import { type ModelSource, openModelFolder, openModelSource } from "../formats/model-source.js";
import { formatHubAddress, type HubAddress } from "./hub-address.js";
import { HubClient, type RepoInfo } from "./hub-client.js";
import { hubFolder } from "./hub-folder.js";
import { type HubSettings, hubSettings } from "./hub-settings.js";
import { repoCacheFolder } from "./range-cache.js";

export interface HubOpenOptions {
  /** Default: from the environment (`hubSettings()`). */
  settings?: HubSettings;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
  /** Used when the address names no revision (`--revision`); default `main`. */
  revision?: string;
  /** Client options beyond settings and fetch (timeouts, retries, backoff). */
  client?: Partial<ConstructorParameters<typeof HubClient>[0]>;
}

const COMMIT = /^[0-9a-f]{40}$/;

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** huggingface_hub's cache folder of a model repository. */
export function hfCacheRepoFolder(hubCache: string, repo: string): string {
  return join(hubCache, `models--${repo.replace("/", "--")}`);
}

/** The commit a revision names in the HF cache (a commit itself, or `refs/<revision>`), if known there. */
async function hfCacheCommit(hubCache: string, repo: string, revision: string): Promise<string | undefined> {
  const folder = hfCacheRepoFolder(hubCache, repo);
  if (COMMIT.test(revision))
    return (await isDirectory(join(folder, "snapshots", revision))) ? revision : undefined;
  try {
    const commit = (await readFile(join(folder, "refs", revision), "utf8")).trim();
    return COMMIT.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

interface CachedInfo {
  etag: string | undefined;
  info: RepoInfo;
}

function infoCachePath(settings: HubSettings, repo: string, revision: string): string {
  return join(
    repoCacheFolder(settings.cacheDir, settings.endpoint, repo),
    "api",
    `${encodeURIComponent(revision)}.json`,
  );
}

async function readCachedInfo(path: string): Promise<CachedInfo | undefined> {
  try {
    const value = JSON.parse(await readFile(path, "utf8")) as CachedInfo;
    return typeof value.info?.sha === "string" && Array.isArray(value.info.files) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function writeCachedInfo(path: string, value: CachedInfo): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(value));
  await rename(temporary, path);
}

/** Repository metadata at a revision: revalidated with the Hub (a 304 costs no body), or from the cache
 * when offline. A commit's metadata never changes, so it is not asked for again. */
async function repoInfo(
  client: HubClient,
  settings: HubSettings,
  repo: string,
  revision: string,
): Promise<RepoInfo> {
  const path = infoCachePath(settings, repo, revision);
  const cached = await readCachedInfo(path);
  if (cached !== undefined && (settings.offline || COMMIT.test(revision))) return cached.info;
  if (settings.offline) {
    throw new InputNotFoundError(
      `HF_HUB_OFFLINE is set and neither the Hugging Face cache (${settings.hubCache}) nor lineage's cache holds this revision`,
      { file: `hf://${repo}@${revision}` },
    );
  }
  const answer = await client.repoInfo({ repo, revision }, cached?.etag);
  if (answer.notModified && cached !== undefined) return cached.info;
  if (answer.info === undefined)
    throw new ApiError("the Hub sent no repository metadata", { file: `hf://${repo}` });
  await writeCachedInfo(path, { etag: answer.etag, info: answer.info });
  return answer.info;
}

/** Open `address` (`spec` is what the user typed, kept as the model's path for display). */
export async function openHubModel(
  spec: string,
  address: HubAddress,
  options: HubOpenOptions = {},
): Promise<ModelSource> {
  const settings = options.settings ?? hubSettings();
  const revision = address.revision ?? options.revision ?? "main";
  const client = new HubClient({
    ...options.client,
    settings,
    fetch: options.fetch ?? options.client?.fetch,
  });
  const subfolder =
    address.file?.includes("/") === true ? address.file.slice(0, address.file.lastIndexOf("/")) : undefined;
  const file = address.file === undefined ? undefined : address.file.slice(address.file.lastIndexOf("/") + 1);

  // huggingface_hub's cache first: offline, any revision it knows; online, a full commit it holds (a
  // commit's files never change, so the Hub is not asked), else the commit the Hub names.
  let commit =
    settings.offline || COMMIT.test(revision)
      ? await hfCacheCommit(settings.hubCache, address.repo, revision)
      : undefined;
  let info: RepoInfo | undefined;
  if (commit === undefined) {
    info = await repoInfo(client, settings, address.repo, revision);
    commit = info.sha;
  }
  const snapshot = join(hfCacheRepoFolder(settings.hubCache, address.repo), "snapshots", commit);
  if (await isDirectory(snapshot)) {
    const local = join(snapshot, address.file ?? "");
    try {
      const source = await openModelSource(local);
      return { ...source, path: spec, hfCache: { repo: address.repo, revision: commit } };
    } catch (error) {
      // A snapshot without the weights (only config files were downloaded) is read from the Hub.
      if (
        !(error instanceof FormatError || error instanceof InputNotFoundError) ||
        (info === undefined && settings.offline)
      ) {
        throw error;
      }
      info ??= await repoInfo(client, settings, address.repo, revision);
    }
  }
  if (info === undefined) info = await repoInfo(client, settings, address.repo, commit);
  if (address.file !== undefined && !info.files.some((entry) => entry.name === address.file)) {
    throw new InputNotFoundError(`the repository has no file ${address.file}`, {
      file: formatHubAddress({ ...address, revision: commit, file: undefined }),
    });
  }
  const folder = await hubFolder(
    client,
    settings.cacheDir,
    { repo: address.repo, commit, info },
    { subfolder, file },
  );
  return openModelFolder(spec, folder, { repo: address.repo, revision: commit });
}
