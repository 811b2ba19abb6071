/**
 * A model folder as the weight-choosing code sees it: the names of its files, a way to open any of
 * them as a RangeSource and to read a small one whole. A local folder and a Hugging Face Hub
 * repository (`src/hub/hub-folder.ts`) both implement it, so which files hold the weights is decided by
 * one piece of code whatever the folder's location.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { FormatError } from "../errors.js";
import { PositionalFile } from "./file-reader.js";
import type { RangeSource } from "./range-source.js";

export interface ModelFolder {
  /** The folder path, or a Hub address such as `hf://org/name@REV`. */
  readonly location: string;
  /** Names of the folder's files, sorted (`/`-separated relative paths for a Hub repository). */
  readonly names: readonly string[];
  /** Where one file is, for messages and `TensorInfo.file`. */
  pathOf(name: string): string;
  /** Open one file for positional reads; an InputNotFoundError when it does not exist. */
  open(name: string): Promise<RangeSource>;
  /** A small file's bytes, refused (FormatError) above `maxBytes` before it is read. */
  readSmall(name: string, maxBytes: number): Promise<Uint8Array>;
  /** A local folder holding this folder's small files (config, tokenizer, model card) as real files, so
   * readers that take paths can read them; the folder itself when it is local. */
  readonly localFolder: string;
}

/** Read a whole (small) file of a folder as a source, refusing it above `maxBytes`. */
export async function readWhole(folder: ModelFolder, name: string, maxBytes: number): Promise<Uint8Array> {
  const source = await folder.open(name);
  try {
    if (source.size > maxBytes) {
      throw new FormatError(`${source.size}-byte file exceeds the ${maxBytes}-byte limit`, {
        file: folder.pathOf(name),
      });
    }
    return await source.read(0, source.size, "contents");
  } finally {
    await source.close();
  }
}

/** A folder on this machine (its top-level files). */
export async function localModelFolder(folder: string): Promise<ModelFolder> {
  const names = (await readdir(folder)).sort();
  const access: ModelFolder = {
    location: folder,
    names,
    localFolder: folder,
    pathOf: (name) => join(folder, name),
    open: (name) => PositionalFile.open(join(folder, name)),
    readSmall: (name, maxBytes) => readWhole(access, name, maxBytes),
  };
  return access;
}
