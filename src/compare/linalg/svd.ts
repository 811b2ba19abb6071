/**
 * Singular value decomposition by one-sided Jacobi rotations (Hestenes): accurate to working precision
 * and simple; O(p q² · sweeps), meant for matrices of at most a few thousand columns.
 */
import { type Matrix, matrix, transpose } from "./matrix.js";

export interface Svd {
  /** p×k left singular vectors (k = min(p, q)), columns of zero for zero singular values. */
  u: Matrix;
  singularValues: Float64Array;
  /** q×k right singular vectors. */
  v: Matrix;
}

const MAX_SWEEPS = 60;
const TOLERANCE = 1e-15;

function jacobiTall(a: Matrix): Svd {
  const { rows: p, columns: q } = a;
  const w = matrix(p, q, a.data);
  const v = matrix(q, q);
  for (let i = 0; i < q; i++) v.data[i * q + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let i = 0; i < q - 1; i++) {
      for (let j = i + 1; j < q; j++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < p; r++) {
          const x = w.data[r * q + i]!;
          const y = w.data[r * q + j]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= TOLERANCE * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let r = 0; r < p; r++) {
          const x = w.data[r * q + i]!;
          const y = w.data[r * q + j]!;
          w.data[r * q + i] = c * x - s * y;
          w.data[r * q + j] = s * x + c * y;
        }
        for (let r = 0; r < q; r++) {
          const x = v.data[r * q + i]!;
          const y = v.data[r * q + j]!;
          v.data[r * q + i] = c * x - s * y;
          v.data[r * q + j] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const singularValues = new Float64Array(q);
  const u = matrix(p, q);
  for (let j = 0; j < q; j++) {
    let norm = 0;
    for (let r = 0; r < p; r++) norm += w.data[r * q + j]! ** 2;
    norm = Math.sqrt(norm);
    singularValues[j] = norm;
    if (norm > 0) for (let r = 0; r < p; r++) u.data[r * q + j] = w.data[r * q + j]! / norm;
  }
  return { u, singularValues, v };
}

/** Thin SVD A = U Σ Vᵀ (singular values unsorted). */
export function svd(a: Matrix): Svd {
  if (a.rows >= a.columns) return jacobiTall(a);
  const { u, singularValues, v } = jacobiTall(transpose(a));
  return { u: v, singularValues, v: u };
}
