/**
 * Match two fingerprints: restrict to the anchors both have, correlate the invariant matrices per
 * layer (each suspect layer mapped to its best reference layer, so depth up-scaling and pruning are
 * followed), and judge the result against a permutation null that shuffles anchor identities.
 */

import { randomPermutation, seededRandom } from "../stats/rng.js";
import { INVARIANT_KINDS, type InvariantKind, type ModelFingerprint } from "./model-fingerprint.js";
import { correlation } from "./weights-linalg.js";
import {
  type CentredDense,
  type CentredTriangle,
  type NullSummary,
  permutedCorrelation,
  residualise,
  restrictTriangle,
  summariseNull,
  toDense,
} from "./weights-mantel.js";
import { dequantizeTriangle, type QuantizedTriangle } from "./weights-quantize.js";

/** What the weight evidence says about the pair. */
export type Relation = "same-weights" | "derived" | "independent" | "unknown";

export interface LayerMatch {
  suspectLayer: number;
  referenceLayer: number;
  /** Mean correlation over the invariant kinds both layers have. */
  similarity: number;
  kinds: Partial<Record<InvariantKind, number>>;
}

export interface FingerprintMatch {
  relation: Relation;
  /** Main statistic: mean over suspect layers of the best layer correlation (embedding Gram if no layers). */
  similarity: number;
  pValue: number;
  permutationPValue: number;
  zScore: number | null;
  permutations: number;
  sharedAnchors: number;
  sharedLayerAnchors: number;
  embedding: NullSummary | null;
  head: NullSummary | null;
  layers: LayerMatch[];
  /** Weak, labelled signals (any two models share these shapes); never used for `relation`. */
  weak: { stdProfileCorrelation: number | null; normProfileCorrelation: number | null };
  tokenizer: { sameVocabulary: boolean; sameTokenSet: boolean } | null;
  sameBlueprint: boolean;
  notes: string[];
}

export interface MatchOptions {
  /** Permutations in the null (fewer are used when the layer table is large; see PERMUTATION_BUDGET). */
  permutations?: number;
  seed?: number;
}

/** Shuffles in the null by default: enough for its mean and spread, which the normal approximation uses. */
export const DEFAULT_PERMUTATIONS = 100;
/** Work cap for the null, in multiply-adds: keeps a match of two 80-layer models to seconds. */
const PERMUTATION_BUDGET = 4e8;
/** Fewest permutations we accept for the normal approximation of the null. */
const MIN_PERMUTATIONS = 30;
/** Fewest shared anchors that make a correlation over anchor pairs meaningful. */
export const MIN_SHARED_ANCHORS = 16;

/**
 * Thresholds on the effect size, measured on the zoo (docs/library.md). With the embedding structure
 * taken out, derived pairs score 0.73–0.98 and independent pairs (same data and tokenizer, or a
 * distilled imitation) 0.03–0.28, yet the permutation p-value of those independent pairs is tiny too:
 * models trained on similar text share structure that a shuffle of anchor identities destroys. So the
 * relation needs BOTH a small p-value and a similarity well above the independent range.
 * Exact copies score 1.000 (8-bit storage); the least-changed fine-tune in the zoo scores 0.984.
 */
export const SAME_WEIGHTS_SIMILARITY = 0.995;
export const DERIVED_SIMILARITY = 0.5;
export const DERIVED_P_VALUE = 1e-6;

function sharedIndices(a: readonly string[], b: readonly string[]): [number[], number[]] {
  const positionInB = new Map(b.map((token, i) => [token, i]));
  const ia: number[] = [];
  const ib: number[] = [];
  a.forEach((token, i) => {
    const j = positionInB.get(token);
    if (j !== undefined) {
      ia.push(i);
      ib.push(j);
    }
  });
  return [ia, ib];
}

function triangle(q: QuantizedTriangle, field: string): Float64Array {
  return dequantizeTriangle(q, { field });
}

interface LayerSide {
  layer: number;
  kinds: Partial<Record<InvariantKind, CentredTriangle | CentredDense>>;
}

/**
 * One model's layer matrices on the shared layer anchors, each with the part explained by the model's
 * own embedding similarity taken out: independent models trained on similar text share that part
 * (digits resemble digits in every model), so leaving it in inflates their similarity.
 */
