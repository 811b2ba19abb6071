/**
 * Tensors no naming rule knows are not dropped: they are matched to the reference's canonical tensors
 * by shape and value, so invented names cannot hide a copy (names are never the only path).
 *
 * For each suspect tensor of unknown name and each reference canonical tensor the suspect lacks, with
 * the same shape or the transposed shape, the statistic is the |centred correlation| of the values at
 * fixed sample positions (never a raw cosine). An assignment over those similarities pairs them; pairs
 * whose correlation is beyond chance for the number of values and of comparisons (`value-match.ts`) are
 * "matched by value". What remains is paired by structure alone (same shape,
 * nearest layer number in the name, then name order): that keeps the blueprint comparable for
 * independent weights, and the layer statistics then decide on values as for any other model.
 */

import { gatherRows, matrixView, type TensorInfo } from "../formats/tensor-store.js";
import type { CanonicalModel, CanonicalTensor, LayoutTransform } from "../naming/canonical-model.js";
import { applyTransforms } from "../naming/transforms.js";
import { centredCorrelation } from "../stats/correlation.js";
import { solveAssignment } from "./stats/assignment.js";
import { pairedByValue } from "./value-match.js";

/** Sample positions compared per tensor: enough for a correlation to ±0.02, cheap to hold in memory. */
const SAMPLES = 4096;

export interface UnrecognisedMatch {
  /** The suspect with matched tensors added under canonical names. */
  model: CanonicalModel;
  byValue: number;
  byShape: number;
  /** Suspect tensors still without a role. */
  unmatched: string[];
  bytesRead: number;
}

type Orientation = "same" | "transposed";

interface Candidate {
  tensor: TensorInfo;
  layer: number | undefined;
  /** Samples read at the target's sample positions, per orientation the shape allows. */
  samples: Map<string, Map<Orientation, Float32Array>>;
  /** Quantiles of the values: unchanged by any permutation of rows, columns or storage order. */
  quantiles: Float32Array;
}

const QUANTILES = 64;

function quantiles(samples: Float32Array): Float32Array {
  const sorted = Float32Array.from(samples).sort();
  const out = new Float32Array(QUANTILES);
  for (let k = 0; k < QUANTILES; k++) out[k] = sorted[Math.floor(((k + 0.5) * sorted.length) / QUANTILES)]!;
  return out;
}

/** Distance of two value distributions, relative to the reference's spread (0 = same distribution). */
function quantileDistance(a: Float32Array, b: Float32Array): number {
  let squared = 0;
  let spread = 0;
  for (let k = 0; k < QUANTILES; k++) {
    squared += (a[k]! - b[k]!) ** 2;
    spread += b[k]! ** 2;
  }
  return Math.sqrt(squared / Math.max(spread, 1e-30));
}

function shapeKey(shape: readonly number[]): string {
  return shape.join("x");
}

/** The first integer component of a dotted name (`backbone.cells.3.mixer` → 3): the layer, if any. */
function layerInName(name: string): number | undefined {
  for (const part of name.split(".")) if (/^\d+$/.test(part)) return Number(part);
  return undefined;
}

/** Flat positions (in a [rows, cols] tensor) compared: an even stride over the whole tensor. */
function samplePositions(count: number): Int32Array {
  const n = Math.min(SAMPLES, count);
  const positions = new Int32Array(n);
  for (let k = 0; k < n; k++) positions[k] = Math.floor(((k + 0.5) * count) / n);
  return positions;
}

function sampleAt(values: Float32Array, shape: readonly number[], orientation: Orientation): Float32Array {
  const count = values.length;
  const positions = samplePositions(count);
  const out = new Float32Array(positions.length);
  const cols = shape.length === 2 ? shape[1]! : count;
  const rows = shape.length === 2 ? shape[0]! : 1;
  for (let k = 0; k < positions.length; k++) {
    const p = positions[k]!;
    if (orientation === "same") out[k] = values[p]!;
    else {
      // Target position (i, j) of a [rows, cols] target holds the suspect's (j, i) of [cols, rows].
      const i = Math.floor(p / cols);
      const j = p % cols;
      out[k] = values[j * rows + i]!;
    }
  }
  return out;
}

