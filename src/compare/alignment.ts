/**
 * The alignment search: copies whose hidden units were deliberately relabelled (residual stream, heads
 * or MLP neurons permuted) or whose residual stream was rotated. The index test has no power there
 * (labels no longer agree), and the stored basis no longer lines up, so the evidence is the alignment
 * itself:
 *
 *  - residual dimensions: each sampled embedding column of the suspect against every column of the
 *    reference (|correlation| over the anchors): a permuted, sign-flipped residual stream matches ≈ 1;
 *  - hidden units: each sampled unit of the suspect (MLP neuron, KV group) against an extended sample of
 *    the reference's units of the mapped layer, by signature (unchanged by any permutation, sign flip or
 *    rotation of the residual stream): a relabelled copy has twins at ≈ 1 wherever both samples meet
 *    (with k of m units sampled on each side about k²/m meet; small layers are read whole);
 *  - how the twins differ, whatever the basis: signatures of matched units, one side scaled to the other
 *    (rescaled units), the residual whitened by the anchors' Gram matrix (noise in weights becomes i.i.d.
 *    there) and its top singular value set against the i.i.d. edge: ≈ 1 for rounding, quantization or
 *    noise, above for training updates.
 *
 * Its p-value cannot come from label symmetry (nothing is left of the labels); it comes from a fitted
 * null of the statistic over independent pairs (`fitted-null.ts`), and the output says so.
 */
import type { ModelView } from "../fingerprint/model-view.js";
import { sampleIndices } from "../fingerprint/sample.js";
import { foldGain } from "../fingerprint/signatures.js";
import { similarity } from "../fingerprint/unit-matching.js";
import {
  type AnchorInputs,
  attentionSet,
  expertsOf,
  headGeometry,
  mlpSet,
  type Reader,
  residualSet,
  type UnitSet,
} from "../fingerprint/units.js";
import { multiplyTransposed } from "../fingerprint/weights-linalg.js";
import { compareValues, componentOf, type DirectComparison } from "./direct.js";
import { balanceResidual, spectralRatio } from "./residual-structure.js";

/** Units of the reference read per layer for the search (all of them in smaller layers): few enough
 * that the sampled rows stay far apart (positional reads do not merge them into whole tensors). */
export const EXTENDED_UNITS = 256;
/** Layers searched (spread over the depth). */
const SEARCHED_LAYERS = 6;
/** Correlation of signatures above which two units are twins (independent models stay well below). */
export const TWIN_CORRELATION = 0.95;
/** How far a twin's similarity stands above the runner-up's (two neurons of one model can look alike). */
const TWIN_MARGIN = 0.02;
/** Share of sampled residual dimensions with a twin column (and at least MIN_TWIN_COLUMNS) for the
 * stored rows to be compared on the twin columns: a permuted copy, whose residual stream was relabelled
 * rather than rotated (a rotation leaves no twins). Noise σ 0.3 leaves 82% of base-a's columns twins. */
const TWIN_COLUMN_SHARE = 0.5;
const MIN_TWIN_COLUMNS = 16;
/** Best matches averaged into the statistic. */
const TOP_MATCHES = 16;

export interface Twin {
  set: string;
  suspectIndex: number;
  referenceIndex: number;
  correlation: number;
}

export interface AlignmentSearch {
  /** Residual dimensions: sampled, with a twin, with a twin at another index (or sign). */
  residual: { tested: number; twins: number; moved: number } | undefined;
  /** Hidden units: sampled, with a twin, with a twin at another index. */
  units: { tested: number; twins: number; moved: number };
  /** Mean over the 16 best-matching units of their standardized best similarity (see
   * `standardizedBest`): the statistic of the fitted null. */
  statistic: number;
  /** Basis-free residual of the twins: top singular value over the i.i.d. edge, relative size. */
  structure: number | null;
  relativeResidual: number | null;
  /** Median |ln scale| between twins' signatures (function-preserving rescaling when far from 0). */
  rescale: number;
  /** Direct comparisons of twin rows on twin columns (only when the residual stream was at most
   * permuted): the stored-basis evidence for a permuted copy. */
  direct: DirectComparison[];
  /** 90th percentile over median of the twins' relative residuals: ≈ 1.2–1.5 when every unit moved by the
   * same relative amount (rounding, quantization, noise), larger when training moved some units far more. */
  spread: number | null;
}