function layerSides(fp: ModelFingerprint, indices: number[], dense: boolean): LayerSide[] {
  const control =
    fp.embedding === null
      ? undefined
      : restrictTriangle(triangle(fp.embedding, "embedding"), fp.anchors.length, indices);
  return fp.layers.map((entry) => {
    const kinds: LayerSide["kinds"] = {};
    for (const kind of INVARIANT_KINDS) {
      const q = entry[kind];
      if (q === undefined) continue;
      const restricted = residualise(
        restrictTriangle(triangle(q, `layers[${entry.layer}].${kind}`), fp.layerAnchors, indices),
        control,
      );
      kinds[kind] = dense ? toDense(restricted, indices.length) : restricted;
    }
    return { layer: entry.layer, kinds };
  });
}

/** Best reference layer for each suspect layer under one anchor permutation; returns the table and its mean. */
function layerTable(
  suspect: LayerSide[],
  reference: LayerSide[],
  perm: Int32Array | undefined,
): { matches: LayerMatch[]; statistic: number } {
  const matches: LayerMatch[] = [];
  for (const s of suspect) {
    let best: LayerMatch | undefined;
    for (const r of reference) {
      const kinds: LayerMatch["kinds"] = {};
      let sum = 0;
      let count = 0;
      for (const kind of INVARIANT_KINDS) {
        const a = s.kinds[kind] as CentredTriangle | undefined;
        const b = r.kinds[kind] as CentredDense | undefined;
        if (a === undefined || b === undefined) continue;
        const value = permutedCorrelation(a, b, perm);
        kinds[kind] = value;
        sum += value;
        count++;
      }
      if (count === 0) continue;
      const candidate = { suspectLayer: s.layer, referenceLayer: r.layer, similarity: sum / count, kinds };
      if (best === undefined || candidate.similarity > best.similarity) best = candidate;
    }
    if (best !== undefined) matches.push(best);
  }
  const statistic = matches.length === 0 ? 0 : matches.reduce((t, m) => t + m.similarity, 0) / matches.length;
  return { matches, statistic };
}

function profileCorrelation(
  a: readonly (number | null)[] | undefined,
  b: readonly (number | null)[] | undefined,
): number | null {
  if (a === undefined || b === undefined || a.length !== b.length || a.length < 3) return null;
  const pairs = a
    .map((v, i) => [v, b[i]] as const)
    .filter(([x, y]) => typeof x === "number" && typeof y === "number");
  if (pairs.length < 3) return null;
  return correlation(
    pairs.map(([x]) => x as number),
    pairs.map(([, y]) => y as number),
  );
}