function orientations(stored: readonly number[], target: readonly number[]): Orientation[] {
  const result: Orientation[] = [];
  if (shapeKey(stored) === shapeKey(target)) result.push("same");
  if (stored.length === 2 && target.length === 2 && stored[0] === target[1] && stored[1] === target[0])
    result.push("transposed");
  return result;
}

/** Minimum-cost pairing of `rows` items with `columns` items (either may be the longer). */
function pair(
  cost: (row: number, column: number) => number,
  rows: number,
  columns: number,
): [number, number][] {
  if (rows === 0 || columns === 0) return [];
  const flip = rows > columns;
  const [r, c] = flip ? [columns, rows] : [rows, columns];
  const matrix = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) matrix[i * c + j] = flip ? cost(j, i) : cost(i, j);
  const assignment = solveAssignment(matrix, r, c);
  return [...assignment].map((j, i) => (flip ? [j, i] : [i, j]) as [number, number]);
}

export async function matchUnrecognised(
  suspect: CanonicalModel,
  reference: CanonicalModel,
): Promise<UnrecognisedMatch> {
  const targets = reference.tensors.filter((t) => suspect.get(t.canonical) === undefined);
  const unknown = suspect.unrecognised.filter((s) =>
    targets.some((t) => orientations(s.shape, t.shape).length > 0),
  );
  if (unknown.length === 0 || targets.length === 0) {
    return {
      model: suspect,
      byValue: 0,
      byShape: 0,
      unmatched: suspect.unrecognised.map((s) => s.name),
      bytesRead: 0,
    };
  }
  let bytesRead = 0;
  // Reference samples, one read per target tensor.
  const targetSamples = new Map<string, Float32Array>();
  for (const target of targets) {
    if (!unknown.some((s) => orientations(s.shape, target.shape).length > 0)) continue;
    const values = await reference.read(target.canonical);
    bytesRead += target.source.byteLength;
    targetSamples.set(target.canonical, sampleAt(values, target.shape, "same"));
  }
  // Suspect samples, one read per unknown tensor, in every orientation some target's shape allows.
  const candidates: Candidate[] = [];
  for (const tensor of unknown) {
    const values = await suspect.source.store.read(tensor.name);
    bytesRead += tensor.byteLength;
    const samples = new Map<string, Map<Orientation, Float32Array>>();
    for (const target of targets) {
      const ways = orientations(tensor.shape, target.shape);
      if (ways.length === 0) continue;
      const key = shapeKey(target.shape);
      if (samples.has(key)) continue;
      const byWay = new Map<Orientation, Float32Array>();
      for (const way of ways) byWay.set(way, sampleAt(values, target.shape, way));
      samples.set(key, byWay);
    }
    const quantileSource = sampleAt(values, tensor.shape, "same");
    candidates.push({
      tensor,
      layer: layerInName(tensor.name),
      samples,
      quantiles: quantiles(quantileSource),
    });
  }

  const best = (
    c: Candidate,
    t: CanonicalTensor,
  ): { similarity: number; way: Orientation; values: number } => {
    const byWay = c.samples.get(shapeKey(t.shape));
    const target = targetSamples.get(t.canonical);
    let result = { similarity: 0, way: "same" as Orientation, values: 0 };
    if (byWay === undefined || target === undefined) return { similarity: -1, way: "same", values: 0 };
    for (const [way, values] of byWay) {
      const similarity = Math.abs(centredCorrelation(values, target));
      if (Number.isFinite(similarity) && similarity > result.similarity)
        result = { similarity, way, values: values.length };
    }
    return result;
  };
  // Every correlation computed to choose the pairs: the multiple comparisons a by-value pair must pay.
  let comparisons = 0;
  for (const c of candidates)
    for (const t of targets)
      if (targetSamples.has(t.canonical)) comparisons += c.samples.get(shapeKey(t.shape))?.size ?? 0;

  const added: CanonicalTensor[] = [];
  let byValue = 0;
  const matchedSuspect = new Set<number>();
  const matchedTarget = new Set<number>();
  const IMPOSSIBLE = 1e9;
  // 1. By value.
  for (const [i, j] of pair(
    (i, j) => {
      const b = best(candidates[i]!, targets[j]!);
      return b.similarity < 0 ? IMPOSSIBLE : -b.similarity;
    },
    candidates.length,
    targets.length,
  )) {
    const b = best(candidates[i]!, targets[j]!);
    if (!pairedByValue(b.similarity, b.values, comparisons)) continue;
    matchedSuspect.add(i);
    matchedTarget.add(j);
    added.push(canonicalFor(candidates[i]!.tensor, targets[j]!, b.way, "matched-by-value"));
    byValue++;
  }
  // 2. By structure: same shape, nearest layer number, then the closest value distribution (quantiles
  // are unchanged by permuting rows or columns; for independent weights the choice is arbitrary but
  // harmless, since the layer statistics then find no shared values whichever role a tensor gets).
  const restS = candidates.map((_, i) => i).filter((i) => !matchedSuspect.has(i));
  const restT = targets.map((_, j) => j).filter((j) => !matchedTarget.has(j));
  const targetQuantiles = new Map(
    restT.map((j) => [j, quantiles(targetSamples.get(targets[j]!.canonical) ?? new Float32Array(1))]),
  );
  let byShape = 0;
  for (const [a, b] of pair(
    (a, b) => {
      const c = candidates[restS[a]!]!;
      const t = targets[restT[b]!]!;
      const ways = orientations(c.tensor.shape, t.shape);
      if (ways.length === 0) return IMPOSSIBLE;
      const layerGap =
        c.layer === undefined || t.layer === undefined
          ? c.layer === t.layer
            ? 0
            : 50
          : Math.abs(c.layer - t.layer);
      return layerGap * 1000 + quantileDistance(c.quantiles, targetQuantiles.get(restT[b]!)!);
    },
    restS.length,
    restT.length,
  )) {
    const c = candidates[restS[a]!]!;
    const t = targets[restT[b]!]!;
    const ways = orientations(c.tensor.shape, t.shape);
    if (ways.length === 0) continue;
    matchedSuspect.add(restS[a]!);
    added.push(canonicalFor(c.tensor, t, ways[0]!, "matched-by-shape"));
    byShape++;
  }
  const matchedNames = new Set(added.map((t) => t.source.name));
  return {
    model: withTensors(suspect, added, matchedNames),
    byValue,
    byShape,
    unmatched: suspect.unrecognised.filter((s) => !matchedNames.has(s.name)).map((s) => s.name),
    bytesRead,
  };
}

