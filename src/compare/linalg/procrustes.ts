/**
 * Orthogonal Procrustes: the (semi-)orthogonal R minimising ‖A R − B‖ for A (n×p), B (n×q):
 * R = U Vᵀ from the SVD of Aᵀ B. Used to map a suspect's residual stream onto the reference's
 * through the embedding rows of tokens both vocabularies share.
 */
import { centreColumns, frobenius, type Matrix, matrix, transposeTimes } from "./matrix.js";
import { svd } from "./svd.js";

export interface ProcrustesFit {
  /** p×q rotation taking A's basis to B's. */
  rotation: Matrix;
  /** Σσ / (‖A‖‖B‖) on column-centred data: 1 = B is an exact rotation (and scaling) of A. */
  fit: number;
  /** Best isotropic scale s for A R s ≈ B. */
  scale: number;
}

export function procrustes(a: Matrix, b: Matrix): ProcrustesFit {
  const ca = centreColumns(a);
  const cb = centreColumns(b);
  const m = transposeTimes(ca, cb);
  const { u, singularValues, v } = svd(m);
  const k = singularValues.length;
  const rotation = matrix(m.rows, m.columns);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.columns; j++) {
      let sum = 0;
      for (let t = 0; t < k; t++) sum += u.data[i * k + t]! * v.data[j * k + t]!;
      rotation.data[i * m.columns + j] = sum;
    }
  let total = 0;
  for (const value of singularValues) total += value;
  const normA = frobenius(ca.data);
  const normB = frobenius(cb.data);
  return {
    rotation,
    fit: normA === 0 || normB === 0 ? 0 : total / (normA * normB),
    scale: normA === 0 ? 1 : total / (normA * normA),
  };
}
