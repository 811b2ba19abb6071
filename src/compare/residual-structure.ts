/**
 * How structured a residual is: its largest singular value against the Marchenko–Pastur edge of an
 * i.i.d. matrix of the same size and RMS, σ(√m + √n). About 1 for noise and rounding error (quantization,
 * dtype casts, added Gaussian noise); well above 1 for training updates, which are low-rank-ish.
 */
import { seededRandom } from "../stats/rng.js";

/** Power iterations at most; they stop once the estimate moves by less than CONVERGED. */
const POWER_ITERATIONS = 40;
const CONVERGED = 1e-3;
/** Elements per block of the GGML block quantizations (Q4_0, Q8_0, …). */
const QUANT_BLOCK = 32;

/**
 * Divide each row, then each column, by its RMS: rounding error scales with the magnitude of the weights
 * it rounds (per block, per row), which alone would lift the top singular value; training updates keep
 * their low-rank structure through this balancing.
 */
export function balanceResidual(
  residual: Float32Array | Float64Array,
  rows: number,
  columns: number,
): Float64Array {
  const out = Float64Array.from(residual);
  // Quantization blocks (GGML: 32 consecutive elements of a row) each carry their own scale.
  if (columns % QUANT_BLOCK === 0) {
    for (let start = 0; start < out.length; start += QUANT_BLOCK) {
      let sum = 0;
      for (let t = start; t < start + QUANT_BLOCK; t++) sum += out[t]! ** 2;
      const rms = Math.sqrt(sum / QUANT_BLOCK);
      if (rms > 0) for (let t = start; t < start + QUANT_BLOCK; t++) out[t] = out[t]! / rms;
    }
  }
  for (let pass = 0; pass < 2; pass++) {
    const byRow = pass === 0;
    const count = byRow ? rows : columns;
    const length = byRow ? columns : rows;
    for (let a = 0; a < count; a++) {
      let sum = 0;
      for (let b = 0; b < length; b++) sum += out[byRow ? a * columns + b : b * columns + a]! ** 2;
      const rms = Math.sqrt(sum / length);
      if (rms === 0) continue;
      for (let b = 0; b < length; b++) {
        const index = byRow ? a * columns + b : b * columns + a;
        out[index] = out[index]! / rms;
      }
    }
  }
  return out;
}

export function spectralRatio(residual: Float32Array | Float64Array, rows: number, columns: number): number {
  let sumSquares = 0;
  for (let i = 0; i < residual.length; i++) sumSquares += residual[i]! * residual[i]!;
  if (sumSquares === 0 || rows === 0 || columns === 0) return 0;
  const rms = Math.sqrt(sumSquares / residual.length);
  const random = seededRandom(7);
  let x = new Float64Array(columns);
  for (let j = 0; j < columns; j++) x[j] = random() - 0.5;
  const y = new Float64Array(rows);
  let sigma = 0;
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      const base = i * columns;
      for (let j = 0; j < columns; j++) sum += residual[base + j]! * x[j]!;
      y[i] = sum;
    }
    const next = new Float64Array(columns);
    for (let i = 0; i < rows; i++) {
      const value = y[i]!;
      const base = i * columns;
      for (let j = 0; j < columns; j++) next[j] = next[j]! + residual[base + j]! * value;
    }
    let norm = 0;
    for (let j = 0; j < columns; j++) norm += next[j]! * next[j]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    const previous = sigma;
    sigma = Math.sqrt(norm);
    for (let j = 0; j < columns; j++) next[j] = next[j]! / norm;
    x = next;
    if (iteration > 2 && Math.abs(sigma - previous) <= CONVERGED * sigma) break;
  }
  return sigma / (rms * (Math.sqrt(rows) + Math.sqrt(columns)));
}