/** Layers searched: all when few, else a spread including the first and the last. */
function searchedLayers(depth: number): number[] {
  if (depth <= SEARCHED_LAYERS) return Array.from({ length: depth }, (_, i) => i);
  return Array.from({ length: SEARCHED_LAYERS }, (_, i) =>
    Math.round((i * (depth - 1)) / (SEARCHED_LAYERS - 1)),
  );
}

/** Each row's best column, its similarity, and the runner-up's (a twin stands clear of the rest). */
function bestPerRow(
  matrix: Float32Array,
  rows: number,
  cols: number,
): { index: number; value: number; second: number }[] {
  return Array.from({ length: rows }, (_, i) => {
    let index = 0;
    let value = Number.NEGATIVE_INFINITY;
    let second = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) {
      const v = matrix[i * cols + j]!;
      if (v > value) {
        second = value;
        value = v;
        index = j;
      } else if (v > second) second = v;
    }
    return { index, value, second };
  });
}

/** A twin: similar enough, and clearly more similar than any other candidate. */
const isTwin = (b: { value: number; second: number }) =>
  b.value >= TWIN_CORRELATION && b.value - Math.max(0, b.second) >= TWIN_MARGIN;

/** The reference's units of one set kind in one layer at many indices (all when the layer is small). */
async function extended(
  view: ModelView,
  inputs: AnchorInputs,
  set: UnitSet,
  layer: number,
): Promise<UnitSet | undefined> {
  const reader: Reader = { view, inputs, keep: false, samples: new Map() };
  if (set.kind === "attention") {
    const geometry = headGeometry(view, layer);
    if (geometry === undefined) return undefined;
    const gamma = await view.vector(`layers.${layer}.attn_norm`);
    return attentionSet(reader, layer, gamma, sampleIndices(geometry.groups, EXTENDED_UNITS, "kv-group"));
  }
  const experts = expertsOf(view, layer);
  const expert =
    experts.length === 0 ? undefined : experts.includes(set.expert ?? -1) ? set.expert : experts[0];
  const prefix = expert === undefined ? `layers.${layer}.mlp` : `layers.${layer}.moe.experts.${expert}`;
  const rows = view.shape(`${prefix}.up`)?.[0];
  if (rows === undefined) return undefined;
  const gamma =
    (await view.vector(`layers.${layer}.mlp_norm`)) ?? (await view.vector(`layers.${layer}.attn_norm`));
  return mlpSet(reader, layer, expert, gamma, sampleIndices(rows, EXTENDED_UNITS, "mlp"));
}

/** Fisher's z of a correlation, capped (a bit-equal twin has correlation 1). */
const fisherZ = (r: number) => Math.atanh(Math.min(Math.abs(r), 0.999999));

/**
 * Each row's best similarity against the bulk of its matrix, in Fisher z: (z_best − mean) / SD over all
 * entries, less the √(2 ln M) a maximum of M unrelated candidates reaches anyway. About 0 for unrelated
 * units whatever the layer's size; large for a twin.
 */
function standardizedBest(
  matrix: Float32Array,
  best: readonly { value: number }[],
  candidates: number,
): number[] {
  let mean = 0;
  for (const v of matrix) mean += fisherZ(v);
  mean /= matrix.length || 1;
  let variance = 0;
  for (const v of matrix) variance += (fisherZ(v) - mean) ** 2;
  const sd = Math.sqrt(variance / Math.max(1, matrix.length - 1)) || 1;
  const expectedMax = Math.sqrt(2 * Math.log(Math.max(2, candidates)));
  return best.map((b) => (fisherZ(b.value) - mean) / sd - expectedMax);
}

/** Rows of a part's raw features at positions `at` of a set. */
function rowsOf(set: UnitSet, part: string, at: readonly number[]): Float32Array | undefined {
  const features = set.parts.find((p) => p.name === part)?.features;
  if (features === undefined) return undefined;
  const out = new Float32Array(at.length * set.width);
  at.forEach((position, i) => {
    out.set(features.subarray(position * set.width, (position + 1) * set.width), i * set.width);
  });
  return out;
}

