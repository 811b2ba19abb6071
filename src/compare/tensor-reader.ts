/** Reads canonical tensors of one model and counts the bytes taken from disk. */
import type { CanonicalModel } from "../naming/canonical-model.js";
import { applyTransforms } from "../naming/transforms.js";

export interface CountingReader {
  model: CanonicalModel;
  bytesRead: number;
  has(name: string): boolean;
  shape(name: string): number[] | undefined;
  dtype(name: string): string | undefined;
  read(name: string): Promise<Float32Array>;
  /** Read 2-D layer tensors (not the embedding) as if their stored bytes held the transpose (llama2.c re-layout). */
  transposedStorage: boolean;
  /** Canonical tensors stored [in, out]: read transposed, shape reported transposed. */
  transposed: Set<string>;
}

function transposed(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < columns; j++) out[j * rows + i] = values[i * columns + j]!;
  return out;
}

/** Reinterpret a stored [rows, columns] buffer as [columns, rows] and transpose it back to [rows, columns]. */
export function untranspose(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < columns; i++)
    for (let j = 0; j < rows; j++) out[j * columns + i] = values[i * rows + j]!;
  return out;
}

export function countingReader(model: CanonicalModel): CountingReader {
  const reader: CountingReader = {
    model,
    bytesRead: 0,
    has: (name) => model.get(name) !== undefined,
    shape: (name) => {
      const shape = model.get(name)?.shape;
      return shape !== undefined && reader.transposed.has(name) ? [shape[1]!, shape[0]!] : shape;
    },
    dtype: (name) => model.get(name)?.source.dtype,
    transposedStorage: false,
    transposed: new Set(),
    async read(name) {
      const tensor = model.get(name);
      if (tensor === undefined) return model.read(name);
      reader.bytesRead += tensor.source.byteLength;
      if (reader.transposed.has(name))
        return transposed(await model.read(name), tensor.shape[0]!, tensor.shape[1]!);
      const stored = tensor.source.shape;
      // Transposed storage re-lays-out layer matrices; the embedding (a lookup table) keeps its layout.
      if (!reader.transposedStorage || stored.length !== 2 || name === "embed") return model.read(name);
      const raw = await model.source.store.read(tensor.source.name);
      return applyTransforms(untranspose(raw, stored[0]!, stored[1]!), stored, tensor.transforms);
    },
  };
  return reader;
}

/** Number of layers, from the canonical tensors present. */
export function layerCount(model: CanonicalModel): number {
  let count = 0;
  for (const tensor of model.tensors)
    if (tensor.layer !== undefined) count = Math.max(count, tensor.layer + 1);
  return count;
}

/** Expert indices present in a layer (empty for a dense layer). */
export function expertsOf(model: CanonicalModel, layer: number): number[] {
  const experts = new Set<number>();
  const prefix = `layers.${layer}.moe.experts.`;
  for (const tensor of model.tensors) {
    if (tensor.canonical.startsWith(prefix))
      experts.add(Number(tensor.canonical.slice(prefix.length).split(".")[0]));
  }
  return [...experts].sort((a, b) => a - b);
}
