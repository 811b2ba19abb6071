/**
 * Verdict rules. Lineage needs BOTH a significant combined p-value AND an effect size independent
 * same-data models do not reach (the zoo's independent pairs stay below 0.05 aligned CKA outside the
 * embedding-reading inputs; related pairs are above 0.75): the verdict never rests on one raw score.
 */
import type { CanonicalModel } from "../naming/canonical-model.js";
import type { TokenAlignment } from "./anchors.js";
import type { BlueprintComparison } from "./blueprint.js";
import { type DirectComparison, UNSTRUCTURED_RATIO } from "./direct.js";
import type { ResidualBasis } from "./residual-basis.js";
import type { ChangeTag, CompareResult, EvidenceItem, Verdict } from "./result.js";

/** Combined p-value below which independence is rejected. */
export const LINEAGE_ALPHA = 1e-3;
/** Median aligned CKA a pair must reach to count as shared weights (effect-size floor). */
export const LINEAGE_MIN_CKA = 0.3;
/** Median |ln scale| of fitted neuron scales above which the suspect is called rescaled (training drifts
 * neuron norms by a few percent; function-preserving rescalings use factors far from 1). */
const NEURON_RESCALE = 0.25;
/** Relative error a float re-encoding can leave (f16 subnormals, bf16→f16): far below any training step. */
export const ROUNDING_FLOOR = 3e-3;
/** Mean relative change above which a same-shape descendant is called continued pre-training. */
const CONTINUED_PRETRAINING_CHANGE = 0.3;

export interface LayerTest {
  suspectLayer: number;
  referenceLayer: number;
  cka: number;
  z: number;
  exactP: number;
  pValue: number;
  /** First layer of either model: reported, left out of the combined p-value when deeper layers exist. */
  nearEmbedding: boolean;
}

export interface VerdictInput {
  suspect: CanonicalModel;
  reference: CanonicalModel;
  blueprint: BlueprintComparison;
  basis: ResidualBasis;
  tokens: TokenAlignment;
  layerTests: LayerTest[];
  medianCka: number;
  pValue: number;
  direct: DirectComparison[];
  sameStructure: boolean;
  transposedStorage: boolean;
  transposedCount: number;
  suspectLayers: number;
  referenceLayers: number;
  experts: CompareResult["changes"]["experts"];
}

export interface VerdictDecision {
  verdict: Verdict;
  tags: ChangeTag[];
  evidence: EvidenceItem[];
  summary: string[];
  warnings: string[];
  unchangedShare: number | null;
  renamed: { from: string; to: string }[];
}

const isQuantized = (dtype: string) => /^(I?Q\d|TQ)/.test(dtype);

function dtypes(model: CanonicalModel): Set<string> {
  return new Set(model.tensors.filter((t) => t.shape.length === 2).map((t) => t.source.dtype));
}

function renamedTensors(input: VerdictInput): { from: string; to: string }[] {
  if (input.suspect.source.format !== input.reference.source.format) return [];
  const renamed: { from: string; to: string }[] = [];
  for (const tensor of input.reference.tensors) {
    const other = input.suspect.get(tensor.canonical);
    if (other !== undefined && other.source.name !== tensor.source.name)
      renamed.push({ from: tensor.source.name, to: other.source.name });
  }
  return renamed;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

const fmt = (x: number) => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(3) : x.toExponential(1));

