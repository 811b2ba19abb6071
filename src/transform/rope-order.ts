/**
 * Convert q/k rows between the two rotary layouts: Meta/llama2.c rotate pairs (2j, 2j+1) of each head,
 * Hugging Face pairs (j, j + headDim/2). Hugging Face's converter permutes exactly this way; a writer
 * applies it when the format it writes expects the other order.
 */
import type { RopeOrder } from "./llama-model.js";
import { permuteRows } from "./matrix.js";

/** Row permutation taking `from` order to `to` order for `heads` heads of `headDim` rows. */
export function ropeRowPermutation(
  heads: number,
  headDim: number,
  from: RopeOrder,
  to: RopeOrder,
): Int32Array {
  const perm = Int32Array.from({ length: heads * headDim }, (_, i) => i);
  if (from === to) return perm;
  const half = headDim / 2;
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < half; j++) {
      for (let c = 0; c < 2; c++) {
        const halfRow = h * headDim + c * half + j;
        const interleavedRow = h * headDim + 2 * j + c;
        if (to === "half") perm[halfRow] = interleavedRow;
        else perm[interleavedRow] = halfRow;
      }
    }
  }
  return perm;
}

export function convertRopeRows(
  values: Float32Array,
  cols: number,
  heads: number,
  headDim: number,
  from: RopeOrder,
  to: RopeOrder,
): Float32Array {
  return from === to ? values : permuteRows(values, cols, ropeRowPermutation(heads, headDim, from, to));
}

/** Row pairs rotated together, per head: [a, b] for each pair j, in the given order. */
export function ropePairs(headDim: number, order: RopeOrder): [number, number][] {
  const half = headDim / 2;
  return Array.from({ length: half }, (_, j) =>
    order === "interleaved" ? [2 * j, 2 * j + 1] : [j, j + half],
  );
}
