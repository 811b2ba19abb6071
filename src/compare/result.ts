/** What `lineage compare` answers. The JSON output is this object. */
import type { HubRelation } from "../lineage/declared-lineage.js";
import type { DeclaredAgreement } from "./declared-agreement.js";

export type Verdict =
  | "identical"
  | "same-weights"
  | "derived"
  | "inconclusive"
  | "architecture-only"
  | "unrelated";

export const VERDICTS: readonly Verdict[] = [
  "identical",
  "same-weights",
  "derived",
  "inconclusive",
  "architecture-only",
  "unrelated",
];

/** What separates the two models, as far as the evidence shows (never which came first, unless a
 * `direction` with named evidence is given). */
export type ChangeTag =
  | "renamed"
  | "transposed"
  | "fused-qkv"
  | "quantized"
  | "dtype-cast"
  | "noised"
  | "permuted"
  | "rotated"
  | "rescaled"
  | "fine-tuned"
  | "continued-pretraining"
  | "shared-initialization"
  | "vocab-extended"
  | "vocab-reordered"
  | "layers-added"
  | "layers-removed"
  | "moe-upcycled"
  | "merged"
  | "distilled"
  | "siblings";

export interface EvidenceItem {
  /** Component: `architecture`, `tensor-correspondence`, `tokenizer`, `layer 3 mlp`, `embedding`, … */
  component: string;
  /** Name of the statistic, e.g. `same-index matches`, `relative error`, `unchanged share`. */
  statistic: string;
  value: number | string | boolean;
  /** p-value of this statistic under independence, when it has one (floored at 1e-300). */
  pValue?: number;
  /** Its log10, never floored. */
  pValueLog10?: number;
  /** Plain-language reading of the number. */
  note: string;
}

export interface LayerMapping {
  suspectLayer: number;
  referenceLayer: number | null;
  /** Share of the layer's sampled units that matched their own index (0..1). */
  similarity: number;
}

export interface ComponentChange {
  /** `embedding`, `attention`, `mlp`, `norms`, `output head`, or a stored-name part for unknown layouts. */
  component: string;
  /** Share of parameters equal within the format's rounding or the coarser side's quantization step,
   * beyond chance agreement (0 for independent values). */
  unchangedShare: number;
  /** Median relative error of the component's tensors. */
  relativeError: number;
  tensors: number;
}

export interface ChangeSummary {
  /** Share of compared parameters unchanged (see ComponentChange), over every compared component. */
  unchangedShare: number | null;
  /** Per component. */
  components: ComponentChange[];
  layerMapping: LayerMapping[];
  renamedTensors: { from: string; to: string }[];
  vocabulary: { kept: number; added: number; removed: number; reordered: number } | null;
  /** MoE: which suspect experts descend from which reference MLP (share of same-index matches). */
  experts: { layer: number; expert: number; fromReferenceLayer: number; similarity: number }[];
}

/** The test behind `pValue`, with its null hypothesis stated. */
export interface TestSummary {
  /** `index test` (exact, label symmetry), `tensor index test` (unknown layouts, exact per tensor,
   * combined for any dependence), `alignment` (fitted null), or `none` (nothing could be tested: no
   * p-value; `nullHypothesis` then says why). */
  name: "index test" | "tensor index test" | "alignment" | "none";
  /** The null hypothesis the p-value is computed under, in words. */
  nullHypothesis: string;
  /** Units matched to their own index, units compared, unit sets (index tests). */
  matches: number;
  units: number;
  sets: number;
  /** Matches expected under the null (index test: one per set). */
  expected: number;
  /** For a fitted null: how many independent pairs it was fitted on. */
  fittedOn?: number;
}

export interface CompareResult {
  suspect: string;
  reference: string;
  verdict: Verdict;
  /** Why the verdict is `inconclusive` (absent otherwise). */
  reason?: string;
  tags: ChangeTag[];
  /** p-value under the null hypothesis of `test` (independently trained weights); 1e-300 when smaller
   * (`pValueLog10` keeps the exponent); null when no test ran (`test.name` = `none`). */
  pValue: number | null;
  /** log10 of the p-value, never floored; null when no test ran. */
  pValueLog10: number | null;
  test: TestSummary;
  /** Separation from the null, in standard deviations of the null (index tests: (C − E[C]) / SD). */
  zScore: number | null;
  /** Which model came first, only with named evidence (vocabulary superset, added layers, …). */
  direction: { earlier: "suspect" | "reference"; evidence: string } | null;
  changes: ChangeSummary;
  evidence: EvidenceItem[];
  summary: string[];
  /** Caveats: conflicting or weak evidence, tensors not compared, … */
  warnings: string[];
  timing: { seconds: number; bytesRead: number; bytesTotal: number };
  /** The measured relation in the Hub's `base_model_relation` vocabulary, null when none applies. */
  hubRelation?: HubRelation | null;
  /** What each model declares about its base, and whether the weights agree (`declared-agreement.ts`). */
  declared?: DeclaredAgreement;
}

/** p-values below this are reported as this number in `pValue` (the exponent stays in `pValueLog10`). */
export const P_VALUE_FLOOR = 1e-300;

export function pValueFromLog10(log10: number): number {
  return Math.max(P_VALUE_FLOOR, Math.min(1, 10 ** log10));
}
