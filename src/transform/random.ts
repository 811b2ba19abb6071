/**
 * Seeded randomness for transforms, so every variant can be reproduced from its seed: a small PRNG
 * (sfc32, seeded through splitmix32), Gaussian draws (Box–Muller), permutations (Fisher–Yates) and
 * random orthogonal matrices (Gram–Schmidt on a Gaussian matrix, which gives Haar-distributed Q).
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  gaussian(): number;
  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRandom(seed: number): Random {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  let spare: number | undefined;
  return {
    next,
    gaussian() {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return value;
      }
      const u = 1 - next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      return radius * Math.cos(2 * Math.PI * v);
    },
    permutation(n: number) {
      const perm = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = t;
      }
      return perm;
    },
  };
}

/** A random n×n orthogonal matrix, row-major float64 (O(n³): meant for small models). */
export function randomOrthogonal(n: number, random: Random): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < q.length; i++) q[i] = random.gaussian();
  for (let r = 0; r < n; r++) {
    const row = q.subarray(r * n, (r + 1) * n);
    // Twice-iterated modified Gram–Schmidt keeps orthogonality at float64 precision.
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < r; p++) {
        const prev = q.subarray(p * n, (p + 1) * n);
        let dot = 0;
        for (let k = 0; k < n; k++) dot += row[k]! * prev[k]!;
        for (let k = 0; k < n; k++) row[k]! -= dot * prev[k]!;
      }
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += row[k]! * row[k]!;
    norm = Math.sqrt(norm);
    for (let k = 0; k < n; k++) row[k]! /= norm;
  }
  return q;
}
