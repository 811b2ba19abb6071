/**
 * How far apart two stored copies of one value may lie: the rounding of each side's number format, and
 * the step of a quantization grid a side lies on (from its dtype, or found in the values when a
 * quantized model was written back as floats).
 *
 * Sources: GGML block types (ggml-quants.c: Q8_0 x = d·q, q ∈ [−127, 127]; Q4_0 x = d·(q − 8), q ∈ [0, 15];
 * Q5_0 x = d·(q − 16); Q4_1 / Q5_1 x = d·q + m; K-quants: sub-blocks of 16 or 32 with their own scale);
 * llama2.c `export.py --version 2` Q8_0 groups (x = s·q, q ∈ [−127, 127]); IEEE half, bfloat16 and
 * float32 unit roundoff.
 */

/** Elements per quantization block (GGML legacy blocks and llama2.c groups of 32). */
export const QUANT_BLOCK = 32;

/** Relative rounding of a value stored in a float format (half an ulp). */
const UNIT_ROUNDOFF: Record<string, number> = {
  F64: 2 ** -53,
  F32: 2 ** -24,
  F16: 2 ** -11,
  BF16: 2 ** -8,
  F8_E4M3: 2 ** -4,
  F8_E5M2: 2 ** -3,
};
/** Smallest normal magnitude of half: below it F16 rounds to an absolute step (subnormals). */
const F16_SUBNORMAL_STEP = 2 ** -25;

/** The grid of each quantized dtype: symmetric x = d·q with |q| ≤ qmax (d = max|x| / qmax), or affine
 * x = m + d·q with q ∈ 0..levels (d ≤ (max − min) / levels; K-quants' sub-blocks read as affine). */
type Grid = { kind: "symmetric"; qmax: number } | { kind: "affine"; levels: number };
const QUANT_GRIDS: Record<string, Grid> = {
  Q8_0: { kind: "symmetric", qmax: 127 },
  Q8_1: { kind: "symmetric", qmax: 127 },
  Q8_K: { kind: "symmetric", qmax: 127 },
  Q5_0: { kind: "symmetric", qmax: 16 },
  Q4_0: { kind: "symmetric", qmax: 8 },
  IQ4_NL: { kind: "symmetric", qmax: 8 },
  IQ4_XS: { kind: "symmetric", qmax: 8 },
  Q6_K: { kind: "symmetric", qmax: 32 },
  Q5_1: { kind: "affine", levels: 31 },
  Q5_K: { kind: "affine", levels: 31 },
  Q4_1: { kind: "affine", levels: 15 },
  Q4_K: { kind: "affine", levels: 15 },
  Q3_K: { kind: "symmetric", qmax: 4 },
  Q2_K: { kind: "affine", levels: 3 },
};

/** Stored types that are quantizations (FP8 weights come with block scales in practice). */
export function isQuantizedDtype(dtype: string): boolean {
  return (
    dtype in QUANT_GRIDS || dtype.startsWith("F8_") || /^Q8_G\d+$/.test(dtype) || /^(I?Q\d|TQ)/.test(dtype)
  );
}

function gridOf(dtype: string): Grid | undefined {
  if (/^Q8_G\d+$/.test(dtype)) return { kind: "symmetric", qmax: 127 };
  return QUANT_GRIDS[dtype];
}

/** Relative rounding of a float dtype (0 for exact integer types; bf16's for unknown floats). */
export function unitRoundoff(dtype: string): number {
  return UNIT_ROUNDOFF[dtype] ?? (isQuantizedDtype(dtype) ? 0 : 2 ** -8);
}

/** Candidate grids found in float values: symmetric (x = s·q, |q| ≤ L) or affine (x = min + s·q, q ≤ L). */
const SYMMETRIC_LEVELS = [127, 16, 15, 8, 7, 4, 3];
const AFFINE_LEVELS = [255, 63, 31, 15, 7, 3];

function onGrid(
  values: ArrayLike<number>,
  start: number,
  end: number,
  offset: number,
  step: number,
  precision: number,
): boolean {
  for (let t = start; t < end; t++) {
    const q = (values[t]! - offset) / step;
    const tolerance = 1e-3 + Math.abs(q) * precision * 4;
    if (tolerance > 0.25 || Math.abs(q - Math.round(q)) > tolerance) return false;
  }
  return true;
}

/**
 * The grid step of one block of float values, if they lie on a quantization grid; else undefined.
 * `precision` is the relative rounding of the float format the values were written in.
 */
function blockGridStep(
  values: ArrayLike<number>,
  start: number,
  end: number,
  precision: number,
): number | undefined {
  let max = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let t = start; t < end; t++) {
    const v = values[t]!;
    max = Math.max(max, Math.abs(v));
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (max === 0) return 0;
  for (const levels of SYMMETRIC_LEVELS) {
    const step = max / levels;
    if (onGrid(values, start, end, 0, step, precision)) return step;
  }
  if (hi > lo) {
    for (const levels of AFFINE_LEVELS) {
      const step = (hi - lo) / levels;
      if (onGrid(values, start, end, lo, step, precision)) return step;
    }
  }
  return undefined;
}

export interface GridSteps {
  /** Per element: the step of the quantization grid (0 where the block is all zeros). */
  steps: Float32Array;
  /** The grid came from the dtype (true) or was found in float values (false). */
  fromDtype: boolean;
}

/**
 * The blocks the sampled values fall into: [start, end) runs of one quantization block. GGML blocks run
 * along each row (32 values); llama2.c `Q8_G{n}` groups run over the flattened tensor, so a sampled row
 * may hold only part of a group (`rows` = the row index of each sampled row, to place them).
 */
