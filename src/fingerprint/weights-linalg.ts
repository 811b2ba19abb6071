/**
 * The little dense linear algebra the weight fingerprint needs: row-major float32 matrices, products
 * with one small side (a few hundred anchor rows), centred correlation and a seeded permutation source.
 */
import { wasmKernels } from "../kernels/wasm.js";
import { centredCorrelation } from "../stats/correlation.js";

/** Below this many multiply-adds a product stays in TS (copying into WebAssembly memory costs more). */
export const WASM_PRODUCT_MIN_FLOPS = 1 << 16;

/**
 * `A · Bᵀ` for row-major float32 `A` [m × n] and `B` [p × n] → row-major [m × p]: entry (i, j) is the
 * dot product of row i of A and row j of B. The one product function the fingerprint and compare
 * methods route through: cache-blocked WebAssembly SIMD (src/kernels/wasm.ts, asm/matmul.ts) when
 * available, else `multiplyTransposedTs`. Results agree to float32 rounding (summation order differs).
 */
export function multiplyTransposed(
  a: Float32Array,
  m: number,
  n: number,
  b: Float32Array,
  p: number,
): Float32Array {
  if (m * n * p >= WASM_PRODUCT_MIN_FLOPS) {
    const kernels = wasmKernels();
    if (kernels !== undefined) return kernels.multiplyTransposed(a, m, n, b, p);
  }
  return multiplyTransposedTs(a, m, n, b, p);
}

/**
 * The pure-TS reference of `multiplyTransposed` (and its fallback); the inner loop runs over
 * contiguous memory. Four rows of A share each pass over a row of B (B is the big weight matrix: read
 * it a quarter as often).
 */
export function multiplyTransposedTs(
  a: Float32Array,
  m: number,
  n: number,
  b: Float32Array,
  p: number,
): Float32Array {
  const out = new Float32Array(m * p);
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const r0 = i * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    for (let j = 0; j < p; j++) {
      const rowB = j * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < n; t++) {
        const bv = b[rowB + t]!;
        s0 += a[r0 + t]! * bv;
        s1 += a[r1 + t]! * bv;
        s2 += a[r2 + t]! * bv;
        s3 += a[r3 + t]! * bv;
      }
      out[i * p + j] = s0;
      out[(i + 1) * p + j] = s1;
      out[(i + 2) * p + j] = s2;
      out[(i + 3) * p + j] = s3;
    }
  }
  for (; i < m; i++) {
    const rowA = i * n;
    for (let j = 0; j < p; j++) {
      const rowB = j * n;
      let sum = 0;
      for (let t = 0; t < n; t++) sum += a[rowA + t]! * b[rowB + t]!;
      out[i * p + j] = sum;
    }
  }
  return out;
}

/** `A · B` for row-major `A` [m × n] and `B` [n × p]; four rows of B are folded into each pass over the output row. */
export function multiply(a: Float32Array, m: number, n: number, b: Float32Array, p: number): Float32Array {
  const out = new Float32Array(m * p);
  for (let i = 0; i < m; i++) {
    const rowOut = i * p;
    let t = 0;
    for (; t + 4 <= n; t += 4) {
      const f0 = a[i * n + t]!;
      const f1 = a[i * n + t + 1]!;
      const f2 = a[i * n + t + 2]!;
      const f3 = a[i * n + t + 3]!;
      const b0 = t * p;
      const b1 = b0 + p;
      const b2 = b1 + p;
      const b3 = b2 + p;
      for (let j = 0; j < p; j++) {
        out[rowOut + j]! += f0 * b[b0 + j]! + f1 * b[b1 + j]! + f2 * b[b2 + j]! + f3 * b[b3 + j]!;
      }
    }
    for (; t < n; t++) {
      const factor = a[i * n + t]!;
      const rowB = t * p;
      for (let j = 0; j < p; j++) out[rowOut + j]! += factor * b[rowB + j]!;
    }
  }
  return out;
}

/** Multiply every column `t` of `matrix` [rows × cols] by `scale[t]` (folds a norm weight into the rows). */
export function scaleColumns(
  matrix: Float32Array,
  cols: number,
  scale: Float32Array | undefined,
): Float32Array {
  if (scale === undefined) return matrix;
  const out = new Float32Array(matrix.length);
  for (let i = 0; i < matrix.length; i++) out[i] = matrix[i]! * scale[i % cols]!;
  return out;
}

/**
 * Strict upper triangle (i < j) of the symmetric part (M + Mᵀ)/2 of a square matrix, row by row.
 * The diagonal is left out: with unit anchor rows it carries row norms, not relations between tokens.
 */
export function symmetricUpper(matrix: Float32Array, n: number): Float64Array {
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) out[k++] = (matrix[i * n + j]! + matrix[j * n + i]!) / 2;
  }
  return out;
}

/** Index of (i, j), i ≠ j, in a strict upper triangle of an n × n matrix stored row by row. */
export function upperIndex(i: number, j: number, n: number): number {
  const [r, c] = i < j ? [i, j] : [j, i];
  return r * n - (r * (r + 1)) / 2 + (c - r - 1);
}

/** Pearson correlation (centred cosine) of two equally long vectors; 0 when either is constant. */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return x.length === y.length ? centredCorrelation(x, y) : 0;
}
