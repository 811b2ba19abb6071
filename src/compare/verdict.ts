/**
 * Verdict rules. The p-value decides whether the two models share weights at all; the direct comparison
 * of the same sampled rows decides how much of them (copy or further trained):
 *
 *   p ≤ 1e-6  shared weights: `identical` (everything bit-equal, confirmed by a full read), `same-weights`
 *             (same structure and every matrix's and vector's residual explained by rounding,
 *             quantization or i.i.d. noise, and no value the full read found edited), else `derived`
 *   p ≥ 1e-3  no shared weights: `architecture-only` (same blueprint, known on both sides) or `unrelated`
 *   between   `inconclusive` (weak evidence), as when nothing corresponds.
 *
 * So the verdict and the p-value never contradict each other.
 */
import type { BlueprintComparison } from "./blueprint.js";
import {
  type DirectComparison,
  equalWithinRounding,
  isMatrixComparison,
  looksLikeNoise,
  residualExplained,
  tokenMatrixKept,
  unchangedShare,
  vectorResidualExplained,
} from "./direct.js";
import type { ChangeTag, ComponentChange, Verdict } from "./result.js";
import { isQuantizedDtype } from "./rounding.js";

/** log10 p at or below which the weights are shared. */
export const RELATED_LOG10_P = -6;
/** log10 p at or above which nothing is shared. */
export const INDEPENDENT_LOG10_P = -3;
/** Relative error a float re-encoding can leave (f16 subnormals, bf16 → f16): far below a training step. */
export const ROUNDING_FLOOR = 3e-3;
/** Median relative change of the layer matrices above which the change is called continued
 * pre-training rather than fine-tuning (a description of magnitude, not of data). */
const CONTINUED_PRETRAINING_CHANGE = 0.3;
/** Median relative change above which the weights mostly come from training after the shared start:
 * what two models trained from one initialisation show (makemore: see docs/compare.md). */
const SHARED_INITIALISATION_CHANGE = 1.0;

/** Median |correlation| of the layer matrices' sampled rows below which the stored values do not line
 * up, and median residual correlation with the reference below which the residual holds −reference (as
 * for independent values: ≈ −0.7; rotated copies of base-a: −0.69; shared-initialisation makemore pair:
 * +0.08). */
const UNALIGNED_CORRELATION = 0.2;
const UNALIGNED_RESIDUAL = -0.5;

export interface VerdictInput {
  log10P: number;
  /** Set when nothing corresponds: the reason for `inconclusive`. */
  nothingCompared: string | undefined;
  blueprint: BlueprintComparison;
  /** Same depth and same widths, tensor for tensor. */
  sameStructure: boolean;
  vocabulary: { kept: number; added: number; removed: number; reordered: number } | null;
  direct: DirectComparison[];
  /** Every compared tensor bit-equal over its whole length (confirmed by a full read). */
  confirmedIdentical: boolean;
  /** Tensors a full read (run when every sampled row was bit-equal) found with values that differ:
   * edits the sample missed, which no rounding explains. */
  editedValues?: readonly { name: string; values: number; total: number; largest: number }[];
  renamed: number;
  transposed: boolean;
  suspectLayers: number;
  referenceLayers: number;
  suspectExperts: boolean;
  referenceExperts: boolean;
  /** Suspect and reference stored dtypes of their matrices. */
  suspectDtypes: ReadonlySet<string>;
  referenceDtypes: ReadonlySet<string>;
  /** One side is an untrained initialisation (every norm gain 1, every norm bias 0). */
  initialisation: boolean;
  /** The stored bases differ (hidden units permuted, rotated or rescaled): what the alignment search
   * found, and whether the twins' differences are those of a copy (rounding, quantization, noise). */
  aligned:
    | { permuted: boolean; rotated: boolean; rescaled: boolean; copy: boolean; noised: boolean }
    | undefined;
  /** Suspect layers whose own units show shared weights / show none (`layer-sharing.ts`). */
  layers: { shared: number[]; unshared: number[] };
}