/** Lower Cholesky factor of a symmetric positive definite n × n matrix (ridge added for safety). */
function cholesky(matrix: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += matrix[i * n + i]!;
  const ridge = (1e-6 * trace) / n;
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j]! + (i === j ? ridge : 0);
      for (let t = 0; t < j; t++) sum -= l[i * n + t]! * l[j * n + t]!;
      l[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * n + j]!;
    }
  }
  return l;
}

interface TwinPairs {
  suspect: Float32Array;
  reference: Float32Array;
  count: number;
}

/**
 * Structure of the twins' difference in signature space: per twin the reference signature minus the
 * suspect's scaled onto it, whitened by the reference's anchor Gram matrix X·diag(γ²)·Xᵀ on n′ ≤ d/2
 * anchors (so i.i.d. noise in the weights becomes i.i.d. here), balanced, and its top singular value
 * over the i.i.d. edge.
 */
function basisFreeResidual(
  pairs: TwinPairs,
  width: number,
  inputs: AnchorInputs,
  gamma: Float32Array | undefined,
): { structure: number | null; relative: number; logScales: number[]; spread: number } {
  const n = Math.min(width, Math.floor(inputs.d / 2));
  const x = foldGain(inputs.x, inputs.d, gamma).subarray(0, n * inputs.d);
  const gram32 = multiplyTransposed(x, n, inputs.d, x, n);
  const l = cholesky(Float64Array.from(gram32), n);
  const residual = new Float64Array(pairs.count * n);
  let residualSquares = 0;
  let referenceSquares = 0;
  const logScales: number[] = [];
  const perUnit: number[] = [];
  for (let u = 0; u < pairs.count; u++) {
    let unitResidual = 0;
    let unitReference = 0;
    const a = pairs.suspect.subarray(u * width, u * width + n);
    const b = pairs.reference.subarray(u * width, u * width + n);
    let ab = 0;
    let aa = 0;
    for (let t = 0; t < n; t++) {
      ab += a[t]! * b[t]!;
      aa += a[t]! * a[t]!;
    }
    const scale = aa === 0 ? 0 : ab / aa;
    logScales.push(Math.abs(Math.log(Math.abs(scale) || 1)));
    // Forward substitution: L y = b − scale·a.
    for (let i = 0; i < n; i++) {
      let sum = b[i]! - scale * a[i]!;
      unitResidual += sum * sum;
      unitReference += b[i]! * b[i]!;
      for (let t = 0; t < i; t++) sum -= l[i * n + t]! * residual[u * n + t]!;
      residual[u * n + i] = sum / l[i * n + i]!;
    }
    residualSquares += unitResidual;
    referenceSquares += unitReference;
    perUnit.push(unitReference === 0 ? 0 : Math.sqrt(unitResidual / unitReference));
  }
  perUnit.sort((x, y) => x - y);
  const spread =
    perUnit.length < 8 || perUnit[perUnit.length >> 1] === 0
      ? 0
      : perUnit[Math.floor(perUnit.length * 0.9)]! / perUnit[perUnit.length >> 1]!;
  const relative = referenceSquares === 0 ? 0 : Math.sqrt(residualSquares / referenceSquares);
  const structure =
    pairs.count >= 8 && n >= 8 && residualSquares > 0
      ? spectralRatio(balanceResidual(residual, pairs.count, n), pairs.count, n)
      : null;
  return { structure, relative, logScales, spread };
}

export interface SearchInput {
  suspect: ModelView;
  reference: ModelView;
  suspectInputs: AnchorInputs;
  referenceInputs: AnchorInputs;
  suspectSets: UnitSet[];
  /** Suspect layer → reference layer. */
  mapping: ReadonlyMap<number, number>;
}

