/**
 * A TensorStore over one or more safetensors files (a sharded checkpoint is several files whose
 * tensor tables are merged; names must not repeat across shards).
 */
import { FormatError } from "../../errors.js";
import { decodeToFloat32 } from "../decode.js";
import { isSafetensorsDtype, SAFETENSORS_DTYPE_BYTES, type SafetensorsDtype } from "../dtype.js";
import { PositionalFile } from "../file-reader.js";
import { openAll, type RangeSource } from "../range-source.js";
import { type CoalesceOptions, readRowsCoalesced } from "../row-reads.js";
import { checkRows, matrixView, type TensorInfo, type TensorStore } from "../tensor-store.js";
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

  /** The tensor and its dtype, or a FormatError naming the tensor when the dtype cannot be decoded
   * (F4, F8_E8M0, … are listed in `tensors` but refused here, when read). */
  private require(name: string): { info: TensorInfo; dtype: SafetensorsDtype } {
    const info = this.byName.get(name);
    if (info === undefined) throw new FormatError("no such tensor", { file: this.files[0], field: name });
    if (!isSafetensorsDtype(info.dtype)) {
      throw new FormatError(`decoding ${info.dtype} tensors is not supported`, {
        file: info.file,
        field: `tensor ${name}`,
      });
    }
    return { info, dtype: info.dtype };
  }

  async read(name: string): Promise<Float32Array> {
    const { info, dtype } = this.require(name);
    const handle = this.handles.get(info.file)!;
    const bytes = await handle.read(info.offset, info.byteLength, `tensor ${name}`);
    return decodeToFloat32(bytes, dtype);
  }

  /** Rows of the matrix view (see `TensorStore.readRows`): nearby rows merged into one positional read. */
  async readRows(name: string, rows: readonly number[], options?: CoalesceOptions): Promise<Float32Array> {
    const { info, dtype } = this.require(name);
    checkRows(info, rows);
    const { cols } = matrixView(info.shape);
    const rowBytes = cols * SAFETENSORS_DTYPE_BYTES[dtype];
    const handle = this.handles.get(info.file)!;
    return readRowsCoalesced(
      rows,
      cols,
      rowBytes,
      (first, end) => handle.read(info.offset + first * rowBytes, (end - first) * rowBytes, `tensor ${name}`),
      (bytes, runFirst, first, count, out) => {
        const from = (first - runFirst) * rowBytes;
        decodeToFloat32(bytes.subarray(from, from + count * rowBytes), dtype, out);
      },
      { gapBytes: handle.gapBytes, ...options },
    );
  }

  bytesRead(): number {
    let sum = 0;
    for (const handle of this.handles.values()) sum += handle.bytesRead;
    return sum;
  }

  async close(): Promise<void> {
    await Promise.all([...this.handles.values()].map((handle) => handle.close()));
  }
}
