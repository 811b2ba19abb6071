/**
 * What a MODEL argument resolves to: one tensor store plus the configuration and tokenizer files found
 * beside it. Opening reads headers only; tensors are read on demand through `store`. Nothing in a model
 * folder is executed or unpickled.
 *
 * Accepted: a Hugging Face folder (config.json, generation_config.json, tokenizer files, one
 * `.safetensors` or shards with `model.safetensors.index.json`); a Hugging Face cache folder
 * (`models--org--name/`, resolved through `refs/main` to `snapshots/REV/`) or a snapshot folder; a
 * `.safetensors`, `.safetensors.index.json`, `.gguf` or llama2.c `.bin` file (recognised by content,
 * not only extension); a folder holding exactly one `.gguf` or one llama2.c `.bin`.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { FormatError, InputNotFoundError } from "../errors.js";
import { firstShardName } from "./gguf/split.js";
import { GgufStore } from "./gguf/store.js";
import { isHfCacheRepo, resolveHfCacheRepo } from "./hf-cache.js";
import { readJsonObject } from "./json-file.js";
import { Llama2cStore } from "./llama2c/store.js";
import { withQuantizationScales } from "./safetensors/block-scales.js";
import { isShardIndexName, openShardedSafetensors } from "./safetensors/shard-index.js";
import { SafetensorsStore } from "./safetensors/store.js";
import { type FileKind, pickleRefused, sniffFile } from "./sniff.js";
import type { TensorStore, WeightFormat } from "./tensor-store.js";

export { MAX_CONFIG_BYTES, readJsonFile } from "./json-file.js";

export interface ModelSource {
  /** The path the user gave. */
  path: string;
  format: WeightFormat;
  store: TensorStore;
  /** Parsed config.json, when there is one. */
  config: Record<string, unknown> | undefined;
  configPath: string | undefined;
  /** Tokenizer files found with the model (tokenizer.json, tokenizer.model, …); GGUF and llama2.c
   * checkpoints may carry their vocabulary inside the weight file instead. */
  tokenizerFiles: string[];
  /** The folder the model was found in (the snapshot folder for a HF cache), or undefined for a file. */
  folder: string | undefined;
  /** The weight files the store reads (shards in index order). */
  weightFiles: string[];
  /** `model.safetensors.index.json` for sharded checkpoints. */
  indexPath: string | undefined;
  /** Parsed generation_config.json, when there is one. */
  generationConfig: Record<string, unknown> | undefined;
  generationConfigPath: string | undefined;
  /** Hugging Face cache coordinates, when the path was a cache folder. */
  hfCache: { repo: string; revision: string } | undefined;
  /** Every entry of the model folder, by name (empty for a file). */
  folderEntries: string[];
}

/** Tokenizer and tokenizer-config files we recognise by name. */
const TOKENIZER_FILE_NAMES = [
  "tokenizer.json",
  "tokenizer.model",
  "tokenizer_config.json",
  "special_tokens_map.json",
  "vocab.json",
  "merges.txt",
  "tokenizer.bin",
];
/** llama2.c tokenizers (`tokenizer.bin`, `tok512.bin`) sit beside weight `.bin` files. */
const LLAMA2C_TOKENIZER = /^(tokenizer|tok\d+)\.bin$/;
/** Mistral's own-format copy of the weights, found beside HF shards; not part of the index. */
const MISTRAL_CONSOLIDATED = /^consolidated(\.\d+)?\.safetensors$/;
/** PyTorch checkpoints: refused, never unpickled. */
const PICKLE_NAME = /(^pytorch_model.*\.bin$|\.pt$|\.pth$|\.ckpt$)/;

async function statOrNotFound(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw new InputNotFoundError("no such file or folder (or a broken symlink)", {
      file: path,
      cause: error,
    });
  }
}

type Opened = { format: WeightFormat; store: TensorStore; weightFiles: string[]; indexPath?: string };

async function openWeightFile(path: string, kind: FileKind): Promise<Opened> {
  switch (kind) {
    case "gguf":
      return { format: "gguf", store: await GgufStore.open(path), weightFiles: [path] };
    case "safetensors":
      return { format: "safetensors", store: await SafetensorsStore.open([path]), weightFiles: [path] };
    case "safetensors-index": {
      const { store } = await openShardedSafetensors(path);
      return { format: "safetensors", store, weightFiles: [...store.files], indexPath: path };
    }
    case "llama2c":
      return { format: "llama2c", store: await Llama2cStore.open(path), weightFiles: [path] };
    case "pickle":
      throw pickleRefused(path);
    case "unknown":
      throw new FormatError(
        "unrecognised model file: not GGUF, safetensors or a llama2.c checkpoint (checked its first bytes)",
        { file: path, field: "format" },
      );
  }
}

function emptySource(path: string, opened: Opened): ModelSource {
  return {
    path,
    format: opened.format,
    store: opened.store,
    config: undefined,
    configPath: undefined,
    tokenizerFiles: [],
    folder: undefined,
    weightFiles: opened.weightFiles,
    indexPath: opened.indexPath,
    generationConfig: undefined,
    generationConfigPath: undefined,
    hfCache: undefined,
    folderEntries: [],
  };
}

