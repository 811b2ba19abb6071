/**
 * Unbiased linear CKA (Song et al. 2012 U-statistic HSIC) between two sets of features measured on the
 * same samples, computed from Gram matrices so a permutation test costs O(n²) per permutation.
 * Linear CKA is invariant to orthogonal transforms and isotropic scaling of either feature set.
 */
import { type Random, randomPermutation } from "./rng.js";

/** A Gram matrix with its diagonal zeroed, plus the sums the unbiased HSIC needs. */
export interface CenteredGram {
  n: number;
  /** n×n, row-major, diagonal set to 0. */
  values: Float64Array;
  rowSums: Float64Array;
  total: number;
}

/** Gram matrix K = X Xᵀ of `rows` samples with `columns` features (row-major X), diagonal zeroed. */
export function gram(x: Float64Array, rows: number, columns: number): CenteredGram {
  const values = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    const a = i * columns;
    for (let j = i + 1; j < rows; j++) {
      const b = j * columns;
      let dot = 0;
      for (let k = 0; k < columns; k++) dot += x[a + k]! * x[b + k]!;
      values[i * rows + j] = dot;
      values[j * rows + i] = dot;
    }
  }
  const rowSums = new Float64Array(rows);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < rows; j++) sum += values[i * rows + j]!;
    rowSums[i] = sum;
    total += sum;
  }
  return { n: rows, values, rowSums, total };
}

function hsic(k: CenteredGram, l: CenteredGram, order: Int32Array | undefined): number {
  const n = k.n;
  let trace = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    const pi = order === undefined ? i : order[i]!;
    const kr = i * n;
    const lr = pi * n;
    if (order === undefined) {
      for (let j = 0; j < n; j++) trace += k.values[kr + j]! * l.values[lr + j]!;
    } else {
      for (let j = 0; j < n; j++) trace += k.values[kr + j]! * l.values[lr + order[j]!]!;
    }
    cross += k.rowSums[i]! * l.rowSums[pi]!;
  }
  return (trace + (k.total * l.total) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * cross) / (n * (n - 3));
}

const selfHsicCache = new WeakMap<CenteredGram, number>();
/** HSIC(K, K), cached: a permutation test reuses it thousands of times (Grams are not mutated after use). */
function selfHsic(k: CenteredGram): number {
  let value = selfHsicCache.get(k);
  if (value === undefined) {
    value = hsic(k, k, undefined);
    selfHsicCache.set(k, value);
  }
  return value;
}

/** Unbiased linear CKA of two Gram matrices over the same n ≥ 4 samples (optionally L's samples permuted). */
export function unbiasedCka(k: CenteredGram, l: CenteredGram, order?: Int32Array): number {
  if (k.n !== l.n) throw new RangeError("CKA needs the same samples on both sides");
  if (k.n < 4) return 0;
  const kl = hsic(k, l, order);
  const kk = selfHsic(k);
  const ll = selfHsic(l);
  const denominator = Math.sqrt(Math.max(kk, 0) * Math.max(ll, 0));
  return denominator === 0 ? 0 : kl / denominator;
}

/** Mean CKA over paired Gram matrices, all of whose samples are permuted by the same `order`. */
export function meanCka(pairs: readonly [CenteredGram, CenteredGram][], order?: Int32Array): number {
  if (pairs.length === 0) return 0;
  let sum = 0;
  for (const [k, l] of pairs) sum += unbiasedCka(k, l, order);
  return sum / pairs.length;
}

export interface PermutationTest {
  observed: number;
  nullMean: number;
  nullSd: number;
  /** Exact permutation p-value (1 + #{null ≥ observed}) / (T + 1). */
  exactP: number;
  /** Separation from the permutation null in standard deviations. */
  z: number;
  permutations: number;
}

/**
 * Permutation test of a paired-Gram statistic: the samples (residual dimensions) of the second matrix of
 * every pair are shuffled by one common permutation, which under independence of the two models is as
 * likely as the observed correspondence.
 */
export function permutationTestCka(
  pairs: readonly [CenteredGram, CenteredGram][],
  permutations: number,
  random: Random,
): PermutationTest {
  const observed = meanCka(pairs);
  const n = pairs[0]?.[0].n ?? 0;
  let atLeast = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let t = 0; t < permutations; t++) {
    const value = meanCka(pairs, randomPermutation(n, random));
    if (value >= observed) atLeast++;
    sum += value;
    sumSquares += value * value;
  }
  const nullMean = permutations === 0 ? 0 : sum / permutations;
  const nullSd =
    permutations < 2
      ? 0
      : Math.sqrt(Math.max(0, (sumSquares - permutations * nullMean ** 2) / (permutations - 1)));
  const z = nullSd === 0 ? 0 : (observed - nullMean) / nullSd;
  return { observed, nullMean, nullSd, exactP: (1 + atLeast) / (permutations + 1), z, permutations };
}
