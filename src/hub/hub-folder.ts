/**
 * A Hub repository at one commit as a ModelFolder: the file listing comes from the metadata API, weight
 * files open as HubFileSources (range reads), and the small files that readers take as paths (config,
 * tokenizer, model card, indexes) are fetched whole into lineage's cache, in a snapshot folder laid out
 * like huggingface_hub's: `<cacheDir>/hub/<host>/models--ORG--NAME/snapshots/<commit>/`.
 */
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { FormatError, InputNotFoundError } from "../errors.js";
import { type ModelFolder, readWhole } from "../formats/model-folder.js";
import type { HubClient, RepoInfo } from "./hub-client.js";
import { HubFileSource } from "./hub-file-source.js";
import { repoCacheFolder } from "./range-cache.js";

/** Files fetched whole: what the readers of configuration, tokenizers and model cards open by path. */
const SMALL_FILE =
  /^(config\.json|generation_config\.json|params\.json|adapter_config\.json|README\.md|tokenizer\.json|tokenizer\.model|tokenizer_config\.json|special_tokens_map\.json|vocab\.json|merges\.txt|tokenizer\.bin|tok\d+\.bin|[^/]+\.tiktoken|model\.safetensors\.index\.json|pytorch_model\.bin\.index\.json)$/;

/** Largest small file fetched whole (Gemma's tokenizer.json is 33 MB). */
export const MAX_SMALL_FILE_BYTES = 64 * 1024 * 1024;

export interface HubRepoAt {
  repo: string;
  commit: string;
  info: RepoInfo;
}

async function fileSize(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => (info.isFile() ? info.size : undefined),
    () => undefined,
  );
}

/** Which part of a repository a folder shows: a subfolder (Meta's `original/`), or one weight file and
 * the small files beside it. */
export interface HubFolderView {
  /** Files under this folder of the repository, named relative to it. */
  subfolder?: string;
  /** Only this weight file (relative to `subfolder`) and the small files; other weights are hidden. */
  file?: string;
}

/** Build the folder of `repo` at `commit`, fetching its small files (once: they are cached). */
export async function hubFolder(
  client: HubClient,
  cacheDir: string,
  at: HubRepoAt,
  view: HubFolderView = {},
): Promise<ModelFolder> {
  const prefix =
    view.subfolder === undefined || view.subfolder === "" ? "" : `${view.subfolder.replace(/\/+$/, "")}/`;
  const sizes = new Map<string, number | undefined>();
  for (const file of at.info.files) {
    if (file.name.startsWith(prefix)) sizes.set(file.name.slice(prefix.length), file.size);
  }
  const names = [...sizes.keys()].filter(
    (name) =>
      view.file === undefined || name === view.file || (SMALL_FILE.test(name) && !/index\.json$/.test(name)),
  );
  const snapshot = join(repoCacheFolder(cacheDir, client.endpoint, at.repo), "snapshots", at.commit, prefix);
  const location = `hf://${at.repo}@${at.commit}${prefix === "" ? "" : `/${prefix.slice(0, -1)}`}`;
  const pathOf = (name: string) => `${location}/${name}`;
  const remoteName = (name: string) => `${prefix}${name}`;
  const sizeOf = async (name: string): Promise<number> => {
    if (!sizes.has(name)) {
      throw new InputNotFoundError("no such file in the repository", { file: location, field: name });
    }
    const size = sizes.get(name);
    if (size !== undefined) return size;
    // A listing without sizes: a one-byte range tells the size (Content-Range).
    const probe = await client.range({ repo: at.repo, revision: at.commit, file: remoteName(name) }, 0, 1);
    if (probe.size === undefined)
      throw new FormatError("the Hub did not give the file's size", { file: pathOf(name) });
    sizes.set(name, probe.size);
    return probe.size;
  };
  const folder: ModelFolder = {
    location,
    names,
    localFolder: snapshot,
    pathOf,
    async open(name) {
      const size = await sizeOf(name);
      return HubFileSource.open(client, cacheDir, {
        repo: at.repo,
        commit: at.commit,
        file: remoteName(name),
        size,
      });
    },
    async readSmall(name, maxBytes) {
      const local = join(snapshot, name);
      const size = await sizeOf(name);
      if (size > maxBytes) {
        throw new FormatError(`${size}-byte file exceeds the ${maxBytes}-byte limit`, { file: pathOf(name) });
      }
      if ((await fileSize(local)) === size) return new Uint8Array(await readFile(local));
      const bytes = await readWhole(folder, name, maxBytes);
      await mkdir(dirname(local), { recursive: true });
      const temporary = `${local}.${process.pid}.tmp`;
      await writeFile(temporary, bytes);
      await rename(temporary, local);
      return bytes;
    },
  };
  for (const name of names) {
    if (!SMALL_FILE.test(name)) continue;
    const size = sizes.get(name);
    if (size !== undefined && size > MAX_SMALL_FILE_BYTES) continue;
    await folder.readSmall(name, MAX_SMALL_FILE_BYTES);
  }
  return folder;
}