async function openFolderWeights(folder: string, names: readonly string[]): Promise<Opened> {
  const indexes = names.filter(isShardIndexName);
  const safetensors = names.filter((name) => name.endsWith(".safetensors")).sort();
  if (indexes.length > 1) {
    throw new FormatError(`folder has ${indexes.length} safetensors index files (${indexes.join(", ")})`, {
      file: folder,
    });
  }
  if (indexes.length === 1) {
    const indexPath = join(folder, indexes[0]!);
    // Mistral ships `consolidated.safetensors` (its own format, same weights) beside the HF shards.
    const shards = safetensors.filter((name) => !MISTRAL_CONSOLIDATED.test(name));
    const { store } = await openShardedSafetensors(indexPath, shards);
    return { format: "safetensors", store, weightFiles: [...store.files], indexPath };
  }
  if (safetensors.length > 0) {
    const paths = safetensors.map((name) => join(folder, name));
    return { format: "safetensors", store: await SafetensorsStore.open(paths), weightFiles: paths };
  }
  const ggufs = names.filter((name) => name.endsWith(".gguf"));
  const firstShard = ggufs.length > 1 ? firstShardName(ggufs) : undefined;
  if (firstShard !== undefined) return openWeightFile(join(folder, firstShard), "gguf");
  if (ggufs.length > 1) {
    throw new FormatError(
      `folder holds ${ggufs.length} .gguf files (${ggufs.join(", ")}): name the one you mean`,
      {
        file: folder,
      },
    );
  }
  if (ggufs.length === 1) return openWeightFile(join(folder, ggufs[0]!), "gguf");
  const pickles = names.filter((name) => PICKLE_NAME.test(name));
  const bins = names.filter(
    (name) => name.endsWith(".bin") && !LLAMA2C_TOKENIZER.test(name) && !PICKLE_NAME.test(name),
  );
  const llama2c: string[] = [];
  for (const name of bins) {
    const kind = await sniffFile(join(folder, name));
    if (kind === "pickle") pickles.push(name);
    if (kind === "llama2c") llama2c.push(name);
  }
  if (llama2c.length > 1) {
    throw new FormatError(
      `folder holds ${llama2c.length} llama2.c checkpoints (${llama2c.join(", ")}): name one`,
      {
        file: folder,
      },
    );
  }
  if (llama2c.length === 1) return openWeightFile(join(folder, llama2c[0]!), "llama2c");
  if (pickles.length > 0) throw pickleRefused(join(folder, pickles[0]!));
  throw new FormatError("folder has no weight files (.safetensors, .gguf or llama2.c .bin)", {
    file: folder,
  });
}

async function optionalJson(folder: string, names: readonly string[], name: string) {
  if (!names.includes(name)) return { path: undefined, value: undefined };
  const path = join(folder, name);
  return { path, value: await readJsonObject(path) };
}

/** config.json, generation_config.json and tokenizer files among `names` in `folder`. */
async function folderFiles(folder: string, names: readonly string[]) {
  const config = await optionalJson(folder, names, "config.json");
  const generation = await optionalJson(folder, names, "generation_config.json");
  const tokenizerFiles = names
    .filter((name) => TOKENIZER_FILE_NAMES.includes(name) || LLAMA2C_TOKENIZER.test(name))
    .map((name) => join(folder, name));
  return {
    config: config.value,
    configPath: config.path,
    generationConfig: generation.value,
    generationConfigPath: generation.path,
    tokenizerFiles,
  };
}

/** Complete an opened store with the configuration and tokenizer files found with it. */
async function describe(
  path: string,
  opened: Opened,
  where: { folder: string | undefined; filesFrom: string; names: string[]; hfCache: ModelSource["hfCache"] },
): Promise<ModelSource> {
  try {
    const files = await folderFiles(where.filesFrom, where.names);
    const store =
      opened.format === "safetensors"
        ? withQuantizationScales(opened.store, files.config, files.configPath)
        : opened.store;
    return {
      path,
      format: opened.format,
      store,
      ...files,
      folder: where.folder,
      weightFiles: opened.weightFiles,
      indexPath: opened.indexPath,
      hfCache: where.hfCache,
      folderEntries: where.folder === undefined ? [] : where.names,
    };
  } catch (error) {
    await opened.store.close();
    throw error;
  }
}

/**
 * Resolve a MODEL argument and open its weights (headers only). A `.safetensors` (or index) file given
 * on its own takes the config.json, generation_config.json and tokenizer files beside it, as
 * transformers does for the folder holding it, so `base-a` and `base-a/model.safetensors` describe the
 * same model; GGUF and llama2.c files carry their own configuration.
 */
export async function openModelSource(path: string): Promise<ModelSource> {
  const info = await statOrNotFound(path);
  if (!info.isDirectory()) {
    const opened = await openWeightFile(path, await sniffFile(path));
    if (opened.format !== "safetensors") return emptySource(path, opened);
    const beside = dirname(resolve(path));
    const names = (await readdir(beside)).sort();
    return describe(path, opened, { folder: undefined, filesFrom: beside, names, hfCache: undefined });
  }
  let folder = resolve(path);
  let hfCache: ModelSource["hfCache"];
  if (await isHfCacheRepo(folder)) {
    const snapshot = await resolveHfCacheRepo(folder);
    folder = snapshot.snapshot;
    hfCache = { repo: snapshot.repo, revision: snapshot.revision };
  }
  const names = (await readdir(folder)).sort();
  const opened = await openFolderWeights(folder, names);
  return describe(path, opened, { folder, filesFrom: folder, names, hfCache });
}

export function displayName(path: string): string {
  return basename(path.replace(/\/+$/, ""));
}
