/**
 * Match two fingerprints with the test `compare` runs: the unit sets restricted to the anchors both
 * fingerprints hold, layers mapped, sets paired, units matched, and the index test over the counts
 * (`unit-matching.ts`, `src/stats/index-test.ts`). Without the weights there are no direct checks, so a
 * relation is `same-weights` only when every matched unit's signature agrees with its twin's to the
 * precision of the stored codes, else `derived`.
 */
import { seededRandom } from "../stats/rng.js";
import { MIN_ANCHORS } from "./anchors.js";
import { loadSet, type ModelFingerprint } from "./model-fingerprint.js";
import { testUnitSets } from "./unit-matching.js";
import type { UnitSet } from "./units.js";

/** What the weight evidence says about the pair. */
export type Relation = "same-weights" | "derived" | "inconclusive" | "independent" | "unknown";

/** log10 p at or below which the weights are shared, at or above which they are not (as compare). */
const RELATED_LOG10_P = -6;
const INDEPENDENT_LOG10_P = -3;
/** Mean signature correlation of same-index twins above which stored fingerprints look like one model
 * (int8 codes keep a copy's correlations above 0.9999; the least-changed zoo fine-tune stays below). */
export const SAME_WEIGHTS_SIMILARITY = 0.999;

export interface FingerprintMatch {
  relation: Relation;
  /** log10 of the index test's p-value (a conservative bound), never floored. */
  log10P: number;
  /** Units at their own index, units compared, unit sets (about one match per set is expected). */
  matches: number;
  units: number;
  sets: number;
  /** Mean signature correlation of the layers' units with their same-index twins. */
  similarity: number;
  sharedAnchors: number;
  /** Layers the suspect's fingerprint holds unit sets for (the layer map may leave some unmapped). */
  suspectDepth: number;
  /** Suspect layer → reference layer, with the share of its sampled units at their own index. */
  layers: { suspectLayer: number; referenceLayer: number; sameIndexShare: number }[];
  tokenizer: { sameVocabulary: boolean; sameTokenSet: boolean } | null;
  sameBlueprint: boolean;
  notes: string[];
}

export interface MatchOptions {
  /** Seed of the random tie-breaking (deterministic for a seed). */
  seed?: number;
}

/** Positions in both key lists of the keys they share, in the first list's order. */
function sharedKeys(a: readonly string[], b: readonly string[]): [number[], number[]] {
  const inB = new Map(b.map((key, i) => [key, i]));
  const ia: number[] = [];
  const ib: number[] = [];
  a.forEach((key, i) => {
    const j = inB.get(key);
    if (j !== undefined) {
      ia.push(i);
      ib.push(j);
    }
  });
  return [ia, ib];
}

/** A set with every part restricted to some anchor columns (signature sets only). */
function restrict(set: UnitSet, columns: readonly number[]): UnitSet {
  if (set.basis !== "signature") return set;
  const k = set.indices.length;
  return {
    ...set,
    width: columns.length,
    parts: set.parts.map((part) => {
      const out = new Float32Array(k * columns.length);
      for (let u = 0; u < k; u++)
        for (let c = 0; c < columns.length; c++)
          out[u * columns.length + c] = part.features[u * set.width + columns[c]!]!;
      return { name: part.name, features: out };
    }),
  };
}

function byLayer(sets: readonly UnitSet[]): { residual: UnitSet | undefined; layers: UnitSet[][] } {
  const layers: UnitSet[][] = [];
  let residual: UnitSet | undefined;
  for (const set of sets) {
    if (set.layer === undefined) residual = set;
    else {
      layers[set.layer] ??= [];
      layers[set.layer]!.push(set);
    }
  }
  for (let i = 0; i < layers.length; i++) layers[i] ??= [];
  return { residual, layers };
}

function sameBlueprint(s: ModelFingerprint, r: ModelFingerprint): boolean {
  const a = s.architecture;
  const b = r.architecture;
  return (
    a.hiddenSize === b.hiddenSize &&
    a.numLayers === b.numLayers &&
    a.numHeads === b.numHeads &&
    a.numKvHeads === b.numKvHeads &&
    a.intermediateSize === b.intermediateSize
  );
}

