/**
 * Deterministic samples of indices (rows, hidden units, vocabulary entries) that depend only on the
 * population size, a salt naming what is sampled, and nothing in either model: the exact index test
 * needs the SAME indices read in both models, chosen before looking at any value.
 *
 * `sampleIndices(m, k)` = k indices below m in runs of consecutive indices, the runs of smallest hash
 * first. Nested across sizes: for m′ < m, the sample of m restricted to indices below m′ is (up to one
 * cut run) a subset of the sample of m′, so two models of different widths (pruned, or another MLP
 * size) share about k·m′/m sampled indices, and two fingerprints computed separately (library) line up
 * on their common indices.
 */

/** A 32-bit avalanche hash of (salt, index) (the finaliser of MurmurHash3 / splitmix). */
export function indexHash(index: number, salt: number): number {
  let z = (Math.imul(index, 0x9e3779b1) ^ salt) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A salt from a name, so different kinds of sample do not coincide. */
export function saltOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Populations larger than this are sampled by a bounded scan rather than hashing every index. */
const FULL_SCAN_LIMIT = 1 << 22;

/**
 * Indices are sampled in runs of this many consecutive indices. A sampled row is a byte range of a
 * weight file; runs keep a sample of k rows in about k / 16 ranges instead of k scattered ones, so a
 * reader merging nearby ranges (64 KiB locally, 1 MiB over HTTP) does not read the gaps between
 * scattered rows: measured on a TinyLlama-shaped pair, scattered rows made a 1 MiB-gap reader fetch
 * 85% of both files, runs of 16 about what the sample needs. Under the index test's hypothesis any
 * index set chosen without looking at values is as good as any other.
 */
export const SAMPLE_RUN = 16;

/**
 * k indices below m, in runs of SAMPLE_RUN consecutive indices: the runs (index ÷ SAMPLE_RUN) taken
 * in the order of their hash under `salt` until k indices are in (the last run possibly cut), returned
 * ascending (all of 0..m−1 when k ≥ m). Nested across sizes up to that cut run: the runs of m's sample
 * lying below m′ < m are runs of m′'s sample. Cost O(m/SAMPLE_RUN · log).
 */
export function sampleIndices(m: number, k: number, salt: string | number): number[] {
  if (!Number.isInteger(m) || m <= 0) return [];
  if (k >= m) return Array.from({ length: m }, (_, i) => i);
  if (m > FULL_SCAN_LIMIT) throw new RangeError(`cannot sample from ${m} indices`);
  const s = typeof salt === "number" ? salt : saltOf(salt);
  const runs = Math.ceil(m / SAMPLE_RUN);
  const order = Array.from({ length: runs }, (_, run) => run);
  const hashes = Uint32Array.from(order, (run) => indexHash(run, s));
  order.sort((a, b) => hashes[a]! - hashes[b]! || a - b);
  const out: number[] = [];
  for (const run of order) {
    for (let i = run * SAMPLE_RUN; i < Math.min(m, (run + 1) * SAMPLE_RUN) && out.length < k; i++) out.push(i);
    if (out.length >= k) break;
  }
  return out.sort((a, b) => a - b);
}

/** Indices present in both sorted lists, ascending. */
export function commonIndices(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]!);
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return out;
}
