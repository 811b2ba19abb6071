/**
 * Direct comparison of one tensor pair in the stored basis, on the same sampled rows of both sides:
 * bit equality, the share within the format's rounding or the coarser side's quantization step (and the
 * share a misaligned pairing reaches by chance), relative error, centred correlation (never a raw cosine:
 * norm gains all start at 1), and how structured the residual is.
 */
import { centredCorrelation } from "../stats/correlation.js";
import { balanceResidual, spectralRatio } from "./residual-structure.js";
import { effectiveDtype, floatTolerance, quantizationSteps } from "./rounding.js";

/** Residuals whose top singular value stays this close to the i.i.d. edge are rounding or noise;
 * training updates are low-rank-ish and sit well above (measured: docs/compare.md). */
export const UNSTRUCTURED_RATIO = 1.6;

/** Values of one side: sampled rows (or a whole vector) and how they are stored. */
export interface SideValues {
  values: Float32Array;
  /** Row length (1 for a vector read whole). */
  cols: number;
  dtype: string;
  /** Index of each sampled row in the tensor (places them in quantization groups that span rows). */
  rows?: readonly number[];
}

export interface DirectComparison {
  /** Canonical name (or stored name for tensors no naming rule knows). */
  name: string;
  /** Which part of the model: embedding, attention, mlp, norms, output head, … */
  component: string;
  /** Values compared. */
  elements: number;
  /** Rows compared and their length (a vector: n rows of 1). */
  rows: number;
  cols: number;
  /** Values of the whole tensor (weights for shares). */
  population: number;
  /** Share of compared values bit-equal. */
  bitEqual: number;
  /** Share within the format's rounding or the coarser side's quantization step. */
  withinRounding: number;
  /** Share a misaligned pairing (rows shifted by one) reaches within the same tolerance: chance level. */
  chance: number;
  relativeError: number;
  correlation: number;
  /** The residual's mean in standard errors, |mean| · √n / rms: about N(0, 1) for i.i.d. zero-mean
   * noise, large for a systematic change (a rescaled or retrained norm gain). 0 when nothing differs. */
  meanShift: number;
  /** Top singular value of the balanced residual over the i.i.d. edge (2-D samples of ≥ 2 rows). */
  structure: number | null;
  /** Centred correlation of the residual (suspect − reference) with the reference values: about 0 for
   * noise added independently of the weights; about −1/√2 when rows no longer line up or the values
   * were replaced (the residual then holds −reference). */
  residualCorrelation: number;
  /** Which side lies on a quantization grid, if any. */
  quantized: "suspect" | "reference" | "both" | null;
  /** The grid was found in float values (a quantize round trip written back as floats). */
  gridFromValues: boolean;
  /** The number formats the values were last rounded to (stored dtype, or narrower: an FP16 model
   * written back as float32 reads F16). */
  dtypes: [suspect: string, reference: string];
}

/** Share of parameters unchanged beyond what chance agreement gives (0 for independent values). */
export function unchangedShare(d: DirectComparison): number {
  if (d.chance >= 0.999) return d.withinRounding;
  return Math.max(0, (d.withinRounding - d.chance) / (1 - d.chance));
}

/** A weight matrix (sampled rows of a 2-D tensor), as opposed to a vector. */
export function isMatrixComparison(d: DirectComparison): boolean {
  return d.rows >= 2 && d.cols >= 2;
}

/** |Correlation| of a residual with the reference values below which the residual is independent of the
 * weights, as added noise is (measured: noise copies σ 0.1–4 of base-a and stories260K stay within
 * ±0.05, a Q4_0 round trip −0.03); values replaced or rows no longer lined up give about −0.7. */
export const NOISE_INDEPENDENCE = 0.2;

/** Relative error up to which a noise-like residual still leaves "the same weights": noise as large as
 * the weights themselves (correlation 1/√2 with them) is a copy damaged beyond that, reported as
 * `derived` with the `noised` tag. */
export const NOISE_CEILING = 1;