function canonicalFor(
  source: TensorInfo,
  target: CanonicalTensor,
  way: Orientation,
  convention: string,
): CanonicalTensor {
  const transforms: LayoutTransform[] = way === "transposed" ? [{ kind: "transpose" }] : [];
  return {
    canonical: target.canonical,
    layer: target.layer,
    shape: [...target.shape],
    source,
    transforms,
    convention,
  };
}

/** The suspect's canonical view with `added` tensors recognised (read through the same transforms). */
function withTensors(
  model: CanonicalModel,
  added: CanonicalTensor[],
  names: ReadonlySet<string>,
): CanonicalModel {
  if (added.length === 0) return model;
  const extra = new Map(added.map((t) => [t.canonical, t]));
  return {
    ...model,
    tensors: [...model.tensors, ...added],
    unrecognised: model.unrecognised.filter((t) => !names.has(t.name)),
    get: (canonical) => model.get(canonical) ?? extra.get(canonical),
    async read(canonical) {
      const tensor = extra.get(canonical);
      if (tensor === undefined) return model.read(canonical);
      return applyTransforms(
        await model.source.store.read(tensor.source.name),
        tensor.source.shape,
        tensor.transforms,
      );
    },
    async readRows(canonical, rows) {
      const tensor = extra.get(canonical);
      if (tensor === undefined) return model.readRows(canonical, rows);
      const values = applyTransforms(
        await model.source.store.read(tensor.source.name),
        tensor.source.shape,
        tensor.transforms,
      );
      return gatherRows(values, matrixView(tensor.shape).cols, rows);
    },
  };
}
