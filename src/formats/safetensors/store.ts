/**
 * A TensorStore over one or more safetensors files (a sharded checkpoint is several files whose
 * tensor tables are merged; names must not repeat across shards).
 */
import { FormatError } from "../../errors.js";
import { decodeToFloat32 } from "../decode.js";
import type { SafetensorsDtype } from "../dtype.js";
import { PositionalFile } from "../file-reader.js";
import { openAll, type RangeSource } from "../range-source.js";
import type { TensorInfo, TensorStore } from "../tensor-store.js";
import { parseHeaderJson, readHeaderLength } from "./header.js";

export class SafetensorsStore implements TensorStore {
  readonly format = "safetensors" as const;
  private readonly byName = new Map<string, TensorInfo>();

  private constructor(
    private readonly handles: Map<string, RangeSource>,
    readonly tensors: readonly TensorInfo[],
    readonly metadata: Readonly<Record<string, unknown>>,
  ) {
    for (const tensor of tensors) this.byName.set(tensor.name, tensor);
  }

  get files(): readonly string[] {
    return [...this.handles.keys()];
  }

  /** Open the given shard files (one path for an unsharded checkpoint). */
  static async open(paths: readonly string[]): Promise<SafetensorsStore> {
    return SafetensorsStore.fromSources(await openAll(paths, (path) => PositionalFile.open(path)));
  }

  /** A store over already opened shard sources (local files or Hub files); closes them on failure. */
  static async fromSources(sources: readonly RangeSource[]): Promise<SafetensorsStore> {
    const handles = new Map<string, RangeSource>();
    const tensors: TensorInfo[] = [];
    const seen = new Map<string, string>();
    const metadata: Record<string, unknown> = {};
    try {
      for (const file of sources) {
        const path = file.name;
        handles.set(path, file);
        const prefix = await file.read(0, Math.min(8, file.size), "header length");
        const headerLength = readHeaderLength(prefix, path, file.size);
        const json = await file.read(8, headerLength, "header");
        const header = parseHeaderJson(json, path, file.size - 8 - headerLength);
        Object.assign(metadata, header.metadata);
        for (const entry of header.entries) {
          const other = seen.get(entry.name);
          if (other !== undefined) {
            throw new FormatError(`tensor also appears in ${other}`, {
              file: path,
              field: `tensor ${entry.name}`,
            });
          }
          seen.set(entry.name, path);
          tensors.push({
            name: entry.name,
            dtype: entry.dtype,
            shape: entry.shape,
            file: path,
            offset: header.dataStart + entry.begin,
            byteLength: entry.end - entry.begin,
          });
        }
      }
    } catch (error) {
      await Promise.all(sources.map((handle) => handle.close()));
      throw error;
    }
    return new SafetensorsStore(handles, tensors, metadata);
  }

  get(name: string): TensorInfo | undefined {
    return this.byName.get(name);
  }

  async read(name: string): Promise<Float32Array> {
    const info = this.byName.get(name);
    if (info === undefined) throw new FormatError("no such tensor", { file: this.files[0], field: name });
    const handle = this.handles.get(info.file)!;
    const bytes = await handle.read(info.offset, info.byteLength, `tensor ${name}`);
    return decodeToFloat32(bytes, info.dtype as SafetensorsDtype);
  }

  async close(): Promise<void> {
    await Promise.all([...this.handles.values()].map((handle) => handle.close()));
  }
}
