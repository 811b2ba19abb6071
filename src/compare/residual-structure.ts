/**
 * How structured a residual is: its largest singular value against the Marchenko–Pastur edge of an
 * i.i.d. matrix of the same size and RMS, σ(√m + √n). About 1 for noise and rounding error (quantization,
 * dtype casts, added Gaussian noise); well above 1 for training updates, which are low-rank-ish.
 *
 * Cost: the top singular value comes from power iteration on the small side's Gram matrix (R·Rᵀ or
 * Rᵀ·R, one float32 product through `multiplyTransposed`, WebAssembly SIMD), so 40 iterations cost
 * s² each instead of two passes over the whole residual; above GRAM_MAX_SIDE on both sides it iterates
 * on the residual itself (matrix–vector products through the same kernel).
 */
import { multiplyTransposed } from "../fingerprint/weights-linalg.js";
import { seededRandom } from "../stats/rng.js";

const POWER_ITERATIONS = 40;
/** Elements per block of the GGML block quantizations (Q4_0, Q8_0, …). */
const QUANT_BLOCK = 32;
/** Largest small side for which the Gram matrix (s² values, 2·s²·l flops) beats iterating on the
 * residual (80 passes over s·l values): measured break-even with the SIMD product at s ≈ 1,500. */
const GRAM_MAX_SIDE = 1024;

/**
 * Divide each row, then each column, by its RMS: rounding error scales with the magnitude of the weights
 * it rounds (per block, per row), which alone would lift the top singular value; training updates keep
 * their low-rank structure through this balancing. Returns a new float32 array.
 */
export function balanceResidual(
  residual: Float32Array | Float64Array,
  rows: number,
  columns: number,
): Float32Array {
  const out = Float32Array.from(residual);
  // Quantization blocks (GGML: 32 consecutive elements of a row) each carry their own scale.
  if (columns % QUANT_BLOCK === 0) {
    for (let start = 0; start < out.length; start += QUANT_BLOCK) {
      let sum = 0;
      for (let t = start; t < start + QUANT_BLOCK; t++) sum += out[t]! * out[t]!;
      const rms = Math.sqrt(sum / QUANT_BLOCK);
      if (rms > 0) for (let t = start; t < start + QUANT_BLOCK; t++) out[t] = out[t]! / rms;
    }
  }
  for (let r = 0; r < rows; r++) {
    const base = r * columns;
    let sum = 0;
    for (let c = 0; c < columns; c++) sum += out[base + c]! * out[base + c]!;
    const rms = Math.sqrt(sum / columns);
    if (rms === 0) continue;
    for (let c = 0; c < columns; c++) out[base + c] = out[base + c]! / rms;
  }
  // Columns, in row-major sweeps (a strided pass per column would miss the cache on every value).
  const sums = new Float64Array(columns);
  for (let r = 0; r < rows; r++) {
    const base = r * columns;
    for (let c = 0; c < columns; c++) sums[c] = sums[c]! + out[base + c]! * out[base + c]!;
  }
  const scale = new Float64Array(columns);
  for (let c = 0; c < columns; c++) scale[c] = sums[c]! === 0 ? 1 : 1 / Math.sqrt(sums[c]! / rows);
  for (let r = 0; r < rows; r++) {
    const base = r * columns;
    for (let c = 0; c < columns; c++) out[base + c] = out[base + c]! * scale[c]!;
  }
  return out;
}

/** [rows × columns] → [columns × rows]. */
function transposed(m: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) {
    const base = r * columns;
    for (let c = 0; c < columns; c++) out[c * rows + r] = m[base + c]!;
  }
  return out;
}

/**
 * ‖RᵀR·x‖ after POWER_ITERATIONS steps of x ← RᵀR·x / ‖RᵀR·x‖ from a seeded random start (→ σ_max²),
 * computed on the small side's Gram matrix. Columns side (G = RᵀR, x itself); rows side (G = R·Rᵀ,
 * y = R·x: RᵀR·x has norm √(yᵀ·G·y) and R·(RᵀR·x) = G·y), so both give what iterating on R gives.
 */
function powerIterationOnGram(m: Float32Array, rows: number, columns: number): number {
  const random = seededRandom(7);
  const start = Float32Array.from({ length: columns }, () => random() - 0.5);
  const onRows = rows <= columns;
  const n = onRows ? rows : columns;
  let gram: Float32Array;
  let v: Float64Array;
  if (onRows) {
    gram = multiplyTransposed(m, rows, columns, m, rows);
    v = Float64Array.from(multiplyTransposed(start, 1, columns, m, rows));
  } else {
    const t = transposed(m, rows, columns);
    gram = multiplyTransposed(t, columns, rows, t, columns);
    v = Float64Array.from(start);
  }
  let lambda = 0;
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const base = i * n;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += gram[base + j]! * v[j]!;
      next[i] = sum;
    }
    let norm = 0;
    if (onRows) for (let i = 0; i < n; i++) norm += v[i]! * next[i]!;
    else for (let i = 0; i < n; i++) norm += next[i]! * next[i]!;
    norm = Math.sqrt(Math.max(0, norm));
    if (norm === 0) return 0;
    lambda = norm;
    for (let i = 0; i < n; i++) next[i] = next[i]! / norm;
    v = next;
  }
  return lambda;
}

/** Largest singular value squared of [rows × columns] (both sides large): power iteration on Rᵀ·R
 * with the two matrix–vector products through the product kernel. */
function topSquaredSingular(m: Float32Array, rows: number, columns: number): number {
  const t = transposed(m, rows, columns);
  const random = seededRandom(7);
  let x: Float32Array = Float32Array.from({ length: columns }, () => random() - 0.5);
  let lambda = 0;
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    const y = multiplyTransposed(x, 1, columns, m, rows); // R·x
    const next = multiplyTransposed(y, 1, rows, t, columns); // Rᵀ·y
    let norm = 0;
    for (let j = 0; j < columns; j++) norm += next[j]! * next[j]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    lambda = norm;
    for (let j = 0; j < columns; j++) next[j] = next[j]! / norm;
    x = next;
  }
  return lambda;
}

export function spectralRatio(residual: Float32Array | Float64Array, rows: number, columns: number): number {
  let sumSquares = 0;
  for (let i = 0; i < residual.length; i++) sumSquares += residual[i]! * residual[i]!;
  if (sumSquares === 0 || rows === 0 || columns === 0) return 0;
  const rms = Math.sqrt(sumSquares / residual.length);
  const m = residual instanceof Float32Array ? residual : Float32Array.from(residual);
  const lambda =
    Math.min(rows, columns) > GRAM_MAX_SIDE
      ? topSquaredSingular(m, rows, columns)
      : powerIterationOnGram(m, rows, columns);
  return Math.sqrt(lambda) / (rms * (Math.sqrt(rows) + Math.sqrt(columns)));
}