export interface VerdictDecision {
  verdict: Verdict;
  /** Token-indexed matrices (embedding, head) that changed beyond rounding, quantization or noise. */
  changedTokenMatrices: DirectComparison[];
  /** Vectors (norm gains, biases) changed systematically: beyond rounding, quantization or noise. */
  changedVectors: DirectComparison[];
  reason: string | undefined;
  tags: ChangeTag[];
  components: ComponentChange[];
  unchangedShare: number | null;
  medianChange: number | null;
  /** Shared weights found, but the stored layer matrices do not line up at all (values as unrelated as
   * two independent models'): the hidden space was re-expressed in a way the alignment search did not
   * name, so the direct comparison measures no change. */
  storedBasisUnaligned: boolean;
}

/** Matrices that decide: token-indexed ones (embedding, head) hold rows of very unequal use whose
 * changes are not i.i.d., so they are reported but do not decide. */
const isMatrix = (d: DirectComparison) =>
  isMatrixComparison(d) && d.component !== "embedding" && d.component !== "output head";

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per-component unchanged shares, weighted by each tensor's size. */
export function componentChanges(direct: readonly DirectComparison[]): ComponentChange[] {
  const byComponent = new Map<string, DirectComparison[]>();
  for (const d of direct) byComponent.set(d.component, [...(byComponent.get(d.component) ?? []), d]);
  return [...byComponent].map(([component, list]) => {
    const weight = list.reduce((sum, d) => sum + d.population, 0);
    return {
      component,
      unchangedShare:
        weight === 0 ? 0 : list.reduce((sum, d) => sum + unchangedShare(d) * d.population, 0) / weight,
      relativeError: median(list.map((d) => d.relativeError)) ?? 0,
      tensors: list.length,
    };
  });
}

