/**
 * The one interface every weight format implements: a table of tensors and positional reads of one
 * tensor at a time, decoded to float32. Nothing here holds a whole model in memory.
 */

export type WeightFormat = "safetensors" | "gguf" | "llama2c";

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
  /** Release file handles. Safe to call twice. */
  close(): Promise<void>;
}

export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}
