/**
 * The map from the suspect's residual stream to the reference's, found from anchor-token embedding rows:
 * identity when the bases already coincide, otherwise an orthogonal Procrustes rotation (which covers
 * permutations and sign flips of hidden units, and any rotation of the residual stream).
 */

import { centredCorrelation } from "../stats/correlation.js";
import { type Matrix, matrix } from "./linalg/matrix.js";
import { procrustes } from "./linalg/procrustes.js";

/** One-sided Jacobi costs hidden³ per sweep; beyond this width the rotation search is skipped. */
export const MAX_ROTATION_WIDTH = 1024;
/** The identity basis is kept unless a rotation explains the embeddings this much better. */
const ROTATION_GAIN = 0.02;
/** Identity fits this good leave less than ROTATION_GAIN for any rotation to win. */
const IDENTITY_IS_ENOUGH = 1 - ROTATION_GAIN;

export interface ResidualBasis {
  kind: "identity" | "signed-permutation" | "rotation";
  /** d_s × d_r, or undefined for the identity. */
  rotation: Matrix | undefined;
  /** Centred correlation of the anchor embeddings in the identity basis (same width only). */
  identityFit: number | null;
  /** Procrustes fit (Σσ/‖A‖‖B‖) of the anchor embeddings, or null when not searched. */
  rotationFit: number | null;
  /** Isotropic scale taking suspect to reference. */
  scale: number;
  warnings: string[];
}

function gatherRows(data: Float32Array, width: number, rows: Int32Array): Matrix {
  const out = matrix(rows.length, width);
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i]! * width;
    for (let j = 0; j < width; j++) out.data[i * width + j] = data[from + j]!;
  }
  return out;
}

function isSignedPermutation(r: Matrix): boolean {
  for (let i = 0; i < r.rows; i++) {
    let max = 0;
    for (let j = 0; j < r.columns; j++) max = Math.max(max, Math.abs(r.data[i * r.columns + j]!));
    if (max < 0.98) return false;
  }
  return true;
}

export function findResidualBasis(
  suspectEmbedding: Float32Array,
  suspectWidth: number,
  referenceEmbedding: Float32Array,
  referenceWidth: number,
  suspectRows: Int32Array,
  referenceRows: Int32Array,
): ResidualBasis {
  const a = gatherRows(suspectEmbedding, suspectWidth, suspectRows);
  const b = gatherRows(referenceEmbedding, referenceWidth, referenceRows);
  const identityFit = suspectWidth === referenceWidth ? centredCorrelation(a.data, b.data) : null;
  const warnings: string[] = [];
  if (Math.max(suspectWidth, referenceWidth) > MAX_ROTATION_WIDTH || suspectRows.length < 8) {
    warnings.push(
      suspectRows.length < 8
        ? "too few shared tokens to align hidden dimensions: compared in the stored basis only"
        : `hidden width above ${MAX_ROTATION_WIDTH}: permutations and rotations of the residual stream were not searched`,
    );
    return { kind: "identity", rotation: undefined, identityFit, rotationFit: null, scale: 1, warnings };
  }
  if (identityFit !== null && identityFit >= IDENTITY_IS_ENOUGH) {
    // A rotation could gain at most 1 − identityFit: not worth an O(hidden³) SVD.
    return { kind: "identity", rotation: undefined, identityFit, rotationFit: null, scale: 1, warnings };
  }
  const fit = procrustes(a, b);
  if (identityFit !== null && fit.fit - identityFit < ROTATION_GAIN) {
    return {
      kind: "identity",
      rotation: undefined,
      identityFit,
      rotationFit: fit.fit,
      scale: fit.scale,
      warnings,
    };
  }
  return {
    kind: isSignedPermutation(fit.rotation) ? "signed-permutation" : "rotation",
    rotation: fit.rotation,
    identityFit,
    rotationFit: fit.fit,
    scale: fit.scale,
    warnings,
  };
}

/**
 * Express a suspect matrix in the reference basis along its residual axis. `residualAxis` 1 = the
 * matrix reads the residual stream ([out, hidden], e.g. q, up); 0 = it writes to it ([hidden, in]).
 */
export function toReferenceBasis(
  values: Float32Array,
  shape: readonly number[],
  residualAxis: 0 | 1,
  basis: ResidualBasis,
): Float32Array {
  const r = basis.rotation;
  if (r === undefined) return values;
  const [rows, columns] = [shape[0]!, shape[1]!];
  if (residualAxis === 1) {
    // W R: [rows, d_s] × [d_s, d_r]
    const out = new Float32Array(rows * r.columns);
    for (let i = 0; i < rows; i++)
      for (let k = 0; k < columns; k++) {
        const value = values[i * columns + k]!;
        if (value === 0) continue;
        for (let j = 0; j < r.columns; j++)
          out[i * r.columns + j] = out[i * r.columns + j]! + value * r.data[k * r.columns + j]!;
      }
    return out;
  }
  // Rᵀ W: [d_r, d_s] × [d_s, columns]
  const out = new Float32Array(r.columns * columns);
  for (let k = 0; k < rows; k++)
    for (let j = 0; j < r.columns; j++) {
      const weight = r.data[k * r.columns + j]!;
      if (weight === 0) continue;
      for (let c = 0; c < columns; c++)
        out[j * columns + c] = out[j * columns + c]! + weight * values[k * columns + c]!;
    }
  return out;
}