export function decideVerdict(input: VerdictInput): VerdictDecision {
  const components = componentChanges(input.direct);
  const weight = input.direct.reduce((sum, d) => sum + d.population, 0);
  const share =
    input.direct.length === 0 || weight === 0
      ? null
      : input.direct.reduce((sum, d) => sum + unchangedShare(d) * d.population, 0) / weight;
  const matrices = input.direct.filter(isMatrix);
  const medianChange = median(matrices.map((d) => d.relativeError));
  const tags = new Set<ChangeTag>();
  const changedTokenMatrices = input.direct.filter(
    (d) => isMatrixComparison(d) && !isMatrix(d) && !tokenMatrixKept(d),
  );
  const vectors = input.direct.filter((d) => !isMatrixComparison(d));
  const changedVectors = vectors.filter((d) => !vectorResidualExplained(d));
  const storedBasisUnaligned =
    input.aligned === undefined &&
    input.layers.unshared.length === 0 &&
    matrices.length > 0 &&
    (median(matrices.map((d) => Math.abs(d.correlation))) ?? 1) < UNALIGNED_CORRELATION &&
    (median(matrices.map((d) => d.residualCorrelation)) ?? 0) < UNALIGNED_RESIDUAL;
  const base = {
    components,
    unchangedShare: share,
    medianChange,
    changedTokenMatrices,
    storedBasisUnaligned,
    changedVectors,
  };

  // Number formats: stored dtypes, and what the values show (a quantization grid on one side only, or
  // float values last rounded to a narrower format than they are stored in).
  const quantizedTypes = [...input.suspectDtypes, ...input.referenceDtypes].some(isQuantizedDtype);
  const sameTypes = [...input.suspectDtypes].sort().join() === [...input.referenceDtypes].sort().join();
  const oneSidedGrid = matrices.some((d) => d.quantized === "suspect" || d.quantized === "reference");
  const castValues = matrices.some((d) => d.dtypes[0] !== d.dtypes[1]);
  if ((quantizedTypes && !sameTypes) || oneSidedGrid) tags.add("quantized");
  else if (!sameTypes || castValues) tags.add("dtype-cast");
  if (input.renamed > 0) tags.add("renamed");
  if (input.transposed) tags.add("transposed");
  if (input.vocabulary !== null && input.vocabulary.reordered > 0 && input.log10P <= RELATED_LOG10_P)
    tags.add("vocab-reordered");

  if (input.nothingCompared !== undefined)
    return { verdict: "inconclusive", reason: input.nothingCompared, tags: [...tags], ...base };
  if (input.log10P >= INDEPENDENT_LOG10_P) {
    return {
      verdict: input.blueprint.same ? "architecture-only" : "unrelated",
      reason: undefined,
      tags: [...tags],
      ...base,
    };
  }
  if (input.log10P > RELATED_LOG10_P) {
    return {
      verdict: "inconclusive",
      reason: "weak evidence: the p-value lies between 1e-6 (shared weights) and 1e-3 (independent)",
      tags: [...tags],
      ...base,
    };
  }
  if (input.aligned?.permuted) tags.add("permuted");
  if (input.aligned?.rotated) tags.add("rotated");
  if (input.aligned?.rescaled) tags.add("rescaled");
  const vocabularySame =
    input.vocabulary === null || (input.vocabulary.added === 0 && input.vocabulary.removed === 0);
  const tokenMatrices = input.direct.filter((d) => isMatrixComparison(d) && !isMatrix(d));
  const explained =
    (input.aligned !== undefined
      ? input.aligned.copy
      : matrices.length > 0 &&
        matrices.every(residualExplained) &&
        changedVectors.length === 0 &&
        (input.editedValues ?? []).length === 0) && tokenMatrices.every(tokenMatrixKept);
  if (input.sameStructure && vocabularySame && explained) {
    const roundingOnly =
      input.aligned !== undefined
        ? !input.aligned.noised
        : [...matrices, ...vectors].every((d) => equalWithinRounding(d) || d.relativeError <= ROUNDING_FLOOR);
    if (!roundingOnly && !tags.has("quantized") && !tags.has("dtype-cast")) tags.add("noised");
    if (input.confirmedIdentical && input.renamed === 0 && !input.transposed && input.aligned === undefined)
      return { verdict: "identical", reason: undefined, tags: [...tags], ...base };
    return { verdict: "same-weights", reason: undefined, tags: [...tags], ...base };
  }
  if (input.suspectLayers > input.referenceLayers) tags.add("layers-added");
  if (input.suspectLayers < input.referenceLayers) tags.add("layers-removed");
  if (input.suspectExperts && !input.referenceExperts) tags.add("moe-upcycled");
  if (input.vocabulary !== null && input.vocabulary.added > 0 && input.vocabulary.removed === 0)
    tags.add("vocab-extended");
  // Some layers share nothing: the change of the layer matrices mixes reused and foreign weights and
  // describes no training.
  if (input.layers.unshared.length > 0)
    return { verdict: "derived", reason: undefined, tags: [...tags], ...base };
  // Every changed layer matrix differs by unstructured noise independent of the weights, only more of it
  // than a copy keeps (or beside a changed structure): nothing shows training.
  if (storedBasisUnaligned) return { verdict: "derived", reason: undefined, tags: [...tags], ...base };
  const changed = matrices.filter(
    (d) => d.bitEqual !== 1 && d.withinRounding < 0.999 && d.relativeError > ROUNDING_FLOOR,
  );
  if (changed.length > 0 && changed.every(looksLikeNoise)) {
    tags.add("noised");
    return { verdict: "derived", reason: undefined, tags: [...tags], ...base };
  }
  if (
    input.initialisation ||
    (input.sameStructure && medianChange !== null && medianChange >= SHARED_INITIALISATION_CHANGE)
  )
    tags.add("shared-initialization");
  else if (input.sameStructure && medianChange !== null && medianChange > ROUNDING_FLOOR)
    tags.add(medianChange > CONTINUED_PRETRAINING_CHANGE ? "continued-pretraining" : "fine-tuned");
  return { verdict: "derived", reason: undefined, tags: [...tags], ...base };
}