export async function searchAlignment(input: SearchInput): Promise<AlignmentSearch> {
  const zs: number[] = [];
  // Residual dimensions: sampled suspect columns against every reference column.
  const sampled = residualSet(input.suspectInputs);
  const all = residualSet({ ...input.referenceInputs });
  const everyColumn = Array.from({ length: input.referenceInputs.d }, (_, j) => j);
  const full = {
    ...all,
    indices: everyColumn,
    parts: [{ name: "embedding", features: columns(input.referenceInputs) }],
  };
  const residualMatrix = similarity(sampled, full, sampled.indices, everyColumn);
  const residualBest = bestPerRow(residualMatrix, sampled.indices.length, everyColumn.length);
  const residualTwins = residualBest.filter(isTwin);
  // Where the residual stream was only permuted (and sign-flipped), sampled suspect dimensions have twin
  // columns: the stored rows can then be compared directly on those columns. Only twins are used (a
  // noised copy leaves some columns below the twin threshold, whose best match may be wrong).
  const twinAt = residualBest.flatMap((b, i) => (isTwin(b) ? [i] : []));
  const columnTwins =
    twinAt.length >= Math.max(MIN_TWIN_COLUMNS, TWIN_COLUMN_SHARE * residualBest.length)
      ? await twinColumns(
          input,
          twinAt.map((i) => sampled.indices[i]!),
          twinAt.map((i) => everyColumn[residualBest[i]!.index]!),
        )
      : undefined;
  const direct: DirectComparison[] = [];
  const residual = {
    tested: sampled.indices.length,
    twins: residualTwins.length,
    moved: residualBest.filter((b, i) => isTwin(b) && everyColumn[b.index] !== sampled.indices[i]).length,
  };

  let tested = 0;
  let twins = 0;
  let moved = 0;
  const structures: number[] = [];
  const relatives: number[] = [];
  const logScales = new Map<string, number[]>();
  const spreads: number[] = [];
  const depth = Math.max(0, ...input.suspectSets.map((s) => (s.layer ?? -1) + 1));
  const layers = new Set(searchedLayers(depth));
  for (const set of input.suspectSets) {
    if (set.layer === undefined || !layers.has(set.layer)) continue;
    const layer = input.mapping.get(set.layer);
    if (layer === undefined) continue;
    const other = await extended(input.reference, input.referenceInputs, set, layer);
    if (other === undefined || other.width !== set.width) continue;
    const matrix = similarity(set, other, set.indices, other.indices);
    const best = bestPerRow(matrix, set.indices.length, other.indices.length);
    zs.push(...standardizedBest(matrix, best, other.indices.length));
    tested += best.length;
    const matched = best.map((b, i) => ({ ...b, at: i })).filter(isTwin);
    twins += matched.length;
    moved += matched.filter((b) => other.indices[b.index] !== set.indices[b.at]).length;
    if (set.kind !== "mlp" || matched.length < 8) continue;
    if (columnTwins !== undefined) {
      const prefix = set.expert === undefined ? "mlp" : `moe.experts.${set.expert}`;
      const otherPrefix = other.expert === undefined ? "mlp" : `moe.experts.${other.expert}`;
      for (const kind of ["gate", "up"]) {
        const comparison = await compareTwinRows(
          input,
          `layers.${set.layer}.${prefix}.${kind}`,
          `layers.${layer}.${otherPrefix}.${kind}`,
          matched.map((m) => set.indices[m.at]!),
          matched.map((m) => other.indices[m.index]!),
          columnTwins,
        );
        if (comparison !== undefined) direct.push(comparison);
      }
    }
    const gamma =
      (await input.reference.vector(`layers.${layer}.mlp_norm`)) ??
      (await input.reference.vector(`layers.${layer}.attn_norm`));
    for (const part of set.parts) {
      const a = rowsOf(
        set,
        part.name,
        matched.map((m) => m.at),
      );
      const b = rowsOf(
        other,
        part.name,
        matched.map((m) => m.index),
      );
      if (a === undefined || b === undefined) continue;
      const twinsResidual = basisFreeResidual(
        { suspect: a, reference: b, count: matched.length },
        set.width,
        input.referenceInputs,
        gamma,
      );
      if (twinsResidual.structure !== null) structures.push(twinsResidual.structure);
      relatives.push(twinsResidual.relative);
      spreads.push(twinsResidual.spread);
      logScales.set(part.name, [...(logScales.get(part.name) ?? []), ...twinsResidual.logScales]);
    }
  }
  zs.sort((x, y) => y - x);
  const top = zs.slice(0, TOP_MATCHES);
  const median = (values: number[]) => {
    if (values.length === 0) return null;
    const sorted = [...values].sort((x, y) => x - y);
    return sorted[sorted.length >> 1]!;
  };
  return {
    residual,
    units: { tested, twins, moved },
    statistic: top.length === 0 ? 0 : top.reduce((s, z) => s + z, 0) / top.length,
    structure: structures.length === 0 ? null : Math.max(...structures),
    relativeResidual: median(relatives),
    rescale: Math.max(0, ...[...logScales.values()].map((values) => median(values) ?? 0)),
    spread: median(spreads),
    direct,
  };
}

