/**
 * Unit sets of the two models paired and matched: for each pair of sets (same kind, mapped layers) the
 * units read at the same indices on both sides are matched by feature similarity, and the same-index
 * count goes into the exact index test (`src/stats/index-test.ts`).
 *
 * The test relabels one side. Each set of that side must appear in at most one pair (then the counts
 * are independent): with equal depths either side will do; when layers are mapped many-to-one, the side
 * whose layers are each used once is relabelled.
 */

import { bestMatches, type IndexTestResult, indexTest, sameIndexCount } from "../stats/index-test.js";
import { commonIndices } from "./sample.js";
import { standardizeRows } from "./signatures.js";
import type { UnitSet } from "./units.js";
import { multiplyTransposed } from "./weights-linalg.js";

export interface SetMatch {
  /** Suspect set id (`layer 3 mlp`, …) and reference set id. */
  suspect: string;
  reference: string;
  kind: UnitSet["kind"];
  suspectLayer: number | undefined;
  referenceLayer: number | undefined;
  expert: number | undefined;
  /** Best-match map of the fixed side's units into the relabelled side's units (indices into `indices`). */
  best: Int32Array;
  /** Units matched to their own index. */
  sameIndex: number;
  /** Unit indices compared (common to both sides). */
  indices: number[];
  /** Mean similarity of each unit with its same-index twin, and with its best match. */
  meanSame: number;
  meanBest: number;
}

/** Standardized rows of one part at the given unit indices (all present in the set): their dot
 * products are correlations. */
export function gather(set: UnitSet, part: Float32Array, indices: readonly number[]): Float32Array {
  const position = new Map(set.indices.map((index, at) => [index, at]));
  const out = new Float32Array(indices.length * set.width);
  indices.forEach((index, row) => {
    const at = position.get(index)!;
    out.set(part.subarray(at * set.width, (at + 1) * set.width), row * set.width);
  });
  return standardizeRows(out, indices.length, set.width);
}

/** Names of the parts both sets describe their units by. */
function commonParts(a: UnitSet, b: UnitSet): string[] {
  const names = new Set(b.parts.map((p) => p.name));
  return a.parts.map((p) => p.name).filter((name) => names.has(name));
}

/** The two sets describe units the same way (same anchors, same kind of feature, a common part). */
export function comparable(a: UnitSet, b: UnitSet): boolean {
  return (
    a.kind === b.kind &&
    a.width === b.width &&
    a.basis === b.basis &&
    a.geometry === b.geometry &&
    commonParts(a, b).length > 0
  );
}

/**
 * Similarity of the fixed side's units (rows, at `fixedIndices`) with the other side's units (columns,
 * at `movedIndices`): the mean, over the parts both sets have, of the parts' |correlations| (a unit's
 * sign and scale are function-preserving choices: up rows with down columns, value rows with output
 * columns, query with key rows).
 */
export function similarity(
  fixed: UnitSet,
  moved: UnitSet,
  fixedIndices: readonly number[],
  movedIndices: readonly number[] = fixedIndices,
): Float32Array {
  const rows = fixedIndices.length;
  const cols = movedIndices.length;
  const names = commonParts(fixed, moved);
  const total = new Float32Array(rows * cols);
  for (const name of names) {
    const a = gather(fixed, fixed.parts.find((p) => p.name === name)!.features, fixedIndices);
    const b = gather(moved, moved.parts.find((p) => p.name === name)!.features, movedIndices);
    const part = multiplyTransposed(a, rows, fixed.width, b, cols);
    for (let i = 0; i < total.length; i++) total[i] = total[i]! + Math.abs(part[i]!) / names.length;
  }
  return total;
}

/**
 * Match one pair of sets. `relabel` names the side whose labels the test treats as random; the best
 * match is taken, for each unit of the other side, among the relabelled side's units.
 */
export function matchSets(
  suspect: UnitSet,
  reference: UnitSet,
  relabel: "suspect" | "reference",
  random: () => number,
): SetMatch | undefined {
  if (!comparable(suspect, reference)) return undefined;
  const indices = commonIndices(suspect.indices, reference.indices);
  const k = indices.length;
  if (k < 2) return undefined;
  const [fixed, moved] = relabel === "reference" ? [suspect, reference] : [reference, suspect];
  const matrix = similarity(fixed, moved, indices);
  const best = bestMatches(matrix, k, random);
  let meanSame = 0;
  let meanBest = 0;
  for (let i = 0; i < k; i++) {
    meanSame += matrix[i * k + i]!;
    meanBest += matrix[i * k + best[i]!]!;
  }
  return {
    suspect: suspect.id,
    reference: reference.id,
    kind: suspect.kind,
    suspectLayer: suspect.layer,
    referenceLayer: reference.layer,
    expert: suspect.expert ?? reference.expert,
    best,
    sameIndex: sameIndexCount(best),
    indices,
    meanSame: meanSame / k,
    meanBest: meanBest / k,
  };
}

/**
 * How alike two layers' unit sets are, whatever the units' labels: linear CKA over the anchor
 * coordinates, ‖F_a F_bᵀ‖² / (‖F_a F_aᵀ‖ ‖F_b F_bᵀ‖), unchanged by any reordering of either side's units.
 * Used to map layers when depths differ; being label-free, the choice leaves the index test exact.
 */