/** Compare a suspect's fingerprint with a reference's. Deterministic for a given seed. */
export function matchFingerprints(
  suspect: ModelFingerprint,
  reference: ModelFingerprint,
  options: MatchOptions = {},
): FingerprintMatch {
  const notes: string[] = [];
  const tokenizer =
    suspect.tokenizer && reference.tokenizer
      ? {
          sameVocabulary: suspect.tokenizer.tokenListHash === reference.tokenizer.tokenListHash,
          sameTokenSet: suspect.tokenizer.tokenSetHash === reference.tokenizer.tokenSetHash,
        }
      : null;
  const [ia, ib] = sharedKeys(suspect.anchors.keys, reference.anchors.keys);
  const base = {
    sharedAnchors: ia.length,
    suspectDepth: suspect.sets.reduce(
      (depth, set) => Math.max(depth, set.layer === null ? 0 : set.layer + 1),
      0,
    ),
    tokenizer,
    sameBlueprint: sameBlueprint(suspect, reference),
    notes,
  };
  const nothing = (note: string): FingerprintMatch => {
    notes.push(note);
    return {
      relation: "unknown",
      log10P: 0,
      matches: 0,
      units: 0,
      sets: 0,
      similarity: 0,
      layers: [],
      ...base,
    };
  };
  if (suspect.sets.length === 0 || reference.sets.length === 0)
    return nothing("a fingerprint holds no unit signatures (no embedding or no layers)");
  if (ia.length < MIN_ANCHORS)
    return nothing(
      `only ${ia.length} anchor tokens shared${suspect.anchors.method !== reference.anchors.method ? " (one fingerprint keys anchors by token id, the other by token string)" : ""}: nothing to compare`,
    );
  const s = byLayer(suspect.sets.map((set) => restrict(loadSet(set), ia)));
  const r = byLayer(reference.sets.map((set) => restrict(loadSet(set), ib)));
  const residual =
    s.residual !== undefined && r.residual !== undefined
      ? ([s.residual, r.residual] as [UnitSet, UnitSet])
      : undefined;
  const { layerMap, matches, test } = testUnitSets(
    s.layers,
    r.layers,
    residual,
    seededRandom(options.seed ?? 20240601),
  );
  if (test.sets === 0) return nothing("no unit set of one fingerprint pairs with one of the other");
  // Similarity of the layers' units (the residual stream's own basis may be rotated or permuted in a copy).
  const layerMatches = matches.filter((m) => m.suspectLayer !== undefined);
  const layerUnits = layerMatches.reduce((sum, m) => sum + m.indices.length, 0);
  const similarity =
    layerMatches.reduce((sum, m) => sum + m.meanSame * m.indices.length, 0) / Math.max(1, layerUnits);
  // Same weights only with the same structure: a layer added or removed is a change of the model.
  const copyLike = similarity >= SAME_WEIGHTS_SIMILARITY && base.sameBlueprint && !layerMap.searched;
  const relation: Relation =
    test.log10P <= RELATED_LOG10_P
      ? copyLike
        ? "same-weights"
        : "derived"
      : test.log10P >= INDEPENDENT_LOG10_P
        ? "independent"
        : "inconclusive";
  const layers = layerMap.pairs.map((pair) => {
    const here = matches.filter(
      (m) => m.suspectLayer === pair.suspectLayer && m.referenceLayer === pair.referenceLayer,
    );
    const units = here.reduce((sum, m) => sum + m.indices.length, 0);
    return {
      suspectLayer: pair.suspectLayer,
      referenceLayer: pair.referenceLayer,
      sameIndexShare: units === 0 ? 0 : here.reduce((sum, m) => sum + m.sameIndex, 0) / units,
    };
  });
  return {
    relation,
    log10P: test.log10P,
    matches: test.matches,
    units: test.units,
    sets: test.sets,
    similarity,
    layers,
    ...base,
  };
}
