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
import { PositionalFile } from "./file-reader.js";
import { refuseSeveralModels } from "./folder-models.js";
import { firstShardName } from "./gguf/split.js";
import { GgufStore } from "./gguf/store.js";
import { isHfCacheRepo, resolveHfCacheRepo } from "./hf-cache.js";
import { MAX_CONFIG_BYTES, parseJsonBytes, readJsonObject } from "./json-file.js";
import { Llama2cStore } from "./llama2c/store.js";
import { localModelFolder, type ModelFolder } from "./model-folder.js";
import { configFromModelArgs } from "./pytorch/checkpoint-config.js";
import { openPytorchFolder } from "./pytorch/folder.js";
import { PytorchStore } from "./pytorch/store.js";
import { openAll, type RangeSource } from "./range-source.js";
import { withQuantizationScales } from "./safetensors/block-scales.js";
import { isShardIndexName, openShardedSafetensors } from "./safetensors/shard-index.js";
import { missingShards, shardSetOf } from "./safetensors/shard-names.js";
import { SafetensorsStore } from "./safetensors/store.js";
import { type FileKind, SNIFF_BYTES, sniffBytes, sniffFile } from "./sniff.js";
import type { TensorStore, WeightFormat } from "./tensor-store.js";
import { chooseGguf } from "./weight-choice.js";

export { MAX_CONFIG_BYTES, readJsonFile } from "./json-file.js";
export type { Opened };

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
  /** Ollama coordinates, when the model was named through Ollama's store. */
  ollama?: { manifest: string; blob: string; otherLayers: string[] };
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
/** PyTorch checkpoints by name (read by interpreting their pickle, never by running it). */
export const PICKLE_NAME = /(^pytorch_model.*\.bin$|\.pt$|\.pth$|\.ckpt$)/;
/** What transformers' Trainer saves beside a checkpoint (trainer.py: TRAINING_ARGS_NAME, OPTIMIZER_NAME,
 * SCHEDULER_NAME, SCALER_NAME, `rng_state*.pth`): pickles, but not weights, so never a model. */
const TRAINER_STATE = /^(training_args\.bin|optimizer\.pt|scheduler\.pt|scaler\.pt|rng_state(_\d+)?\.pth)$/;

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

type Opened = {
  format: WeightFormat;
  store: TensorStore;
  weightFiles: string[];
  indexPath?: string;
  /** Configuration carried with the weights (a PyTorch checkpoint's `model_args`, Meta's params.json). */
  config?: Record<string, unknown>;
  /** The file that configuration came from, when it is not the checkpoint itself. */
  configPath?: string;
};

/** Open one weight file of a known kind from an opened source (closed on failure). */
export async function openWeightSource(source: RangeSource, kind: FileKind): Promise<Opened> {
  const weightFiles = [source.name];
  switch (kind) {
    case "gguf": {
      if (source instanceof PositionalFile) {
        // A local file may be the first shard of a split model: GgufStore.open finds the others by name.
        await source.close();
        const store = await GgufStore.open(source.path);
        return { format: "gguf", store, weightFiles: [...store.files] };
      }
      return { format: "gguf", store: await GgufStore.fromSource(source), weightFiles };
    }
    case "safetensors":
      return { format: "safetensors", store: await SafetensorsStore.fromSources([source]), weightFiles };
    case "llama2c":
      return { format: "llama2c", store: await Llama2cStore.fromSource(source), weightFiles };
    case "pickle": {
      const store = await PytorchStore.fromSource(source);
      return { format: "pytorch", store, weightFiles, config: store.impliedConfig };
    }
    case "safetensors-index":
    case "unknown":
      await source.close();
      throw new FormatError(
        "unrecognised model file: not GGUF, safetensors, a llama2.c or a PyTorch checkpoint (checked its first bytes)",
        { file: source.name, field: "format" },
      );
  }
}

/** The kind of weight file behind a source, from its first bytes (and its name). */
export async function sniffSource(source: RangeSource, name: string): Promise<FileKind> {
  const bytes = await source.read(0, Math.min(SNIFF_BYTES, source.size), "format");
  return sniffBytes(bytes, name);
}

/** The error for a sharded checkpoint with shards missing: it names the first and counts the rest. */
function missingShardError(path: string, missing: readonly string[]): InputNotFoundError {
  const more =
    missing.length > 1
      ? ` (and ${missing.length - 1} more: ${missing.slice(1, 4).join(", ")}${missing.length > 4 ? ", …" : ""})`
      : "";
  return new InputNotFoundError(
    `shard ${basename(path)} is missing${more}: a sharded checkpoint is incomplete without every shard (interrupted download?)`,
    { file: path },
  );
}

/**
 * For a safetensors shard given on its own (`model-00001-of-00003.safetensors`): the index beside it
 * when there is one, else every shard of its set, each of which must exist. Undefined for other files.
 */
