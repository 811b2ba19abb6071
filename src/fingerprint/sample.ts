/**
 * Deterministic samples of indices (rows, hidden units, vocabulary entries) that depend only on the
 * population size, a salt naming what is sampled, and nothing in either model: the exact index test
 * needs the SAME indices read in both models, chosen before looking at any value.
 *
 * `sampleIndices(m, k)` = the k indices below m with the smallest hash. Nested across sizes: for m′ < m,
 * the sample of m restricted to indices below m′ is a subset of the sample of m′, so two models of
 * different widths (pruned, or another MLP size) share about k·m′/m sampled indices, and two
 * fingerprints computed separately (library) line up on their common indices.
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
 * The k indices below m with the smallest hash under `salt`, in ascending index order (all of 0..m−1
 * when k ≥ m). Cost O(m log k) at most.
 */
export function sampleIndices(m: number, k: number, salt: string | number): number[] {
  if (!Number.isInteger(m) || m <= 0) return [];
  if (k >= m) return Array.from({ length: m }, (_, i) => i);
  if (m > FULL_SCAN_LIMIT) throw new RangeError(`cannot sample from ${m} indices`);
  const s = typeof salt === "number" ? salt : saltOf(salt);
  const hashes = new Uint32Array(m);
  for (let i = 0; i < m; i++) hashes[i] = indexHash(i, s);
  // The k-th smallest hash by selection on a copy, then every index at or below it (ties by index).
  const sorted = hashes.slice().sort();
  const cut = sorted[k - 1]!;
  const out: number[] = [];
  for (let i = 0; i < m && out.length < k; i++) if (hashes[i]! < cut) out.push(i);
  for (let i = 0; i < m && out.length < k; i++) if (hashes[i] === cut) out.push(i);
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