interface ColumnTwins {
  suspect: number[];
  reference: number[];
  signs: number[];
}

/** Sampled suspect dimensions, their twin reference dimensions and the sign between them (from the
 * embedding columns: the sign a permuted, sign-flipped residual stream carries). */
async function twinColumns(
  input: SearchInput,
  suspectDims: number[],
  referenceDims: number[],
): Promise<ColumnTwins> {
  const rows = input.suspectInputs;
  const signs = suspectDims.map((dim, i) => {
    let dot = 0;
    for (let a = 0; a < rows.n; a++)
      dot +=
        rows.x[a * rows.d + dim]! * input.referenceInputs.x[a * input.referenceInputs.d + referenceDims[i]!]!;
    return dot < 0 ? -1 : 1;
  });
  return { suspect: suspectDims, reference: referenceDims, signs };
}

/**
 * Stored rows of twin units compared on twin columns: the suspect's rows at its units and sampled
 * dimensions against the reference's rows at the twin units and twin dimensions (signs applied, and a
 * per-row scale when the pair was rescaled).
 */
async function compareTwinRows(
  input: SearchInput,
  suspectName: string,
  referenceName: string,
  suspectRows: number[],
  referenceRows: number[],
  columns: ColumnTwins,
): Promise<DirectComparison | undefined> {
  const s = input.suspect.tensor(suspectName);
  const r = input.reference.tensor(referenceName);
  if (s === undefined || r === undefined || s.shape.length !== 2 || r.shape.length !== 2) return undefined;
  const [sValues, rValues] = [await s.readRows(suspectRows), await r.readRows(referenceRows)];
  // Norm gains folded in (a gain rescaled against its reading columns is function-preserving).
  const gainOf = async (view: ModelView, name: string) =>
    (await view.vector(name.replace(/\.(mlp|moe\.experts\.\d+)\.(gate|up)$/, ".mlp_norm"))) ?? undefined;
  const gainS = await gainOf(input.suspect, suspectName);
  const gainR = await gainOf(input.reference, referenceName);
  const width = columns.suspect.length;
  const a = new Float32Array(suspectRows.length * width);
  const b = new Float32Array(suspectRows.length * width);
  for (let i = 0; i < suspectRows.length; i++) {
    let ab = 0;
    let bb = 0;
    for (let j = 0; j < width; j++) {
      const x = sValues[i * s.shape[1]! + columns.suspect[j]!]! * (gainS?.[columns.suspect[j]!] ?? 1);
      const y =
        columns.signs[j]! *
        rValues[i * r.shape[1]! + columns.reference[j]!]! *
        (gainR?.[columns.reference[j]!] ?? 1);
      a[i * width + j] = x;
      b[i * width + j] = y;
      ab += x * y;
      bb += y * y;
    }
    const scale = bb === 0 ? 1 : ab / bb;
    if (Math.abs(scale - 1) > 1e-3)
      for (let j = 0; j < width; j++) b[i * width + j] = b[i * width + j]! * scale;
  }
  return compareValues(
    suspectName,
    componentOf(suspectName),
    { values: a, cols: width, dtype: s.dtype },
    { values: b, cols: width, dtype: r.dtype },
    r.shape[0]! * r.shape[1]!,
  );
}

/** Every embedding column over the anchors, as rows (d × n). */
function columns(inputs: AnchorInputs): Float32Array {
  const out = new Float32Array(inputs.d * inputs.n);
  for (let a = 0; a < inputs.n; a++)
    for (let j = 0; j < inputs.d; j++) out[j * inputs.n + a] = inputs.x[a * inputs.d + j]!;
  return out;
}