function segments(
  length: number,
  cols: number,
  dtype: string,
  rows: readonly number[] | undefined,
): [number, number, boolean][] {
  const flat = /^Q8_G(\d+)$/.exec(dtype);
  const out: [number, number, boolean][] = [];
  if (flat !== null && rows !== undefined && rows.length * cols === length) {
    const group = Number(flat[1]);
    rows.forEach((row, i) => {
      let at = 0;
      while (at < cols) {
        const flatIndex = row * cols + at;
        const end = Math.min(cols, at + group - (flatIndex % group));
        out.push([i * cols + at, i * cols + end, end - at === group]);
        at = end;
      }
    });
    return out;
  }
  if (cols % QUANT_BLOCK !== 0) return [];
  for (let start = 0; start + QUANT_BLOCK <= length; start += QUANT_BLOCK)
    out.push([start, start + QUANT_BLOCK, true]);
  return out;
}

/** Step of a symmetric grid from a part of a block: the largest k ≤ qmax with every value an integer
 * multiple of max|x| / k (the block's own maximum may lie in the part not read). */
function partialSymmetricStep(
  values: ArrayLike<number>,
  start: number,
  end: number,
  qmax: number,
  precision: number,
): number {
  let max = 0;
  for (let t = start; t < end; t++) max = Math.max(max, Math.abs(values[t]!));
  if (max === 0) return 0;
  for (let k = qmax; k >= 1; k--) if (onGrid(values, start, end, 0, max / k, precision)) return max / k;
  return max / qmax;
}

/**
 * Quantization steps of sampled rows [rows × cols] of one tensor: from the dtype's block structure, or
 * found in the values when at least 95 % of blocks lie on one grid family (a quantized model written
 * back as floats). Undefined when the values are plain floats.
 */
export function quantizationSteps(
  values: Float32Array,
  cols: number,
  dtype: string,
  rows?: readonly number[],
): GridSteps | undefined {
  const grid = gridOf(dtype);
  const runs = segments(values.length, cols, dtype, rows);
  if (runs.length === 0) return undefined;
  const steps = new Float32Array(values.length);
  if (grid !== undefined) {
    for (const [start, end, whole] of runs) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let t = start; t < end; t++) {
        lo = Math.min(lo, values[t]!);
        hi = Math.max(hi, values[t]!);
      }
      let step: number;
      if (grid.kind === "symmetric")
        step = whole
          ? Math.max(Math.abs(lo), Math.abs(hi)) / grid.qmax
          : partialSymmetricStep(values, start, end, grid.qmax, 2 ** -24);
      // A block rarely uses both extreme levels: 10 % fewer levels keeps the estimate at or above the
      // true step for blocks that span most of the grid.
      else step = (hi - lo) / Math.max(1, grid.levels * 0.9);
      steps.fill(step, start, end);
    }
    return { steps, fromDtype: true };
  }
  const precision = unitRoundoff(dtype);
  if (precision > 2 ** -7) return undefined;
  let misses = 0;
  const allowed = 0.05 * runs.length;
  for (const [start, end] of runs) {
    const step = blockGridStep(values, start, end, precision);
    // Plain floats miss on nearly every block: stop as soon as the 95 % can no longer be reached.
    if (step === undefined && ++misses > allowed) return undefined;
    if (step !== undefined) steps.fill(step, start, end);
  }
  return { steps, fromDtype: false };
}

/** Largest difference of two copies of a value v explained by the float formats alone:
 * |v| · relative + absolute. */
export function floatTolerance(
  suspectDtype: string,
  referenceDtype: string,
): { relative: number; absolute: number } {
  return {
    relative: (unitRoundoff(suspectDtype) + unitRoundoff(referenceDtype)) * 1.0001,
    absolute: suspectDtype === "F16" || referenceDtype === "F16" ? F16_SUBNORMAL_STEP : 0,
  };
}

const bits = new Uint32Array(1);
const floats = new Float32Array(bits.buffer);

/** The value is a float32 that bfloat16 holds exactly (its low 16 bits are zero). */
function inBfloat16(value: number): boolean {
  floats[0] = value;
  return (bits[0]! & 0xffff) === 0;
}

/** The value is a float32 that IEEE half holds exactly (normal or subnormal). */
function inHalf(value: number): boolean {
  floats[0] = value;
  const b = bits[0]!;
  const exponent = ((b >>> 23) & 0xff) - 127;
  if ((b & 0x7fffffff) === 0) return true;
  if (exponent > 15) return false;
  if (exponent >= -14) return (b & 0x1fff) === 0;
  // Half subnormals are multiples of 2^-24.
  const scaled = Math.abs(value) * 2 ** 24;
  return scaled === Math.round(scaled);
}

/**
 * The float format values were last rounded to: `dtype`, or a narrower one when every value is exactly
 * representable in it (an FP16 or BF16 model written back as float32).
 */
export function effectiveDtype(values: Float32Array, dtype: string): string {
  if (dtype !== "F32" && dtype !== "F64") return dtype;
  if (values.length === 0) return dtype;
  let bf16 = true;
  let f16 = true;
  for (let i = 0; i < values.length && (bf16 || f16); i++) {
    if (bf16 && !inBfloat16(values[i]!)) bf16 = false;
    if (f16 && !inHalf(values[i]!)) f16 = false;
  }
  if (bf16 && !f16) return "BF16";
  if (f16 && !bf16) return "F16";
  // Both hold every value (small integers, zeros): the narrower claim says nothing; keep the dtype.
  return dtype;
}
