/**
 * Mantel-style comparison of invariant matrices over shared anchors, with a permutation null: the
 * anchor identities on one side are shuffled (one shuffle shared by every matrix of a model pair, so
 * the layer statistics stay dependent exactly as they are under the real alignment).
 */
import { upperIndex } from "./weights-linalg.js";

/** One side of a comparison restricted to the shared anchors, centred and ready for dot products. */
export interface CentredTriangle {
  /** Centred values over pairs i < j of the m shared anchors, row by row. */
  values: Float64Array;
  /** Square root of the sum of squares of `values`. */
  norm: number;
}

/** The same, kept as a dense symmetric m × m matrix so it can be read under any anchor permutation. */
export interface CentredDense {
  m: number;
  values: Float64Array;
  norm: number;
}

function centre(values: Float64Array): number {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= Math.max(1, values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    values[i]! -= mean;
    sum += values[i]! ** 2;
  }
  return Math.sqrt(sum);
}

/** Restrict a stored triangle (side n) to the anchors `indices` (positions in that side's anchor list). */
export function restrictTriangle(
  triangle: Float64Array,
  n: number,
  indices: readonly number[],
): CentredTriangle {
  const m = indices.length;
  const values = new Float64Array((m * (m - 1)) / 2);
  let k = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) values[k++] = triangle[upperIndex(indices[i]!, indices[j]!, n)]!;
  }
  return { values, norm: centre(values) };
}

/**
 * Remove from `t` its least-squares projection on `control` (both centred, over the same anchor pairs).
 * Used to take out what every model's matrices share with its own embedding similarity structure.
 */
export function residualise(t: CentredTriangle, control: CentredTriangle | undefined): CentredTriangle {
  if (control === undefined || control.norm === 0) return t;
  let dot = 0;
  for (let i = 0; i < t.values.length; i++) dot += t.values[i]! * control.values[i]!;
  const beta = dot / control.norm ** 2;
  const values = t.values.map((v, i) => v - beta * control.values[i]!);
  let sum = 0;
  for (const v of values) sum += v * v;
  return { values, norm: Math.sqrt(sum) };
}

/** A restricted triangle over m anchors as a dense symmetric matrix. */
export function toDense(upper: CentredTriangle, m: number): CentredDense {
  const values = new Float64Array(m * m);
  let k = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      values[i * m + j] = upper.values[k]!;
      values[j * m + i] = upper.values[k++]!;
    }
  }
  return { m, values, norm: upper.norm };
}

/**
 * Correlation of `a` with `b` read through the anchor permutation `perm` (identity when undefined).
 * Permuting a symmetric matrix keeps the multiset of its off-diagonal values, so the centring and the
 * norm of `b` hold for every permutation.
 */
export function permutedCorrelation(
  a: CentredTriangle,
  b: CentredDense,
  perm: Int32Array | undefined,
): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const m = b.m;
  let sum = 0;
  let k = 0;
  for (let i = 0; i < m; i++) {
    const row = (perm === undefined ? i : perm[i]!) * m;
    for (let j = i + 1; j < m; j++)
      sum += a.values[k++]! * b.values[row + (perm === undefined ? j : perm[j]!)]!;
  }
  return sum / (a.norm * b.norm);
}

/** Upper tail of the standard normal, P(Z ≥ z) (erfc after Numerical Recipes, relative error < 1.2e-7). */
export function normalTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export interface NullSummary {
  observed: number;
  nullMean: number;
  nullSd: number;
  /** (observed − null mean) / null sd; null when the null has no spread. */
  zScore: number | null;
  /** Normal approximation of the permutation null's upper tail (resolves below 1/(permutations+1)). */
  pValue: number;
  /** Share of permutations at least as large as the observed value, (1 + count) / (1 + N). */
  permutationPValue: number;
}

/** Smallest p-value reported: the normal approximation is not trusted further out. */
export const P_VALUE_FLOOR = 1e-16;

export function summariseNull(observed: number, nullValues: readonly number[]): NullSummary {
  const n = nullValues.length;
  const nullMean = nullValues.reduce((s, v) => s + v, 0) / Math.max(1, n);
  const nullSd = Math.sqrt(nullValues.reduce((s, v) => s + (v - nullMean) ** 2, 0) / Math.max(1, n - 1));
  const atLeast = nullValues.filter((v) => v >= observed).length;
  const zScore = nullSd > 0 ? (observed - nullMean) / nullSd : null;
  const permutationPValue = (1 + atLeast) / (1 + n);
  const pValue =
    zScore === null ? permutationPValue : Math.max(P_VALUE_FLOOR, Math.min(1, normalTail(zScore)));
  return { observed, nullMean, nullSd, zScore, pValue, permutationPValue };
}