function weakSignals(s: ModelFingerprint, r: ModelFingerprint): FingerprintMatch["weak"] {
  const stds = (["q", "k", "v", "o", "up", "down"] as const)
    .map((key) => profileCorrelation(s.weak.std[key], r.weak.std[key]))
    .filter((v): v is number => v !== null);
  return {
    stdProfileCorrelation: stds.length === 0 ? null : stds.reduce((t, v) => t + v, 0) / stds.length,
    normProfileCorrelation: profileCorrelation(s.weak.attnNormMean, r.weak.attnNormMean),
  };
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

function decideRelation(similarity: number, pValue: number, fromLayers: boolean): Relation {
  if (similarity >= SAME_WEIGHTS_SIMILARITY) return "same-weights";
  // The embedding Gram alone is shared by independent models trained on similar text (0.85 on the
  // zoo's independent pair): without layer evidence only an exact copy can be recognised.
  if (!fromLayers) return "unknown";
  if (similarity >= DERIVED_SIMILARITY && pValue <= DERIVED_P_VALUE) return "derived";
  return "independent";
}

/** Compare a suspect's fingerprint with a reference's. Deterministic for a given seed. */
export function matchFingerprints(
  suspect: ModelFingerprint,
  reference: ModelFingerprint,
  options: MatchOptions = {},
): FingerprintMatch {
  const notes: string[] = [];
  const [ia, ib] = sharedIndices(suspect.anchors, reference.anchors);
  const [la, lb] = sharedIndices(
    suspect.anchors.slice(0, suspect.layerAnchors),
    reference.anchors.slice(0, reference.layerAnchors),
  );
  const tokenizer =
    suspect.tokenizer && reference.tokenizer
      ? {
          sameVocabulary: suspect.tokenizer.tokenListHash === reference.tokenizer.tokenListHash,
          sameTokenSet: suspect.tokenizer.tokenSetHash === reference.tokenizer.tokenSetHash,
        }
      : null;
  const base = {
    sharedAnchors: ia.length,
    sharedLayerAnchors: la.length,
    weak: weakSignals(suspect, reference),
    tokenizer,
    sameBlueprint: sameBlueprint(suspect, reference),
    notes,
  };

  const useEmbedding =
    ia.length >= MIN_SHARED_ANCHORS && suspect.embedding !== null && reference.embedding !== null;
  const useHead = useEmbedding && suspect.head !== null && reference.head !== null;
  const useLayers = la.length >= MIN_SHARED_ANCHORS;
  if (!useEmbedding) notes.push(`only ${ia.length} shared anchor tokens: embedding invariants not compared`);
  if (!useLayers) notes.push(`only ${la.length} shared layer anchors: layer invariants not compared`);

  const emb = useEmbedding
    ? {
        a: restrictTriangle(triangle(suspect.embedding!, "embedding"), suspect.anchors.length, ia),
        b: toDense(
          restrictTriangle(triangle(reference.embedding!, "embedding"), reference.anchors.length, ib),
          ib.length,
        ),
      }
    : undefined;
  const head = useHead
    ? {
        a: restrictTriangle(triangle(suspect.head!, "head"), suspect.anchors.length, ia),
        b: toDense(
          restrictTriangle(triangle(reference.head!, "head"), reference.anchors.length, ib),
          ib.length,
        ),
      }
    : undefined;
  const suspectLayers = useLayers ? layerSides(suspect, la, false) : [];
  const referenceLayers = useLayers ? layerSides(reference, lb, true) : [];
  const observed = layerTable(suspectLayers, referenceLayers, undefined);
  const hasLayers = observed.matches.length > 0;

  const m = la.length;
  const work = Math.max(
    1,
    suspectLayers.length * referenceLayers.length * INVARIANT_KINDS.length * ((m * (m - 1)) / 2) +
      ia.length ** 2,
  );
  const wanted = options.permutations ?? DEFAULT_PERMUTATIONS;
  const permutations = Math.max(
    Math.min(wanted, MIN_PERMUTATIONS),
    Math.min(wanted, Math.floor(PERMUTATION_BUDGET / work)),
  );
  if (permutations < wanted) notes.push(`permutation null cut to ${permutations} shuffles to bound the work`);

  const random = seededRandom(options.seed ?? 1);
  const nullLayers: number[] = [];
  const nullEmbedding: number[] = [];
  const nullHead: number[] = [];
  for (let p = 0; p < permutations; p++) {
    // One shuffle of the shared anchors per round: the layer anchors are the first of the shared ones,
    // so both statistics see the same relabelling where they overlap.
    if (emb !== undefined) {
      const perm = randomPermutation(ia.length, random);
      nullEmbedding.push(permutedCorrelation(emb.a, emb.b, perm));
      if (head !== undefined) nullHead.push(permutedCorrelation(head.a, head.b, perm));
    }
    if (hasLayers)
      nullLayers.push(layerTable(suspectLayers, referenceLayers, randomPermutation(m, random)).statistic);
  }
  const embedding =
    emb === undefined ? null : summariseNull(permutedCorrelation(emb.a, emb.b, undefined), nullEmbedding);
  const headSummary =
    head === undefined ? null : summariseNull(permutedCorrelation(head.a, head.b, undefined), nullHead);
  const main = hasLayers ? summariseNull(observed.statistic, nullLayers) : embedding;
  if (main === null) {
    return {
      relation: "unknown",
      similarity: 0,
      pValue: 1,
      permutationPValue: 1,
      zScore: null,
      permutations: 0,
      embedding: null,
      head: null,
      layers: [],
      ...base,
    };
  }
  return {
    relation: decideRelation(main.observed, main.pValue, hasLayers),
    similarity: main.observed,
    pValue: main.pValue,
    permutationPValue: main.permutationPValue,
    zScore: main.zScore,
    permutations,
    embedding,
    head: headSummary,
    layers: observed.matches,
    ...base,
  };
}
