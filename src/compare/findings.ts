/**
 * What the two evidence paths establish, in one shape the verdict rules read: the p-value and its test,
 * the direct comparisons, the structure (depths, layouts, vocabulary) and what the alignment search
 * found. Transformers go through unit sets and the index test (`transformer-evidence.ts`), other layouts
 * through tensor pairs (`tensor-evidence.ts`).
 */
import type { VocabularyOverlap } from "../fingerprint/anchors.js";
import type { ModelView } from "../fingerprint/model-view.js";
import { expertsOf, layerCount } from "../fingerprint/units.js";
import type { ProgressReporter } from "../progress.js";
import type { EvidenceDetail } from "./confirm-identical.js";
import type { DirectComparison } from "./direct.js";
import { ALIGNMENT_NULL } from "./fitted-null.js";
import { type LayerSharing, layerSharing } from "./layer-sharing.js";
import { obfuscationSearch } from "./obfuscation.js";
import type { CompareResult, TestSummary } from "./result.js";
import { detectStoredTransposition, turnReversedMatrices } from "./stored-transposition.js";
import { tensorEvidence } from "./tensor-evidence.js";
import { type TransformerEvidence, transformerEvidence } from "./transformer-evidence.js";
import type { VerdictInput } from "./verdict.js";

/** The null hypothesis every index-test p-value is computed under. */
export const INDEX_TEST_NULL =
  "the two models were trained separately (independent initialisations, training that treats hidden units alike), whatever data, tokenizer or recipe they share";

export interface Findings {
  log10P: number;
  test: TestSummary;
  zScore: number | null;
  /** Set when nothing corresponds: why. */
  nothingCompared: string | undefined;
  direct: DirectComparison[];
  /** Same depth and widths, tensor for tensor. */
  sameStructure: boolean;
  vocabulary: VocabularyOverlap | null;
  layerMapping: CompareResult["changes"]["layerMapping"];
  experts: CompareResult["changes"]["experts"];
  suspectLayers: number;
  referenceLayers: number;
  /** The deeper model repeats the shallower one's layers (many-to-one mapping). */
  repeatedLayers: boolean;
  transposed: boolean;
  aligned: VerdictInput["aligned"];
  /** Suspect layers whose own units show shared weights, and those that show none (index test only). */
  layers: LayerSharing;
  warnings: string[];
  detail: EvidenceDetail;
}

/** One row per suspect layer: the reference layer it matches best (a pruned suspect's layers may each
 * be matched by several reference layers; the most similar is reported), with its same-index share. */
function layerRows(evidence: TransformerEvidence): CompareResult["changes"]["layerMapping"] {
  const byLayer = new Map<string, { same: number; units: number }>();
  for (const m of evidence.matches) {
    if (m.suspectLayer === undefined) continue;
    const key = `${m.suspectLayer}:${m.referenceLayer}`;
    const entry = byLayer.get(key) ?? { same: 0, units: 0 };
    entry.same += m.sameIndex;
    entry.units += m.indices.length;
    byLayer.set(key, entry);
  }
  return Array.from({ length: evidence.suspectLayers }, (_, layer) => {
    const candidates = evidence.layerMap.pairs.filter((p) => p.suspectLayer === layer);
    if (candidates.length === 0) return { suspectLayer: layer, referenceLayer: null, similarity: 0 };
    const best = candidates.reduce((x, y) => (y.similarity > x.similarity ? y : x));
    const entry = byLayer.get(`${best.suspectLayer}:${best.referenceLayer}`);
    return {
      suspectLayer: layer,
      referenceLayer: best.referenceLayer,
      similarity: entry ? entry.same / entry.units : 0,
    };
  });
}

