/**
 * Sharded safetensors checkpoints: `model.safetensors.index.json` maps every tensor name to the shard
 * file holding it (`{ "metadata": {...}, "weight_map": { name: "model-00001-of-00002.safetensors" } }`).
 * The index is checked against the shards' own headers: a tensor the index names but no shard holds, a
 * tensor held by a different shard than the index says, a shard the index names but that is missing,
 * and a tensor or shard file the index does not mention are all FormatErrors naming the index file.
 */
import { basename, dirname, isAbsolute, join, normalize, sep } from "node:path";
import { FormatError, InputNotFoundError } from "../../errors.js";
import { PositionalFile } from "../file-reader.js";
import { readJsonFile } from "../json-file.js";
import type { RangeSource } from "../range-source.js";
import { SafetensorsStore } from "./store.js";

export const SHARD_INDEX_NAME = "model.safetensors.index.json";
/** More tensors than any real checkpoint has (DeepSeek-V3 has ~92k); bounds work on a hostile index. */
export const MAX_INDEX_TENSORS = 1 << 20;

export interface ShardIndex {
  /** Path of the index file. */
  path: string;
  /** Tensor name → shard file name (relative to the index's folder), as written. */
  weightMap: Map<string, string>;
  /** Distinct shard file names, in first-mention order. */
  shards: string[];
  metadata: Record<string, unknown>;
}

function checkShardName(name: string, file: string, field: string): void {
  const normalised = normalize(name);
  if (
    name === "" ||
    isAbsolute(name) ||
    normalised.startsWith(`..${sep}`) ||
    normalised === ".." ||
    name.includes("\0")
  ) {
    throw new FormatError(`shard name ${JSON.stringify(name)} must be a file inside the model folder`, {
      file,
      field,
    });
  }
  if (!name.endsWith(".safetensors")) {
    throw new FormatError(`shard name ${JSON.stringify(name)} is not a .safetensors file`, { file, field });
  }
}

/** Parse and validate an index file's JSON (not the shards themselves). */
export function parseShardIndex(raw: unknown, path: string): ShardIndex {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new FormatError("index must be a JSON object", { file: path, field: "index" });
  }
  const record = raw as Record<string, unknown>;
  const map = record.weight_map;
  if (map === null || typeof map !== "object" || Array.isArray(map)) {
    throw new FormatError("weight_map must be an object mapping tensor names to shard files", {
      file: path,
      field: "weight_map",
    });
  }
  const entries = Object.entries(map as Record<string, unknown>);
  if (entries.length === 0) throw new FormatError("weight_map is empty", { file: path, field: "weight_map" });
  if (entries.length > MAX_INDEX_TENSORS) {
    throw new FormatError(
      `weight_map has ${entries.length} tensors, more than the ${MAX_INDEX_TENSORS} limit`,
      {
        file: path,
        field: "weight_map",
      },
    );
  }
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  const seenShards = new Set<string>();
  for (const [name, shard] of entries) {
    const field = `weight_map.${name}`;
    if (typeof shard !== "string") {
      throw new FormatError("shard must be a file name string", { file: path, field });
    }
    checkShardName(shard, path, field);
    weightMap.set(name, shard);
    if (!seenShards.has(shard)) {
      seenShards.add(shard);
      shards.push(shard);
    }
  }
  const metadata = record.metadata;
  return {
    path,
    weightMap,
    shards,
    metadata:
      metadata !== null && typeof metadata === "object" && !Array.isArray(metadata)
        ? (metadata as Record<string, unknown>)
        : {},
  };
}

export async function readShardIndex(path: string): Promise<ShardIndex> {
  return parseShardIndex(await readJsonFile(path), path);
}

/** How the shards of an index are reached: files beside a local index, or files of a Hub repository. */
export interface ShardAccess {
  /** The index file's parsed JSON. */
  readIndex(): Promise<unknown>;
  /** Open one shard by the name the index gives; an InputNotFoundError when it does not exist. */
  open(shard: string): Promise<RangeSource>;
}

function localShards(indexPath: string): ShardAccess {
  const folder = dirname(indexPath);
  return {
    readIndex: () => readJsonFile(indexPath),
    open: (shard) => PositionalFile.open(join(folder, shard)),
  };
}

/**
 * Open the shards an index names and check every tensor against it. `otherShardFiles` are the
 * `.safetensors` file names found beside the index: any the index does not mention is an error.
 */
export async function openShardedSafetensors(
  indexPath: string,
  otherShardFiles: readonly string[] = [],
  access: ShardAccess = localShards(indexPath),
): Promise<{ store: SafetensorsStore; index: ShardIndex }> {
  const index = parseShardIndex(await access.readIndex(), indexPath);
  const named = new Set(index.shards.map((shard) => normalize(shard)));
  for (const file of otherShardFiles) {
    if (!named.has(normalize(file))) {
      throw new FormatError(`shard file ${file} is in the folder but not in the index`, {
        file: indexPath,
        field: "weight_map",
      });
    }
  }
  const sources: RangeSource[] = [];
  const shardOf = new Map<string, string>();
  try {
    for (const shard of index.shards) {
      try {
        const source = await access.open(shard);
        sources.push(source);
        shardOf.set(source.name, shard);
      } catch (error) {
        if (!(error instanceof InputNotFoundError)) throw error;
        const tensor = [...index.weightMap].find(([, name]) => name === shard)?.[0];
        throw new FormatError(`shard ${shard} named by the index is missing`, {
          file: indexPath,
          field: tensor === undefined ? "weight_map" : `weight_map.${tensor}`,
          cause: error,
        });
      }
    }
  } catch (error) {
    await Promise.all(sources.map((source) => source.close()));
    throw error;
  }
  const store = await SafetensorsStore.fromSources(sources);
  try {
    for (const tensor of store.tensors) {
      const expected = index.weightMap.get(tensor.name);
      const actual = shardOf.get(tensor.file)!;
      if (expected === undefined) {
        throw new FormatError(`tensor ${tensor.name} is in shard ${actual} but not in the index`, {
          file: indexPath,
          field: `weight_map.${tensor.name}`,
        });
      }
      if (normalize(expected) !== normalize(actual)) {
        throw new FormatError(`the index puts tensor ${tensor.name} in ${expected} but it is in ${actual}`, {
          file: indexPath,
          field: `weight_map.${tensor.name}`,
        });
      }
    }
    for (const [name, shard] of index.weightMap) {
      if (store.get(name) === undefined) {
        throw new FormatError(`tensor ${name} is named by the index but shard ${shard} does not hold it`, {
          file: indexPath,
          field: `weight_map.${name}`,
        });
      }
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return { store, index };
}

export function isShardIndexName(path: string): boolean {
  return basename(path).endsWith(".safetensors.index.json");
}