async function shardSet(path: string): Promise<{ index: string } | { shards: string[] } | undefined> {
  const shards = shardSetOf(path);
  if (shards === undefined) return undefined;
  const folder = dirname(resolve(path));
  const names = await readdir(folder);
  const index = names.find(isShardIndexName);
  if (index !== undefined) return { index: join(folder, index) };
  const missing = missingShards(shards.map((shard) => basename(shard)));
  if (missing.length > 0) throw missingShardError(join(folder, missing[0]!), missing);
  return { shards };
}

async function openWeightFile(
  path: string,
  kind: FileKind,
  set?: { index: string } | { shards: string[] },
): Promise<Opened> {
  if (kind === "safetensors" && set !== undefined) {
    if ("index" in set) return openWeightFile(set.index, "safetensors-index");
    const store = await SafetensorsStore.open(set.shards);
    return { format: "safetensors", store, weightFiles: [...store.files] };
  }
  if (kind === "safetensors-index") {
    const { store } = await openShardedSafetensors(path);
    return { format: "safetensors", store, weightFiles: [...store.files], indexPath: path };
  }
  return openWeightSource(await PositionalFile.open(path), kind);
}

function emptySource(path: string, opened: Opened): ModelSource {
  return {
    path,
    format: opened.format,
    store: opened.store,
    config: opened.config,
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

async function openNamed(folder: ModelFolder, name: string, kind: FileKind): Promise<Opened> {
  return openWeightSource(await folder.open(name), kind);
}

/** The `.bin` files of a folder that are neither tokenizers nor named as PyTorch checkpoints, by the
 * kind their first bytes show (llama2.c checkpoints, and PyTorch pickles under other names). */
async function sniffBins(folder: ModelFolder, names: readonly string[]) {
  const bins = names.filter(
    (name) =>
      name.endsWith(".bin") &&
      !LLAMA2C_TOKENIZER.test(name) &&
      !PICKLE_NAME.test(name) &&
      !TRAINER_STATE.test(name),
  );
  const llama2c: string[] = [];
  const pickles: string[] = [];
  for (const name of bins) {
    const source = await folder.open(name);
    const kind = await sniffSource(source, name).finally(() => source.close());
    if (kind === "pickle") pickles.push(name);
    if (kind === "llama2c") llama2c.push(name);
  }
  return { llama2c, pickles };
}

async function openFolderWeights(folder: ModelFolder): Promise<Opened> {
  const names = folder.names.filter((name) => !name.includes("/"));
  const indexes = names.filter(isShardIndexName);
  const safetensors = names.filter((name) => name.endsWith(".safetensors")).sort();
  if (indexes.length > 1) {
    throw new FormatError(`folder has ${indexes.length} safetensors index files (${indexes.join(", ")})`, {
      file: folder.location,
    });
  }
  // Mistral ships `consolidated.safetensors` (its own format, same weights) beside the HF shards.
  const indexed =
    indexes.length === 1 ? safetensors.filter((name) => !MISTRAL_CONSOLIDATED.test(name)) : safetensors;
  const ggufNames = names.filter((name) => name.toLowerCase().endsWith(".gguf"));
  const sniffed = await sniffBins(folder, names);
  const pickles = [
    ...names.filter((name) => PICKLE_NAME.test(name) && !TRAINER_STATE.test(name)),
    ...sniffed.pickles,
  ];
  refuseSeveralModels(
    { safetensors: indexed, index: indexes[0], ggufs: ggufNames, llama2c: sniffed.llama2c, pickles, names },
    folder.location,
  );
  if (indexes.length === 1) {
    const indexName = indexes[0]!;
    const indexPath = folder.pathOf(indexName);
    const { store } = await openShardedSafetensors(indexPath, indexed, {
      readIndex: async () => parseJsonBytes(await folder.readSmall(indexName, MAX_CONFIG_BYTES), indexPath),
      open: (shard) => folder.open(shard),
    });
    return { format: "safetensors", store, weightFiles: [...store.files], indexPath };
  }
  if (safetensors.length > 0) {
    // Without an index the shard names are the only record of the set: all M must be there.
    const missing = missingShards(safetensors);
    if (missing.length > 0) throw missingShardError(folder.pathOf(missing[0]!), missing);
    const store = await SafetensorsStore.fromSources(await openAll(safetensors, (name) => folder.open(name)));
    return { format: "safetensors", store, weightFiles: [...store.files] };
  }
  // A split model's shards all end in .gguf: open its first shard, which reads the others.
  const firstShard = ggufNames.length > 1 ? firstShardName(ggufNames) : undefined;
  const gguf = firstShard ?? chooseGguf(names, folder.location);
  if (gguf !== undefined) return openNamed(folder, gguf, "gguf");
  const llama2c = sniffed.llama2c;
  if (llama2c.length > 1) {
    throw new FormatError(
      `folder holds ${llama2c.length} llama2.c checkpoints (${llama2c.join(", ")}): name the one you mean`,
      { file: folder.location },
    );
  }
  if (llama2c.length === 1) return openNamed(folder, llama2c[0]!, "llama2c");
  if (pickles.length > 0) return openPytorchFolder(folder, pickles);
  throw new FormatError(
    "folder has no weight files (.safetensors, .gguf, llama2.c .bin or PyTorch .bin/.pt/.pth)",
    { file: folder.location },
  );
}

async function optionalJson(folder: string, names: readonly string[], name: string) {
  if (!names.includes(name)) return { path: undefined, value: undefined };
  const path = join(folder, name);
  return { path, value: await readJsonObject(path) };
}

/** config.json, generation_config.json and tokenizer files among `names` in the local folder `local`. */
async function filesBeside(local: string, names: readonly string[]) {
  let config = await optionalJson(local, names, "config.json");
  // Meta's and Mistral's own checkpoints (consolidated*.safetensors) carry params.json instead: the same
  // figures under Meta's ModelArgs names, read as config.json keys.
  if (config.value === undefined && names.includes("params.json")) {
    const params = await optionalJson(local, names, "params.json");
    const translated = params.value === undefined ? undefined : configFromModelArgs(params.value);
    if (translated !== undefined && params.path !== undefined)
      config = { path: params.path, value: translated };
  }
  const generation = await optionalJson(local, names, "generation_config.json");
  const tokenizerFiles = names
    .filter((name) => TOKENIZER_FILE_NAMES.includes(name) || LLAMA2C_TOKENIZER.test(name))
    .map((name) => join(local, name));
  return { config, generation, tokenizerFiles };
}

/** Safetensors weights with scale tensors read dequantized (see safetensors/block-scales.ts). */
function scaled(opened: Opened, config: Record<string, unknown> | undefined, configPath: string | undefined) {
  return opened.format === "safetensors"
    ? withQuantizationScales(opened.store, config, configPath)
    : opened.store;
}

/**
 * Resolve a MODEL path on this machine and open its weights (headers only). A `.safetensors` (or index)
 * file given on its own takes the config.json, generation_config.json and tokenizer files beside it, as
 * transformers does for the folder holding it, so `base-a` and `base-a/model.safetensors` describe the
 * same model; GGUF and llama2.c files carry their own configuration.
 */
export async function openModelSource(path: string): Promise<ModelSource> {
  const info = await statOrNotFound(path);
  if (!info.isDirectory()) {
    const opened = await openWeightFile(path, await sniffFile(path), await shardSet(path));
    if (opened.format !== "safetensors") return emptySource(path, opened);
    try {
      const local = dirname(resolve(path));
      const { config, generation, tokenizerFiles } = await filesBeside(local, (await readdir(local)).sort());
      return {
        ...emptySource(path, opened),
        store: scaled(opened, config.value, config.path),
        config: config.value,
        configPath: config.path,
        tokenizerFiles,
        generationConfig: generation.value,
        generationConfigPath: generation.path,
      };
    } catch (error) {
      await opened.store.close();
      throw error;
    }
  }
  let folder = resolve(path);
  let hfCache: ModelSource["hfCache"];
  if (await isHfCacheRepo(folder)) {
    const snapshot = await resolveHfCacheRepo(folder);
    folder = snapshot.snapshot;
    hfCache = { repo: snapshot.repo, revision: snapshot.revision };
  }
  return openModelFolder(path, await localModelFolder(folder), hfCache);
}

/**
 * Open the weights of a model folder (local or a Hub repository) and gather its configuration and
 * tokenizer files, which are read from `folder.localFolder`. `path` is what the user gave.
 */
export async function openModelFolder(
  path: string,
  folder: ModelFolder,
  hfCache: ModelSource["hfCache"] = undefined,
): Promise<ModelSource> {
  const local = folder.localFolder;
  const names = folder.names.filter((name) => !name.includes("/"));
  const opened = await openFolderWeights(folder);
  try {
    const { config, generation, tokenizerFiles } = await filesBeside(local, names);
    return {
      path,
      format: opened.format,
      store: scaled(opened, config.value, config.path),
      config: config.value ?? opened.config,
      configPath: config.path ?? opened.configPath,
      tokenizerFiles,
      folder: local,
      weightFiles: opened.weightFiles,
      indexPath: opened.indexPath,
      generationConfig: generation.value,
      generationConfigPath: generation.path,
      hfCache,
      folderEntries: [...folder.names],
    };
  } catch (error) {
    await opened.store.close();
    throw error;
  }
}

export function displayName(path: string): string {
  return basename(path.replace(/\/+$/, ""));
}
