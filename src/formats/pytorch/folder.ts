/**
 * A folder whose weights are PyTorch checkpoints: Hugging Face's `pytorch_model.bin` (or its shards,
 * listed by `pytorch_model.bin.index.json`), Meta's `consolidated.00.pth` with `params.json`, or a
 * single `.pt`/`.pth`/`.ckpt` from a training script. Meta's model-parallel checkpoints
 * (`consolidated.01.pth`, …) split each tensor across files and are refused.
 */
import { FormatError } from "../../errors.js";
import { MAX_CONFIG_BYTES, parseJsonBytes } from "../json-file.js";
import { MergedStore } from "../merged-store.js";
import type { ModelFolder } from "../model-folder.js";
import { openAll } from "../range-source.js";
import { configFromModelArgs } from "./checkpoint-config.js";
import { PytorchStore } from "./store.js";

export const PYTORCH_INDEX_NAME = "pytorch_model.bin.index.json";
/** Meta's `params.json` (the model's ModelArgs) beside `consolidated.NN.pth`. */
const META_PARAMS = "params.json";
const META_SHARD = /^consolidated\.(\d+)\.pth$/;

function shardNames(raw: unknown, path: string): string[] {
  const map = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (map === null || typeof map !== "object" || Array.isArray(map)) {
    throw new FormatError("weight_map must be an object mapping tensor names to shard files", {
      file: path,
      field: "weight_map",
    });
  }
  const shards: string[] = [];
  for (const [tensor, shard] of Object.entries(map as Record<string, unknown>)) {
    if (typeof shard !== "string" || shard.includes("/") || shard.includes("\\") || !shard.endsWith(".bin")) {
      throw new FormatError(`shard ${JSON.stringify(shard)} is not a .bin file of this folder`, {
        file: path,
        field: `weight_map.${tensor}`,
      });
    }
    if (!shards.includes(shard)) shards.push(shard);
  }
  return shards;
}

function openMany(folder: ModelFolder, names: readonly string[]): Promise<PytorchStore[]> {
  return openAll(names, async (name) => PytorchStore.fromSource(await folder.open(name)));
}

/** Open the PyTorch checkpoint(s) among `pickles` (names in `folder`). */
export async function openPytorchFolder(folder: ModelFolder, pickles: readonly string[]) {
  const names = folder.names;
  if (names.includes(PYTORCH_INDEX_NAME)) {
    const indexPath = folder.pathOf(PYTORCH_INDEX_NAME);
    const shards = shardNames(
      parseJsonBytes(await folder.readSmall(PYTORCH_INDEX_NAME, MAX_CONFIG_BYTES), indexPath),
      indexPath,
    );
    const store = await MergedStore.merge("pytorch", await openMany(folder, shards));
    return { format: "pytorch" as const, store, weightFiles: [...store.files], indexPath };
  }
  const meta = pickles.filter((name) => META_SHARD.test(name)).sort();
  if (meta.length > 1) {
    throw new FormatError(
      `folder holds ${meta.length} model-parallel shards (${meta.join(", ")}): each tensor is split across them, which is not supported; use the Hugging Face conversion`,
      { file: folder.location },
    );
  }
  const chosen = meta.length === 1 ? meta : pickles;
  if (chosen.length > 1) {
    throw new FormatError(
      `folder holds ${chosen.length} PyTorch checkpoints (${chosen.join(", ")}): name one`,
      {
        file: folder.location,
      },
    );
  }
  let config: Record<string, unknown> | undefined;
  let configPath: string | undefined;
  if (names.includes(META_PARAMS)) {
    const path = folder.pathOf(META_PARAMS);
    const params = parseJsonBytes(await folder.readSmall(META_PARAMS, MAX_CONFIG_BYTES), path);
    if (params !== null && typeof params === "object" && !Array.isArray(params)) {
      config = configFromModelArgs(params as Record<string, unknown>);
      if (config !== undefined) configPath = path;
    }
  }
  const store = await PytorchStore.fromSource(await folder.open(chosen[0]!));
  config ??= store.impliedConfig;
  return { format: "pytorch" as const, store, weightFiles: [...store.files], config, configPath };
}