export function decideVerdict(input: VerdictInput): VerdictDecision {
  const tags = new Set<ChangeTag>();
  const warnings: string[] = [];
  const evidence: EvidenceItem[] = [];
  // Renaming is only meaningful between tensors of one blueprint (a GPT-NeoX and a Llama differ anyway).
  const renamed = input.blueprint.same ? renamedTensors(input) : [];
  if (renamed.length > 0) tags.add("renamed");
  if (input.transposedStorage || input.transposedCount > 0) tags.add("transposed");
  const suspectTypes = dtypes(input.suspect);
  const referenceTypes = dtypes(input.reference);
  const quantized =
    [...suspectTypes, ...referenceTypes].some(isQuantized) &&
    [...suspectTypes].join() !== [...referenceTypes].join();
  const cast = !quantized && [...suspectTypes].join() !== [...referenceTypes].join();
  const layerMatrices = input.direct.filter((d) => d.name.startsWith("layers.") && !d.equal);
  const roundTripped = layerMatrices.length > 0 && layerMatrices.every((d) => d.onQuantizationGrid);
  if (quantized || roundTripped) tags.add("quantized");
  if (cast) tags.add("dtype-cast");

  const lineage =
    input.layerTests.length > 0 && input.pValue < LINEAGE_ALPHA && input.medianCka >= LINEAGE_MIN_CKA;
  // Layer matrices decide; token-indexed matrices (embedding, head) hold rows of very unequal use and
  // magnitude whose rounding error is not i.i.d., so they are reported but do not decide.
  const matrices = input.direct.filter(
    (d) => d.name.startsWith("layers.") && (d.spectralRatio !== null || d.equal),
  );
  const allEqual = input.direct.length > 0 && input.direct.every((d) => d.equal);
  const explained = (d: DirectComparison) =>
    d.equal ||
    d.relativeError <= ROUNDING_FLOOR ||
    (d.spectralRatio !== null && d.spectralRatio <= UNSTRUCTURED_RATIO);
  const vocabularySame =
    input.tokens.vocabulary === null ||
    (input.tokens.vocabulary.added === 0 && input.tokens.vocabulary.removed === 0);
  const sameWeights =
    lineage && input.sameStructure && vocabularySame && matrices.length > 0 && matrices.every(explained);
  const tokenRows = input.direct.filter(
    (d) => !d.name.startsWith("layers.") && d.spectralRatio !== null && !explained(d),
  );
  if (sameWeights && tokenRows.length > 0) {
    const names = tokenRows.map((d) => `${d.name} (structure ${fmt(d.spectralRatio!)})`).join(", ");
    warnings.push(`${names}: changed beyond rounding; some token rows may have been retrained`);
  }
  let unchangedShare: number | null = null;
  if (input.direct.length > 0) {
    const total = input.direct.reduce((sum, d) => sum + d.elements, 0);
    unchangedShare = input.direct.filter(explained).reduce((sum, d) => sum + d.elements, 0) / total;
  }

  const neuronsMoved = input.direct.some((d) => d.neuronsPermuted);
  const neuronsRescaled = medianOf(input.direct.map((d) => d.neuronRescale)) > NEURON_RESCALE;
  let verdict: Verdict;
  if (
    lineage &&
    sameWeights &&
    allEqual &&
    renamed.length === 0 &&
    !neuronsMoved &&
    input.basis.kind === "identity"
  )
    verdict = "identical";
  else if (sameWeights) verdict = "same-weights";
  else if (lineage) verdict = "derived";
  else verdict = input.blueprint.same ? "architecture-only" : "unrelated";

  if (lineage) {
    if (input.basis.kind === "signed-permutation" || neuronsMoved) tags.add("permuted");
    if (neuronsRescaled) tags.add("rescaled");
    if ((input.tokens.vocabulary?.reordered ?? 0) > 0) tags.add("vocab-reordered");
    if (input.basis.kind === "rotation") tags.add("rotated");
    if (Math.abs(input.basis.scale - 1) > 0.05 && input.basis.kind !== "identity") tags.add("rescaled");
    const residualLeft = medianOf(input.direct.map((d) => d.relativeError)) > ROUNDING_FLOOR;
    if (verdict === "same-weights" && residualLeft && !quantized && !roundTripped && !cast)
      tags.add("noised");
    if (verdict === "derived") {
      if (input.suspectLayers > input.referenceLayers) tags.add("layers-added");
      if (input.suspectLayers < input.referenceLayers) tags.add("layers-removed");
      const suspectMoe = (input.suspect.architecture.numExperts ?? 0) > 0;
      const referenceMoe = (input.reference.architecture.numExperts ?? 0) > 0;
      if (suspectMoe && !referenceMoe) tags.add("moe-upcycled");
      const vocabulary = input.tokens.vocabulary;
      if (vocabulary !== null && vocabulary.added > 0 && vocabulary.removed === 0) tags.add("vocab-extended");
      if (input.sameStructure && input.direct.length > 0) {
        const meanChange = input.direct.reduce((sum, d) => sum + d.relativeError, 0) / input.direct.length;
        tags.add(meanChange > CONTINUED_PRETRAINING_CHANGE ? "continued-pretraining" : "fine-tuned");
      }
    }
  }

  // Evidence.
  evidence.push({
    component: "architecture",
    statistic: "blueprint",
    value: input.blueprint.same ? "same" : input.blueprint.differences.join("; "),
    note: input.blueprint.same ? "same family and dimensions (names aside)" : "the blueprints differ",
  });
  evidence.push({
    component: "tensor-correspondence",
    statistic: "canonical tensors matched",
    value: input.reference.tensors.filter((t) => input.suspect.get(t.canonical) !== undefined).length,
    note: `${input.suspect.unrecognised.length} suspect / ${input.reference.unrecognised.length} reference tensors matched no naming rule; ${renamed.length} renamed${input.transposedStorage ? "; suspect stores matrices transposed" : ""}`,
  });
  const vocab = input.tokens.vocabulary;
  evidence.push({
    component: "tokenizer",
    statistic: "shared tokens",
    value: vocab?.kept ?? input.tokens.suspectRows.length,
    note:
      vocab === null
        ? "vocabularies unreadable: rows matched by id"
        : `${vocab.added} only in suspect, ${vocab.removed} only in reference, ${vocab.reordered} at a different id (a shared tokenizer alone proves little)`,
  });
  evidence.push({
    component: "residual basis",
    statistic: "alignment",
    value: input.basis.kind,
    note: `anchor embeddings: identity fit ${input.basis.identityFit === null ? "–" : fmt(input.basis.identityFit)}, Procrustes fit ${input.basis.rotationFit === null ? "–" : fmt(input.basis.rotationFit)}`,
  });
  for (const test of input.layerTests) {
    evidence.push({
      component: `layer ${test.suspectLayer}`,
      statistic: "aligned CKA",
      value: Number(test.cka.toFixed(4)),
      pValue: test.pValue,
      note: `vs reference layer ${test.referenceLayer}; ${fmt(test.z)} SD above the permutation null (exact p ${fmt(test.exactP)})${test.nearEmbedding ? "; next to the embedding, not in the combined p-value" : ""}`,
    });
  }
  if (input.direct.length > 0) {
    const worst = input.direct.reduce((a, b) => (b.relativeError > a.relativeError ? b : a));
    const maxRatio = Math.max(0, ...input.direct.map((d) => d.spectralRatio ?? 0));
    evidence.push({
      component: "direct similarity",
      statistic: "max relative error",
      value: Number(worst.relativeError.toPrecision(4)),
      note: `${input.direct.filter((d) => d.equal).length}/${input.direct.length} tensors bit-equal; worst ${worst.name}; residual structure ${fmt(maxRatio)} (≤ ${UNSTRUCTURED_RATIO} = rounding or noise, above = training)`,
    });
    const norms = input.direct.filter((d) => d.name.endsWith("norm"));
    if (norms.length > 0) {
      evidence.push({
        component: "norm weights",
        statistic: "centred correlation (median)",
        value: Number(
          norms
            .map((d) => d.correlation)
            .sort((a, b) => a - b)
            [norms.length >> 1]!.toFixed(4),
        ),
        note: "centred, never raw cosine: all norm weights start at 1",
      });
    }
  }

  // Warnings and summary.
  const significant = input.layerTests.filter((t) => t.pValue < LINEAGE_ALPHA).length;
  if (!lineage && significant > 0) {
    warnings.push(
      `${significant} of ${input.layerTests.length} layers differ from the permutation null, but the aligned similarity (median ${fmt(input.medianCka)}) is at the level of independently trained models sharing data, not shared weights`,
    );
  }
  if (lineage && significant < input.layerTests.length) {
    warnings.push(
      `${input.layerTests.length - significant} of ${input.layerTests.length} layers show no significant similarity: partial reuse or heavy retraining`,
    );
  }
  const summary: string[] = [];
  const name = (m: CanonicalModel) => m.source.path.replace(/\/+$/, "").split("/").pop();
  const sName = name(input.suspect);
  const rName = name(input.reference);
  if (verdict === "identical")
    summary.push(
      `${sName} holds exactly the weights of ${rName}${tags.size ? ` (${[...tags].join(", ")})` : ""}.`,
    );
  else if (verdict === "same-weights")
    summary.push(
      `${sName} carries the weights of ${rName}; what differs is explained by ${sameWeightsChanges(tags)}.`,
    );
  else if (verdict === "derived")
    summary.push(
      `${sName} descends from ${rName}'s weights and was changed further (${[...tags].join(", ")}).`,
    );
  else if (verdict === "architecture-only")
    summary.push(`${sName} shares ${rName}'s blueprint but its weights are independent.`);
  else summary.push(`${sName} and ${rName} differ in blueprint and their weights are independent.`);
  if (input.layerTests.length > 0) {
    summary.push(
      `Median aligned layer similarity (CKA) ${fmt(input.medianCka)} over ${input.layerTests.length} layers; combined p-value under independence ${input.pValue < 1e-290 ? "below 1e-290" : input.pValue.toExponential(2)}.`,
    );
  }
  if (renamed.length > 0)
    summary.push(
      `${renamed.length} tensors carry other names (e.g. ${renamed[0]!.from} → ${renamed[0]!.to}): names say nothing about weights.`,
    );
  return { verdict, tags: [...tags], evidence, summary, warnings, unchangedShare, renamed };
}

/** Plain words for the operations a same-weights verdict found, e.g. "quantization and renaming". */
const SAME_WEIGHTS_CHANGE_WORDS: Partial<Record<ChangeTag, string>> = {
  quantized: "quantization",
  "dtype-cast": "a change of number format",
  noised: "added noise",
  renamed: "renamed tensors",
  transposed: "transposed storage",
  permuted: "permuted hidden units",
  rotated: "a rotation of the hidden space",
  rescaled: "rescaling",
};

function sameWeightsChanges(tags: ReadonlySet<ChangeTag>): string {
  const words = [...tags].flatMap((tag) => SAME_WEIGHTS_CHANGE_WORDS[tag] ?? []);
  if (words.length === 0) return "layout changes";
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
