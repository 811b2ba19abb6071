/**
 * Row-major float32 matrix helpers for transforms. Arithmetic is in float64 and rounded once to float32
 * on store. A matrix is (values, rows, cols).
 */

export function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

/** out[r] = m[perm[r]] (rows of `cols` values). */
export function permuteRows(m: Float32Array, cols: number, perm: ArrayLike<number>): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < perm.length; r++) out.set(m.subarray(perm[r]! * cols, (perm[r]! + 1) * cols), r * cols);
  return out;
}

/** out[:, c] = m[:, perm[c]]. */
export function permuteCols(m: Float32Array, cols: number, perm: ArrayLike<number>): Float32Array {
  const out = new Float32Array(m.length);
  for (let base = 0; base < m.length; base += cols) {
    for (let c = 0; c < cols; c++) out[base + c] = m[base + perm[c]!]!;
  }
  return out;
}

/** out = m · diag(scale) (scale each column). */
export function scaleCols(m: Float32Array, cols: number, scale: ArrayLike<number>): Float32Array {
  const out = new Float32Array(m.length);
  for (let base = 0; base < m.length; base += cols) {
    for (let c = 0; c < cols; c++) out[base + c] = m[base + c]! * scale[c]!;
  }
  return out;
}

/** out = diag(scale) · m (scale each row). */
export function scaleRows(m: Float32Array, cols: number, scale: ArrayLike<number>): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < m.length / cols; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = m[r * cols + c]! * scale[r]!;
  }
  return out;
}

/** out = m · rᵀ, with m [rows, n] and r [n, n] (applies r to every row vector of m). */
export function mulTransposedRight(m: Float32Array, n: number, r: Float64Array): Float32Array {
  const out = new Float32Array(m.length);
  for (let base = 0; base < m.length; base += n) {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      const ri = i * n;
      for (let k = 0; k < n; k++) sum += m[base + k]! * r[ri + k]!;
      out[base + i] = sum;
    }
  }
  return out;
}

/** out = r · m, with r [n, n] and m [n, cols]. */
export function mulLeft(r: Float64Array, n: number, m: Float32Array, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  const acc = new Float64Array(cols);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const weight = r[i * n + k]!;
      if (weight === 0) continue;
      const row = k * cols;
      for (let c = 0; c < cols; c++) acc[c]! += weight * m[row + c]!;
    }
    for (let c = 0; c < cols; c++) out[i * cols + c] = acc[c]!;
  }
  return out;
}

export function meanAndStd(values: Float32Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(squares / Math.max(1, values.length)) };
}