export async function transformerFindings(
  a: ModelView,
  b: ModelView,
  random: () => number,
  transposed: boolean,
  onProgress?: ProgressReporter,
): Promise<Findings> {
  const turned = turnReversedMatrices(a, b) !== undefined;
  const orientation = await detectStoredTransposition(a, b);
  const evidence = await transformerEvidence(a, b, random, onProgress);
  const findings: Findings = {
    log10P: Math.min(0, evidence.test.log10P + Math.log10(orientation.readings)),
    test: {
      name: "index test",
      nullHypothesis: INDEX_TEST_NULL,
      matches: evidence.test.matches,
      units: evidence.test.units,
      sets: evidence.test.sets,
      expected: evidence.test.expected,
    },
    zScore:
      evidence.test.sets > 0
        ? (evidence.test.matches - evidence.test.expected) / Math.sqrt(evidence.test.expected)
        : null,
    nothingCompared:
      evidence.test.sets > 0
        ? undefined
        : "no hidden units could be paired between the two models (no shared anchor tokens, no comparable layers)",
    direct: evidence.direct,
    sameStructure:
      evidence.suspectLayers === evidence.referenceLayers &&
      evidence.onlySuspect.length === 0 &&
      evidence.onlyReference.length === 0 &&
      evidence.reshaped.length === 0 &&
      evidence.direct.every((d) => d.elements > 0) &&
      a.model.architecture.hiddenSize === b.model.architecture.hiddenSize,
    vocabulary: evidence.anchors.vocabulary,
    layerMapping: layerRows(evidence),
    experts:
      expertsOf(a, 0).length === 0
        ? []
        : evidence.matches
            .filter((m) => m.expert !== undefined && m.kind === "mlp" && m.suspectLayer !== undefined)
            .map((m) => ({
              layer: m.suspectLayer!,
              expert: m.expert!,
              fromReferenceLayer: m.referenceLayer ?? 0,
              similarity: m.sameIndex / m.indices.length,
            })),
    suspectLayers: evidence.suspectLayers,
    referenceLayers: evidence.referenceLayers,
    repeatedLayers:
      evidence.layerMap.searched &&
      evidence.suspectLayers > evidence.referenceLayers &&
      new Set(evidence.layerMap.pairs.map((p) => p.referenceLayer)).size < evidence.layerMap.pairs.length,
    transposed: transposed || turned || orientation.side !== undefined,
    aligned: undefined,
    layers: layerSharing(evidence.matches, evidence.direct),
    warnings: [...evidence.warnings],
    detail: { kind: "transformer", evidence },
  };
  onProgress?.({ task: "alignment search", done: 0 });
  const obfuscation = await obfuscationSearch(a, b, evidence, findings.log10P);
  if (obfuscation === undefined) return findings;
  findings.aligned = obfuscation.aligned;
  findings.direct = obfuscation.search.direct;
  // Relabelled units sit at chance on the same index in every layer: that says nothing per layer.
  findings.layers = { shared: [], unshared: [] };
  if (obfuscation.log10P !== undefined) {
    findings.log10P = obfuscation.log10P;
    findings.zScore = (obfuscation.search.statistic - ALIGNMENT_NULL.mean) / ALIGNMENT_NULL.sd;
    findings.test = {
      name: "alignment",
      nullHypothesis: `the two models were trained separately, the alignment statistic distributed as over ${ALIGNMENT_NULL.pairs.length} independent pairs (normal fit; its far tail is an extrapolation)`,
      matches: obfuscation.search.units.twins,
      units: obfuscation.search.units.tested,
      sets: 0,
      expected: 0,
      fittedOn: ALIGNMENT_NULL.pairs.length,
    };
  }
  return findings;
}

export async function tensorFindings(
  a: ModelView,
  b: ModelView,
  random: () => number,
  transposed: boolean,
): Promise<Findings> {
  const evidence = await tensorEvidence(a, b, random);
  return {
    log10P: evidence.log10P,
    test: {
      name: "tensor index test",
      nullHypothesis: `${INDEX_TEST_NULL}; tensors tested one by one on rows and columns (the larger p of the two axes), combined by Hommel's method for any dependence`,
      matches: evidence.tests.reduce((s, t) => s + Math.min(t.rows.matches, t.columns.matches), 0),
      units: evidence.tests.reduce((s, t) => s + Math.min(t.rows.units, t.columns.units), 0),
      sets: evidence.tests.length,
      expected: evidence.tests.length,
    },
    zScore: null,
    nothingCompared:
      evidence.tests.length > 0
        ? undefined
        : evidence.pairs.length === 0
          ? "no tensor of one model corresponds to a tensor of the other (names and shapes all differ)"
          : "tensors correspond by shape only: no values line up, and shape alone is no evidence",
    direct: evidence.direct,
    sameStructure:
      evidence.onlySuspect.length === 0 &&
      evidence.onlyReference.length === 0 &&
      evidence.pairs.every((p) => p.by !== "shape"),
    vocabulary: null,
    layerMapping: [],
    experts: [],
    suspectLayers: layerCount(a),
    referenceLayers: layerCount(b),
    repeatedLayers: false,
    transposed: transposed || evidence.pairs.some((p) => p.transposed),
    aligned: undefined,
    layers: { shared: [], unshared: [] },
    warnings: [],
    detail: { kind: "tensors", evidence },
  };
}
