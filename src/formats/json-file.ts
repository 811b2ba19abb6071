/**
 * Reading small JSON files that come with a model (config.json, index files, tokenizer configs):
 * size-capped, parsed once, and every failure a typed error naming the file.
 */
import { readFile } from "node:fs/promises";
import { FormatError } from "../errors.js";
import { regularFileSize } from "./file-reader.js";

/** JSON configuration files larger than this are not configuration: refuse rather than parse them.
 * (The largest real index files, for ~100k-tensor MoE checkpoints, are a few MB.) */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export async function readJsonFile(path: string): Promise<unknown> {
  const size = await regularFileSize(path);
  if (size > MAX_CONFIG_BYTES) {
    throw new FormatError(`JSON file of ${size} bytes exceeds the ${MAX_CONFIG_BYTES}-byte limit`, {
      file: path,
    });
  }
  return parseJsonBytes(await readFile(path), path);
}

/** JSON from bytes already read (UTF-8), or a FormatError naming `path`. */
export function parseJsonBytes(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new FormatError(`invalid JSON: ${(error as Error).message}`, { file: path, cause: error });
  }
}

/** Read a JSON file that must hold an object (config.json and friends). */
export async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  const value = await readJsonFile(path);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new FormatError("must be a JSON object", { file: path });
  }
  return value as Record<string, unknown>;
}
