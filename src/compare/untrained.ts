/**
 * Is a model an untrained initialisation? Evidence of direction ("the initialisation came first") and of
 * a shared start, so it must rest on more than unit norms: a rotated or norm-folded copy of a trained
 * model also has every norm gain 1 (the gains were multiplied into the matrices), yet its matrices keep
 * the structure training gave them.
 *
 * Untrained = every norm gain exactly 1 and norm bias exactly 0, AND every layer matrix looks like an
 * i.i.d. draw (what PyTorch and every Llama-style recipe initialise with), measured on sampled rows:
 *  - its top singular value sits at the Marchenko–Pastur edge of an i.i.d. matrix of its size and RMS
 *    (`spectralRatio` ≤ INIT_MAX_STRUCTURE); training leaves low-rank structure above that edge;
 *  - its columns have equal scale: the coefficient of variation of the column RMS over k sampled rows is
 *    about 1/√(2k) for i.i.d. values (≤ INIT_COLUMN_SPREAD times that); gains folded into the matrix
 *    scale its input columns unequally.
 * Not measured: the initialisation's own scale (recipes differ: 0.02, 1/√fan-in, …).
 */
import type { CanonicalModel } from "../naming/canonical-model.js";
import { spectralRatio } from "./residual-structure.js";

/** Largest spectral ratio of an untrained matrix. i.i.d. matrices give about 1 (makemore
 * init-seed3407: 0.93–1.01 over its 24 layer matrices); trained ones exceed it in some matrix
 * (makemore names-a trained from that init: up to 1.49; stories260K: up to 2.99). */
export const INIT_MAX_STRUCTURE = 1.15;
/** Column-RMS spread allowed, in units of the i.i.d. expectation 1/√(2k) (makemore init: ≤ 1.4 of it). */
export const INIT_COLUMN_SPREAD = 3;
/** Rows sampled per layer matrix (evenly spaced): enough for both statistics, cheap at any width. */
const SAMPLED_ROWS = 256;

/** Every norm gain exactly 1 and every norm bias exactly 0 (canonical name → values); linear-layer
 * biases are drawn at random by PyTorch's default initialisation, so they say nothing. */
export function unitNorms(vectors: ReadonlyMap<string, Float32Array>): boolean {
  let seen = 0;
  for (const [name, values] of vectors) {
    const norm = /norm$/.test(name);
    const bias = /norm\.bias$/.test(name);
    if (!norm && !bias) continue;
    seen++;
    const expected = norm ? 1 : 0;
    for (const v of values) if (v !== expected) return false;
  }
  return seen > 0;
}

/**
 * Whether sampled rows [rows × columns] of a layer matrix look like an i.i.d. initialisation (both
 * statistics above). An all-zero matrix (zero-initialised output projections) counts as untrained.
 */
export function looksLikeInitMatrix(values: Float32Array, rows: number, columns: number): boolean {
  const sums = new Float64Array(columns);
  let total = 0;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) {
      const v = values[r * columns + c]!;
      sums[c] = sums[c]! + v * v;
      total += v * v;
    }
  if (total === 0) return true;
  if (spectralRatio(values, rows, columns) > INIT_MAX_STRUCTURE) return false;
  const rms = Array.from(sums, (s) => Math.sqrt(s / rows));
  const mean = rms.reduce((a, b) => a + b, 0) / columns;
  const spread = Math.sqrt(rms.reduce((a, b) => a + (b - mean) ** 2, 0) / columns) / mean;
  return spread <= INIT_COLUMN_SPREAD / Math.sqrt(2 * rows);
}

function evenlySpaced(count: number, k: number): number[] {
  if (count <= k) return Array.from({ length: count }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.floor((i * count) / k));
}

/**
 * Unit norms and i.i.d.-looking layer matrices (see the file comment). Reads the norm vectors, and the
 * matrices' sampled rows only when the norms are all at their initial values.
 */
export async function looksUntrained(model: CanonicalModel): Promise<boolean> {
  const vectors = new Map<string, Float32Array>();
  for (const tensor of model.tensors) {
    if (tensor.shape.length !== 1 || !/norm(\.bias)?$/.test(tensor.canonical)) continue;
    vectors.set(tensor.canonical, await model.read(tensor.canonical));
  }
  if (!unitNorms(vectors)) return false;
  const matrices = model.tensors.filter((t) => t.layer !== undefined && t.shape.length === 2);
  if (matrices.length === 0) return false;
  for (const tensor of matrices) {
    const [rows, columns] = [tensor.shape[0]!, tensor.shape[1]!];
    const sample = evenlySpaced(rows, SAMPLED_ROWS);
    const values = await model.readRows(tensor.canonical, sample);
    if (!looksLikeInitMatrix(values, sample.length, columns)) return false;
  }
  return true;
}