/** The residual looks like i.i.d. noise added to the weights: unstructured (top singular value near the
 * Marchenko–Pastur edge) and independent of the weights. Training leaves structure (low-rank-ish
 * updates) in some matrix; rounding or quantization is usually caught before (`withinRounding`). */
export function looksLikeNoise(d: DirectComparison): boolean {
  return (
    d.structure !== null &&
    d.structure <= UNSTRUCTURED_RATIO &&
    Math.abs(d.residualCorrelation) <= NOISE_INDEPENDENCE
  );
}

/** Bit-equal, or equal within the formats' rounding or the quantization step for (almost) every value. */
export function equalWithinRounding(d: DirectComparison): boolean {
  return d.bitEqual === 1 || d.withinRounding >= 0.999;
}

/** The residual is explained by rounding, quantization or i.i.d. noise (not by training). */
export function residualExplained(d: DirectComparison): boolean {
  return equalWithinRounding(d) || (looksLikeNoise(d) && d.relativeError < NOISE_CEILING);
}

/** Residual mean, in standard errors, above which a vector's change is systematic rather than i.i.d.
 * noise (4 SD: about 6e-5 of noise draws exceed it). */
export const SYSTEMATIC_SHIFT = 4;

/** A vector (norm gain, bias) whose residual is rounding, quantization or i.i.d. noise: within rounding
 * everywhere, or small and centred on zero. A rescaled, offset or retrained gain is not: it changes what
 * the model computes (a rescale folded into the next matrix is the alignment's business). */
export function vectorResidualExplained(d: DirectComparison): boolean {
  return equalWithinRounding(d) || (d.relativeError < NOISE_CEILING && d.meanShift <= SYSTEMATIC_SHIFT);
}

/** Relative error a token-indexed matrix (embedding, output head) keeps under quantization or noise
 * whatever its residual looks like: a replaced or retrained head differs far more. */
export const TOKEN_MATRIX_CHANGE = 0.15;

/** An embedding or head explained by rounding, quantization or noise. Trained token matrices leave a
 * structured residual (zoo fine-tunes: ≥ 1.8 times the i.i.d. edge; noise copies ≤ 1.0). */
export function tokenMatrixKept(d: DirectComparison): boolean {
  return (
    d.bitEqual === 1 ||
    d.withinRounding >= 0.99 ||
    d.relativeError <= TOKEN_MATRIX_CHANGE ||
    (looksLikeNoise(d) && d.relativeError < NOISE_CEILING)
  );
}

