/**
 * Evidence for models no naming rule lays out as a transformer (RWKV, Mamba, anything new): tensors
 * are paired by name and shape, then by shape and value, and each 2-D pair is tested on its own.
 *
 * For a pair of matrices we read the same sampled rows on both sides and run the exact index test on
 * the rows (row i matched among the sampled rows of the other side) and on the columns (column j over
 * the sampled rows). Without unit semantics we cannot know which axis is a hidden-unit axis; at least
 * one axis of a weight matrix is, so the pair's p-value is the LARGER of the two. Pairs share
 * relabellings (a residual axis runs through many tensors), so they are combined by Hommel's method,
 * valid under any dependence: p = (Σ_{i≤N} 1/i) · min_r N·p₍r₎/r.
 */
import { isParameter } from "../architecture/parameter-count.js";
import type { ModelView, TensorHandle } from "../fingerprint/model-view.js";
import { sampleIndices } from "../fingerprint/sample.js";
import { similarityMatrix, standardizeRows } from "../fingerprint/signatures.js";
import { transpose } from "../naming/transforms.js";
import { centredCorrelation } from "../stats/correlation.js";
import { bestMatches, indexTest, sameIndexCount } from "../stats/index-test.js";
import { compareValues, componentOf, type DirectComparison } from "./direct.js";
import { solveAssignment } from "./stats/assignment.js";
import { pairedByValue } from "./value-match.js";

/** Rows (and columns) sampled per tensor for the tests and the direct comparison. */
const TENSOR_UNITS = 128;
/** Rows compared when pairing tensors of one shape by value. */
const VALUE_ROWS = 32;
/** Shortest vectors a correlation is computed over for the index test. */
const MIN_VECTOR = 8;
/** Largest tensor read whole to compare it transposed. */
const MAX_TRANSPOSED_ELEMENTS = 1 << 24;

export type PairedBy = "name" | "stored name" | "value" | "shape";

export interface TensorPair {
  suspect: TensorHandle;
  reference: TensorHandle;
  /** The suspect holds the reference's matrix transposed (shape reversed). */
  transposed: boolean;
  by: PairedBy;
  /** Candidates the pairing chose among (a Bonferroni factor for value pairing). */
  candidates: number;
}

export interface TensorTest {
  name: string;
  log10P: number;
  rows: { matches: number; units: number };
  columns: { matches: number; units: number };
}

export interface TensorEvidence {
  pairs: TensorPair[];
  onlySuspect: string[];
  onlyReference: string[];
  tests: TensorTest[];
  /** Hommel-combined log10 p over the tested pairs. */
  log10P: number;
  direct: DirectComparison[];
}

function handles(view: ModelView): TensorHandle[] {
  const canonical = view.model.tensors.map((t) => view.tensor(t.canonical)!);
  const stored = view.model.unrecognised.filter((t) => isParameter(t.name)).map((t) => view.stored(t));
  return [...canonical, ...stored];
}

const key = (shape: readonly number[]) => shape.join("x");
const reversed = (a: readonly number[], b: readonly number[]) =>
  a.length === 2 && b.length === 2 && a[0] === b[1] && a[1] === b[0] && a[0] !== a[1];

/** Rows of a pair in the reference's layout (the suspect read whole and turned when transposed). */
async function rowsOf(
  pair: TensorPair,
  side: "suspect" | "reference",
  rows: number[],
): Promise<Float32Array> {
  const handle = pair[side];
  if (side === "reference" || !pair.transposed) return handle.readRows(rows);
  const [r, c] = handle.shape as [number, number];
  const turned = transpose(await handle.readAll(), r, c);
  const out = new Float32Array(rows.length * r);
  rows.forEach((row, i) => {
    out.set(turned.subarray(row * r, (row + 1) * r), i * r);
  });
  return out;
}

function matrixView(shape: readonly number[]): { rows: number; cols: number } {
  if (shape.length <= 1) return { rows: shape[0] ?? 1, cols: 1 };
  const cols = shape[shape.length - 1]!;
  return { rows: shape.reduce((p, v) => p * v, 1) / cols, cols };
}

