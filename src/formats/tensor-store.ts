/**
 * The one interface every weight format implements: a table of tensors and positional reads of one
 * tensor at a time, decoded to float32. Nothing here holds a whole model in memory.
 */
import { FormatError } from "../errors.js";

export type WeightFormat = "safetensors" | "gguf" | "llama2c" | "pytorch";

export interface TensorInfo {
  /** Name as stored in the file (or the llama2.c field name). */
  name: string;
  /** On-disk element type: safetensors spelling (`BF16`, `F32`, …) or GGML type name (`Q4_K`, `F16`, …). */
  dtype: string;
  /** Logical shape, outermost dimension first (PyTorch order). GGUF `ne` is reversed into this order. */
  shape: number[];
  /** Path of the file holding the bytes. */
  file: string;
  /** Absolute byte offset of the first byte in `file`. */
  offset: number;
  /** Number of bytes on disk. */
  byteLength: number;
}

export interface TensorStore {
  readonly format: WeightFormat;
  /** Every file this store reads from. */
  readonly files: readonly string[];
  readonly tensors: readonly TensorInfo[];
  /** Format metadata: safetensors `__metadata__`, GGUF key-values, llama2.c header fields. */
  readonly metadata: Readonly<Record<string, unknown>>;
  get(name: string): TensorInfo | undefined;
  /** Read one tensor and decode it to float32, row-major in `shape` order. */
  read(name: string): Promise<Float32Array>;
  /**
   * Read some rows of a tensor, decoded to float32 and concatenated in the order given:
   * [rows.length, last dim]. Rows are those of the matrix view (every dimension but the last
   * flattened; a 1-D tensor has one value per row), in any order, repeats allowed.
   * Optional: stores that cannot read rows positionally leave it out and `readTensorRows` falls back
   * to a whole read. Throws a FormatError for a row outside the tensor.
   */
  readRows?(name: string, rows: readonly number[]): Promise<Float32Array>;
  /**
   * Stored tensors that are quantization scales of other tensors (weight name → scale name), applied
   * by `read` / `readRows` of the weight; they are not parameters. Absent when there are none.
   */
  readonly quantizationScales?: ReadonlyMap<string, string>;
  /** Bytes read so far from the store's files (see `RangeSource.bytesRead`): what was really read,
   * gaps merged into row reads and headers included. */
  bytesRead?(): number;
  /** Release file handles. Safe to call twice. */
  close(): Promise<void>;
}

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/**
 * Rows of a stored tensor (see `TensorStore.readRows`): the store's positional row read when it has
 * one, else the whole tensor read and the rows copied out. Throws a FormatError for a row outside the
 * tensor.
 */
export async function readTensorRows(
  store: TensorStore,
  name: string,
  rows: readonly number[],
): Promise<Float32Array> {
  const info = store.get(name);
  if (info === undefined) throw new FormatError("no such tensor", { file: store.files[0], field: name });
  if (store.readRows !== undefined) return store.readRows(name, rows);
  checkRows(info, rows);
  return gatherRows(await store.read(name), matrixView(info.shape).cols, rows);
}

/** Throws a FormatError naming the tensor when a row index is not a row of its matrix view. */
export function checkRows(info: TensorInfo, rows: readonly number[]): void {
  const outer = matrixView(info.shape).rows;
  for (const row of rows) {
    if (!Number.isInteger(row) || row < 0 || row >= outer) {
      throw new FormatError(`row ${row} outside ${outer} rows`, {
        file: info.file,
        field: `tensor ${info.name}`,
      });
    }
  }
}

/** Rows `rows` (in that order) of a row-major matrix with `cols` columns, copied into one array. */
export function gatherRows(data: Float32Array, cols: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    out.set(data.subarray(row * cols, (row + 1) * cols), i * cols);
  }
  return out;
}

/** A tensor seen as a matrix: rows = product of every dimension but the last, cols = the last
 * (a 1-D tensor is n rows of 1, a scalar 1 row of 1). Layout transforms and row reads use this view. */
export function matrixView(shape: readonly number[]): { rows: number; cols: number } {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  if (shape.length === 1) return { rows: shape[0]!, cols: 1 };
  const cols = shape[shape.length - 1]!;
  return { rows: elementCount(shape) / Math.max(1, cols), cols };
}