export function setSimilarity(a: UnitSet, b: UnitSet): number {
  if (!comparable(a, b)) return 0;
  const indices = commonIndices(a.indices, b.indices);
  if (indices.length < 2) return 0;
  const frobenius = (m: Float32Array) => Math.sqrt(m.reduce((sum, v) => sum + v * v, 0));
  const cross = similarity(a, b, indices);
  const selfA = similarity(a, a, indices);
  const selfB = similarity(b, b, indices);
  const denominator = frobenius(selfA) * frobenius(selfB);
  return denominator === 0 ? 0 : frobenius(cross) ** 2 / denominator;
}

/** The set a layer's similarity is judged on: its (first) MLP set, else its attention set. */
function representative(sets: readonly UnitSet[]): UnitSet | undefined {
  return sets.find((s) => s.kind === "mlp") ?? sets.find((s) => s.kind === "attention");
}

export interface LayerMap {
  /** reference layer for each suspect layer (many-to-one allowed), with the label-free similarity. */
  pairs: { suspectLayer: number; referenceLayer: number; similarity: number }[];
  /** Side whose layers each appear once (relabelled by the index test). */
  relabel: "suspect" | "reference";
  searched: boolean;
}

/**
 * Map layers: the identity when depths agree; otherwise every layer of the deeper model to its most
 * similar layer of the shallower one (depth up-scaling repeats layers, pruning drops them).
 */
export function mapLayers(suspect: readonly UnitSet[][], reference: readonly UnitSet[][]): LayerMap {
  if (suspect.length === reference.length) {
    return {
      pairs: suspect.map((sets, i) => {
        const a = representative(sets);
        const b = representative(reference[i]!);
        return { suspectLayer: i, referenceLayer: i, similarity: a && b ? setSimilarity(a, b) : 0 };
      }),
      relabel: "reference",
      searched: false,
    };
  }
  const suspectDeeper = suspect.length > reference.length;
  const [deep, shallow] = suspectDeeper ? [suspect, reference] : [reference, suspect];
  const pairs = deep.map((sets, i) => {
    const a = representative(sets);
    let best = 0;
    let bestSimilarity = Number.NEGATIVE_INFINITY;
    shallow.forEach((other, j) => {
      const b = representative(other);
      const value = a && b ? setSimilarity(a, b) : 0;
      if (value > bestSimilarity) {
        bestSimilarity = value;
        best = j;
      }
    });
    return suspectDeeper
      ? { suspectLayer: i, referenceLayer: best, similarity: bestSimilarity }
      : { suspectLayer: best, referenceLayer: i, similarity: bestSimilarity };
  });
  return { pairs, relabel: suspectDeeper ? "suspect" : "reference", searched: true };
}

/** Pair every set of mapped layers: MLP with MLP (experts with the dense MLP or the same expert),
 * attention with attention. */
export function pairLayerSets(
  suspect: readonly UnitSet[],
  reference: readonly UnitSet[],
): [UnitSet, UnitSet][] {
  const pairs: [UnitSet, UnitSet][] = [];
  for (const a of suspect) {
    if (a.kind === "attention") {
      const b = reference.find((r) => r.kind === "attention");
      if (b !== undefined) pairs.push([a, b]);
      continue;
    }
    const dense = reference.find((r) => r.kind === "mlp" && r.expert === undefined);
    const sameExpert = reference.find((r) => r.kind === "mlp" && r.expert === a.expert);
    const b =
      a.expert === undefined ? (dense ?? reference.find((r) => r.kind === "mlp")) : (sameExpert ?? dense);
    if (b !== undefined) pairs.push([a, b]);
  }
  return pairs;
}

/** Choose the side the index test relabels so that each of its sets appears in one pair only. */
function chooseRelabelled(
  pairs: [UnitSet, UnitSet][],
  preferred: "suspect" | "reference",
): {
  relabel: "suspect" | "reference";
  pairs: [UnitSet, UnitSet][];
} {
  const unique = (side: 0 | 1) => new Set(pairs.map((p) => p[side].id)).size === pairs.length;
  const order: ("suspect" | "reference")[] =
    preferred === "reference" ? ["reference", "suspect"] : ["suspect", "reference"];
  for (const side of order) if (unique(side === "suspect" ? 0 : 1)) return { relabel: side, pairs };
  // Keep the first pair of each relabelled set.
  const seen = new Set<string>();
  const kept = pairs.filter((p) => {
    if (seen.has(p[1].id)) return false;
    seen.add(p[1].id);
    return true;
  });
  return { relabel: "reference", pairs: kept };
}

/**
 * The index test over two models' unit sets: layers mapped (identity at equal depths, else label-free
 * similarity), sets paired (MLP with MLP, attention with attention, experts with experts or the dense
 * MLP), the relabelled side chosen so each of its sets appears once, units matched, and the counts
 * combined. `residual` is the pair of residual-stream sets, when both models have anchors.
 */
export function testUnitSets(
  suspect: readonly UnitSet[][],
  reference: readonly UnitSet[][],
  residual: [UnitSet, UnitSet] | undefined,
  random: () => number,
): { layerMap: LayerMap; matches: SetMatch[]; test: IndexTestResult } {
  const layerMap = mapLayers(suspect, reference);
  const candidates: [UnitSet, UnitSet][] = residual === undefined ? [] : [residual];
  for (const pair of layerMap.pairs)
    candidates.push(...pairLayerSets(suspect[pair.suspectLayer] ?? [], reference[pair.referenceLayer] ?? []));
  const { relabel, pairs } = chooseRelabelled(candidates, layerMap.relabel);
  const matches = pairs.flatMap(([s, r]) => matchSets(s, r, relabel, random) ?? []);
  return { layerMap, matches, test: indexTest(matches.map((m) => m.best)) };
}