/** Pair tensors: canonical name, stored name, then shape and sampled values; the rest by shape only. */
export async function pairTensors(
  a: ModelView,
  b: ModelView,
): Promise<{
  pairs: TensorPair[];
  onlySuspect: string[];
  onlyReference: string[];
}> {
  const left = handles(a);
  const right = handles(b);
  const pairs: TensorPair[] = [];
  const usedA = new Set<TensorHandle>();
  const usedB = new Set<TensorHandle>();
  const take = (s: TensorHandle, r: TensorHandle, by: PairedBy, candidates = 1) => {
    pairs.push({ suspect: s, reference: r, transposed: reversed(s.shape, r.shape), by, candidates });
    usedA.add(s);
    usedB.add(r);
  };
  for (const by of ["name", "stored name"] as const) {
    for (const r of right) {
      if (usedB.has(r)) continue;
      const s = left.find(
        (t) =>
          !usedA.has(t) &&
          t.name === r.name &&
          (key(t.shape) === key(r.shape) || reversed(t.shape, r.shape)) &&
          (by === "name") === a.has(t.name),
      );
      if (s !== undefined) take(s, r, by);
    }
  }
  // Shape and value: within each shape (or reversed shape), an assignment on |correlation| of the
  // same sampled rows.
  const restA = left.filter((t) => !usedA.has(t));
  const restB = right.filter((t) => !usedB.has(t));
  const groups = new Map<string, { s: TensorHandle[]; r: TensorHandle[] }>();
  const groupKey = (shape: readonly number[]) =>
    (shape.length === 2 ? [...shape].sort((x, y) => x - y) : shape).join("x");
  for (const t of restA)
    (
      groups.get(groupKey(t.shape)) ?? groups.set(groupKey(t.shape), { s: [], r: [] }).get(groupKey(t.shape))!
    ).s.push(t);
  for (const t of restB) groups.get(groupKey(t.shape))?.r.push(t);
  // Every correlation computed to choose the pairs: the multiple comparisons a by-value pair must pay.
  const comparisons = [...groups.values()].reduce((sum, g) => sum + g.s.length * g.r.length, 0);
  for (const { s, r } of groups.values()) {
    if (s.length === 0 || r.length === 0) continue;
    const { similarity, values } = await valueSimilarities(s, r);
    const [rows, cols] = [s.length, r.length];
    const flip = rows > cols;
    const cost = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) cost[flip ? j * rows + i : i * cols + j] = -similarity[i * cols + j]!;
    const assignment = flip ? solveAssignment(cost, cols, rows) : solveAssignment(cost, rows, cols);
    const chosen: [number, number][] = flip
      ? [...assignment].map((i, j) => [i, j])
      : [...assignment].map((j, i) => [i, j]);
    for (const [i, j] of chosen) {
      if (i < 0 || j < 0) continue;
      const value = similarity[i * cols + j]!;
      const byValue = pairedByValue(value, values[i * cols + j]!, comparisons);
      take(s[i]!, r[j]!, byValue ? "value" : "shape", Math.max(rows, cols));
    }
  }
  return {
    pairs,
    onlySuspect: left.filter((t) => !usedA.has(t)).map((t) => t.name),
    onlyReference: right.filter((t) => !usedB.has(t)).map((t) => t.name),
  };
}

/** |centred correlation| of the same sampled rows for every suspect × reference tensor of one shape
 * group, and the number of values each was computed over. */
async function valueSimilarities(
  s: TensorHandle[],
  r: TensorHandle[],
): Promise<{ similarity: Float64Array; values: Int32Array }> {
  const out = new Float64Array(s.length * r.length);
  const counts = new Int32Array(s.length * r.length);
  const sample = async (handle: TensorHandle, target: readonly number[], turn: boolean) => {
    const { rows } = matrixView(target);
    const picks = sampleIndices(rows, VALUE_ROWS, "value-match");
    if (!turn) return handle.readRows(picks);
    if (handle.shape.reduce((p, v) => p * v, 1) > MAX_TRANSPOSED_ELEMENTS) return undefined;
    return rowsOf(
      { suspect: handle, reference: handle, transposed: true, by: "shape", candidates: 1 },
      "suspect",
      picks,
    );
  };
  const references = await Promise.all(
    r.map((t) => t.readRows(sampleIndices(matrixView(t.shape).rows, VALUE_ROWS, "value-match"))),
  );
  for (let i = 0; i < s.length; i++) {
    for (let j = 0; j < r.length; j++) {
      const values = await sample(s[i]!, r[j]!.shape, reversed(s[i]!.shape, r[j]!.shape));
      out[i * r.length + j] = values === undefined ? 0 : Math.abs(centredCorrelation(values, references[j]!));
      counts[i * r.length + j] = values === undefined ? 0 : Math.min(values.length, references[j]!.length);
    }
  }
  return { similarity: out, values: counts };
}

