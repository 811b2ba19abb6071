/**
 * Basis-free descriptions of hidden units.
 *
 * X = the model's own embedding rows of the anchor tokens (n × d), each scaled to unit length. A matrix
 * row w_i that reads the residual stream (q, k, v, gate, up, router) through a norm with gain γ has the
 * signature s_i = X · diag(γ) · w_i (n values): unchanged by any permutation, sign flip or rotation of the
 * residual stream (X and w_i turn together) and by folding γ into the matrix; a permutation of the
 * units permutes the signatures, a rescaling scales them (so they are compared by correlation).
 *
 * Every product goes through `multiplyTransposed` (one function, so a faster kernel can replace it).
 */
import { multiplyTransposed } from "./weights-linalg.js";

/** Centre each row and scale it to unit length (rows that are constant become zero). In place. */
export function standardizeRows(matrix: Float32Array, rows: number, cols: number): Float32Array {
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let mean = 0;
    for (let t = 0; t < cols; t++) mean += matrix[base + t]!;
    mean /= cols || 1;
    let norm = 0;
    for (let t = 0; t < cols; t++) {
      const v = matrix[base + t]! - mean;
      matrix[base + t] = v;
      norm += v * v;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < cols; t++) matrix[base + t] = matrix[base + t]! * scale;
  }
  return matrix;
}

/** Rows of `matrix` [· × cols] at `rows`, each scaled to unit length (zero rows stay zero). */
export function unitRows(matrix: Float32Array, cols: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => {
    let norm = 0;
    for (let t = 0; t < cols; t++) norm += matrix[row * cols + t]! ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let t = 0; t < cols; t++) out[i * cols + t] = matrix[row * cols + t]! * scale;
  });
  return out;
}

/** X · diag(γ): the anchor inputs a layer's reading matrices see (γ undefined or of another length: X). */
export function foldGain(anchors: Float32Array, d: number, gamma: Float32Array | undefined): Float32Array {
  if (gamma === undefined || gamma.length !== d) return anchors;
  const out = new Float32Array(anchors.length);
  for (let i = 0; i < anchors.length; i++) out[i] = anchors[i]! * gamma[i % d]!;
  return out;
}

/** Signatures of `k` rows [k × d] against anchor inputs [n × d]: k × n raw values (standardize them to
 * compare by correlation). */
export function signatures(
  rows: Float32Array,
  k: number,
  d: number,
  inputs: Float32Array,
  n: number,
): Float32Array {
  return multiplyTransposed(rows, k, d, inputs, n);
}

/** Similarity of every unit of one side with every unit of the other (dot products of feature rows). */
export function similarityMatrix(
  a: Float32Array,
  b: Float32Array,
  k: number,
  width: number,
  absolute: boolean,
): Float32Array {
  const out = multiplyTransposed(a, k, width, b, k);
  if (absolute) for (let i = 0; i < out.length; i++) out[i] = Math.abs(out[i]!);
  return out;
}
