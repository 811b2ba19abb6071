/**
 * Orthogonal polar factor of a square matrix by scaled Newton iteration, X ← (ζX + (ζX)⁻ᵀ)/2 (Higham):
 * a dozen inversions instead of a Jacobi SVD, several times faster for hidden sizes in the hundreds.
 * Returns undefined when the matrix is (numerically) singular: callers fall back to the SVD.
 */
import { type Matrix, matrix } from "./matrix.js";

const MAX_ITERATIONS = 30;
const TOLERANCE = 1e-12;

/** Inverse by Gauss–Jordan elimination with partial pivoting, or undefined when singular. */
export function inverse(a: Matrix): Matrix | undefined {
  const n = a.rows;
  const work = Float64Array.from(a.data);
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  let scale = 0;
  for (const value of work) scale = Math.max(scale, Math.abs(value));
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(work[r * n + col]!) > Math.abs(work[pivot * n + col]!)) pivot = r;
    const p = work[pivot * n + col]!;
    if (Math.abs(p) <= 1e-13 * scale) return undefined;
    if (pivot !== col) {
      for (let k = 0; k < n; k++) {
        [work[col * n + k], work[pivot * n + k]] = [work[pivot * n + k]!, work[col * n + k]!];
        [out.data[col * n + k], out.data[pivot * n + k]] = [out.data[pivot * n + k]!, out.data[col * n + k]!];
      }
    }
    for (let k = 0; k < n; k++) {
      work[col * n + k] = work[col * n + k]! / p;
      out.data[col * n + k] = out.data[col * n + k]! / p;
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = work[r * n + col]!;
      if (factor === 0) continue;
      for (let k = 0; k < n; k++) {
        work[r * n + k] = work[r * n + k]! - factor * work[col * n + k]!;
        out.data[r * n + k] = out.data[r * n + k]! - factor * out.data[col * n + k]!;
      }
    }
  }
  return out;
}

function norm(data: Float64Array): number {
  let sum = 0;
  for (const value of data) sum += value * value;
  return Math.sqrt(sum);
}

export function orthogonalPolarFactor(m: Matrix): Matrix | undefined {
  if (m.rows !== m.columns) return undefined;
  const n = m.rows;
  let x = matrix(n, n, m.data);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const inv = inverse(x);
    if (inv === undefined) return undefined;
    const zeta = Math.sqrt(norm(inv.data) / norm(x.data));
    const next = matrix(n, n);
    let change = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const value = 0.5 * (zeta * x.data[i * n + j]! + inv.data[j * n + i]! / zeta);
        next.data[i * n + j] = value;
        change += (value - x.data[i * n + j]!) ** 2;
      }
    x = next;
    if (Math.sqrt(change) <= TOLERANCE * Math.sqrt(n)) return x;
  }
  return x;
}