/** Same-index matches of the rows (or, transposed, the columns) of two [k × w] samples. */
function axisTest(
  s: Float32Array,
  r: Float32Array,
  k: number,
  w: number,
  random: () => number,
): Int32Array | undefined {
  if (k < 2 || w < MIN_VECTOR) return undefined;
  const fs = standardizeRows(s.slice(), k, w);
  const fr = standardizeRows(r.slice(), k, w);
  return bestMatches(similarityMatrix(fs, fr, k, w, false), k, random);
}

function columns(values: Float32Array, rows: number, cols: number, picks: readonly number[]): Float32Array {
  const out = new Float32Array(picks.length * rows);
  picks.forEach((c, j) => {
    for (let i = 0; i < rows; i++) out[j * rows + i] = values[i * cols + c]!;
  });
  return out;
}

/** Hommel's combination of p-values under arbitrary dependence, in log10. */
export function hommelLog10(log10Ps: readonly number[]): number {
  const n = log10Ps.length;
  if (n === 0) return 0;
  const sorted = [...log10Ps].sort((x, y) => x - y);
  let harmonic = 0;
  for (let i = 1; i <= n; i++) harmonic += 1 / i;
  let best = Number.POSITIVE_INFINITY;
  sorted.forEach((p, r) => {
    best = Math.min(best, Math.log10(n / (r + 1)) + p);
  });
  return Math.min(0, Math.log10(harmonic) + best);
}

export async function tensorEvidence(
  a: ModelView,
  b: ModelView,
  random: () => number,
): Promise<TensorEvidence> {
  const { pairs, onlySuspect, onlyReference } = await pairTensors(a, b);
  const tests: TensorTest[] = [];
  const direct: DirectComparison[] = [];
  for (const pair of pairs) {
    const { rows, cols } = matrixView(pair.reference.shape);
    const population = rows * cols;
    const vector = pair.reference.shape.length <= 1 || cols === 1;
    const picks = vector ? [] : sampleIndices(rows, TENSOR_UNITS, "rows");
    const s = vector ? await pair.suspect.readAll() : await rowsOf(pair, "suspect", picks);
    const r = vector ? await pair.reference.readAll() : await pair.reference.readRows(picks);
    const width = vector ? 1 : cols;
    direct.push(
      compareValues(
        pair.reference.name,
        componentOf(pair.reference.name),
        {
          values: s,
          cols: width,
          dtype: pair.suspect.dtype,
          ...(pair.transposed || vector ? {} : { rows: picks }),
        },
        { values: r, cols: width, dtype: pair.reference.dtype, ...(vector ? {} : { rows: picks }) },
        population,
      ),
    );
    if (vector || pair.by === "shape") continue;
    const k = picks.length;
    const byRows = axisTest(s, r, k, cols, random);
    const colPicks = sampleIndices(cols, TENSOR_UNITS, "cols");
    const byCols = axisTest(
      columns(s, k, cols, colPicks),
      columns(r, k, cols, colPicks),
      colPicks.length,
      k,
      random,
    );
    if (byRows === undefined || byCols === undefined) continue;
    const pr = indexTest([byRows]);
    const pc = indexTest([byCols]);
    const bonferroni = pair.by === "value" ? Math.log10(pair.candidates) : 0;
    tests.push({
      name: pair.reference.name,
      log10P: Math.min(0, Math.max(pr.log10P, pc.log10P) + bonferroni),
      rows: { matches: sameIndexCount(byRows), units: byRows.length },
      columns: { matches: sameIndexCount(byCols), units: byCols.length },
    });
  }
  return {
    pairs,
    onlySuspect,
    onlyReference,
    tests,
    log10P: hommelLog10(tests.map((t) => t.log10P)),
    direct,
  };
}
