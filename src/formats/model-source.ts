/**
 * What a MODEL argument resolves to: one tensor store plus the configuration and tokenizer files found
 * beside it. Opening reads headers only; tensors are read on demand through `store`.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { FormatError, InputNotFoundError } from "../errors.js";
import { SafetensorsStore } from "./safetensors/store.js";
import type { TensorStore, WeightFormat } from "./tensor-store.js";

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
}

const TOKENIZER_FILE_NAMES = ["tokenizer.json", "tokenizer.model", "tokenizer_config.json", "tokenizer.bin"];

/** JSON configuration files larger than this are not configuration: refuse rather than parse them. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export async function readJsonFile(path: string): Promise<unknown> {
  const info = await stat(path);
  if (info.size > MAX_CONFIG_BYTES) {
    throw new FormatError(`JSON file of ${info.size} bytes exceeds the ${MAX_CONFIG_BYTES}-byte limit`, {
      file: path,
    });
  }
  const text = await readFile(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FormatError(`invalid JSON: ${(error as Error).message}`, { file: path, cause: error });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    throw new InputNotFoundError("no such file or folder", { file: path, cause: error });
  }
}

export async function openModelSource(path: string): Promise<ModelSource> {
  if (!(await isDirectory(path))) {
    if (path.endsWith(".safetensors")) {
      return {
        path,
        format: "safetensors",
        store: await SafetensorsStore.open([path]),
        config: undefined,
        configPath: undefined,
        tokenizerFiles: [],
      };
    }
    throw new FormatError("unrecognised model file (expected .safetensors, .gguf or llama2.c .bin)", {
      file: path,
    });
  }
  const names = await readdir(path);
  const configPath = names.includes("config.json") ? join(path, "config.json") : undefined;
  const config =
    configPath === undefined ? undefined : ((await readJsonFile(configPath)) as Record<string, unknown>);
  const tokenizerFiles = TOKENIZER_FILE_NAMES.filter((name) => names.includes(name)).map((name) =>
    join(path, name),
  );
  const shards = names.filter((name) => name.endsWith(".safetensors")).sort();
  if (shards.length === 0) {
    throw new FormatError("folder has no .safetensors weight files", { file: path });
  }
  const store = await SafetensorsStore.open(shards.map((name) => join(path, name)));
  return { path, format: "safetensors", store, config, configPath, tokenizerFiles };
}

export function displayName(path: string): string {
  return basename(path.replace(/\/+$/, ""));
}