export function compareValues(
  name: string,
  component: string,
  suspect: SideValues,
  reference: SideValues,
  population: number,
): DirectComparison {
  const n = Math.min(suspect.values.length, reference.values.length);
  const a = suspect.values;
  const b = reference.values;
  const cols = reference.cols;
  const typeA = effectiveDtype(a.subarray(0, n), suspect.dtype);
  const typeB = effectiveDtype(b.subarray(0, n), reference.dtype);
  const gridA = quantizationSteps(a.subarray(0, n), cols, typeA, suspect.rows);
  const gridB = quantizationSteps(b.subarray(0, n), cols, typeB, reference.rows);
  // Per element: the float formats' rounding of the value, plus half of each grid's step (once per
  // element, so the chance pairing below reuses it).
  const { relative, absolute } = floatTolerance(typeA, typeB);
  const tolerances = new Float32Array(n);
  for (let i = 0; i < n; i++)
    tolerances[i] =
      Math.abs(b[i]!) * relative + absolute + 0.5005 * ((gridA?.steps[i] ?? 0) + (gridB?.steps[i] ?? 0));
  let equal = 0;
  let within = 0;
  let chance = 0;
  let residualSquares = 0;
  let residualSum = 0;
  let referenceSquares = 0;
  const residual = new Float32Array(n);
  // Misaligned partner: the same column of the next row (the next value for a vector).
  const shift = n > cols ? cols : 1;
  for (let i = 0; i < n; i++) {
    const r = a[i]! - b[i]!;
    residual[i] = r;
    if (a[i] === b[i]) equal++;
    if (Math.abs(r) <= tolerances[i]!) within++;
    const j = i + shift < n ? i + shift : i + shift - n;
    if (Math.abs(a[i]! - b[j]!) <= tolerances[j]!) chance++;
    residualSquares += r * r;
    residualSum += r;
    referenceSquares += b[i]! * b[i]!;
  }
  const rows = Math.floor(n / cols);
  const relativeError =
    referenceSquares === 0 ? Math.sqrt(residualSquares) : Math.sqrt(residualSquares / referenceSquares);
  // The structure only matters when the residual could still be noise: not for bit-equal or rounding-
  // level copies. Large residuals are measured too: noise far larger than the weights must still not
  // be called training.
  const structure =
    rows >= 2 && cols >= 2 && equal < n && within < 0.999 * n
      ? residualStructure(residual, rows, cols)
      : null;
  const quantized = gridA && gridB ? "both" : gridA ? "suspect" : gridB ? "reference" : null;
  return {
    name,
    component,
    elements: n,
    rows,
    cols,
    population,
    bitEqual: n === 0 ? 0 : equal / n,
    withinRounding: n === 0 ? 0 : within / n,
    chance: n === 0 ? 0 : chance / n,
    relativeError,
    correlation: centredCorrelation(a.subarray(0, n), b.subarray(0, n)),
    meanShift: residualSquares === 0 ? 0 : Math.abs(residualSum) / Math.sqrt(residualSquares),
    structure,
    residualCorrelation: centredCorrelation(residual, b.subarray(0, n)),
    quantized,
    gridFromValues: (gridA !== undefined && !gridA.fromDtype) || (gridB !== undefined && !gridB.fromDtype),
    dtypes: [typeA, typeB],
  };
}

/** Columns the structure test keeps: a training update's low rank survives any subset of columns, and
 * the power iterations cost rows × columns each. */
const STRUCTURE_COLUMNS = 256;

/** Residual structure on the sampled rows and at most STRUCTURE_COLUMNS evenly spaced columns (whole
 * quantization blocks of 32 kept together, so per-block balancing still sees blocks). */
function residualStructure(residual: Float32Array, rows: number, cols: number): number {
  if (cols <= STRUCTURE_COLUMNS) return spectralRatio(balanceResidual(residual, rows, cols), rows, cols);
  const blocks = Math.floor(cols / 32);
  const keptBlocks = Math.floor(STRUCTURE_COLUMNS / 32);
  const columns: number[] = [];
  if (cols % 32 === 0 && blocks >= keptBlocks) {
    for (let k = 0; k < keptBlocks; k++) {
      const block = Math.floor(((k + 0.5) * blocks) / keptBlocks);
      for (let t = 0; t < 32; t++) columns.push(block * 32 + t);
    }
  } else {
    for (let k = 0; k < STRUCTURE_COLUMNS; k++)
      columns.push(Math.floor(((k + 0.5) * cols) / STRUCTURE_COLUMNS));
  }
  const width = columns.length;
  const kept = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < width; j++) kept[i * width + j] = residual[i * cols + columns[j]!]!;
  return spectralRatio(balanceResidual(kept, rows, width), rows, width);
}

/** Component of a canonical or stored tensor name, for per-component shares. */
export function componentOf(name: string): string {
  if (name === "embed") return "embedding";
  if (name === "lm_head") return "output head";
  if (/(^|\.)(attn_norm|mlp_norm|final_norm)(\.bias)?$/.test(name)) return "norms";
  if (/^layers\.\d+\.attn\./.test(name)) return "attention";
  if (/^layers\.\d+\.(mlp|moe\.experts)\./.test(name)) return "mlp";
  if (/^layers\.\d+\.moe\.router/.test(name)) return "router";
  const parts = name.split(".").filter((part) => !/^\d+$/.test(part) && part !== "weight" && part !== "bias");
  return parts[1] ?? parts[0] ?? name;
}
