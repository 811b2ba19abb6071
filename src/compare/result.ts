/** What `lineage compare` answers. The JSON output is this object. */

export type Verdict = "identical" | "same-weights" | "derived" | "architecture-only" | "unrelated";

export const VERDICTS: readonly Verdict[] = [
  "identical",
  "same-weights",
  "derived",
  "architecture-only",
  "unrelated",
];

/** What was done to the reference to get the suspect, as far as the evidence shows. */
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
  | "vocab-extended"
  | "vocab-reordered"
  | "layers-added"
  | "layers-removed"
  | "moe-upcycled"
  | "merged"
  | "distilled"
  | "siblings";

export interface EvidenceItem {
  /** Component: `architecture`, `tensor-correspondence`, `tokenizer`, `layer 3`, `embedding`, … */
  component: string;
  /** Name of the statistic, e.g. `centred correlation`, `aligned CKA`, `max relative error`. */
  statistic: string;
  value: number | string | boolean;
  /** p-value of this statistic under independence, when it has one. */
  pValue?: number;
  /** Plain-language reading of the number. */
  note: string;
}

export interface LayerMapping {
  suspectLayer: number;
  referenceLayer: number | null;
  similarity: number;
}

export interface ChangeSummary {
  /** Share of compared parameters essentially unchanged (relative error below the noise floor). */
  unchangedShare: number | null;
  layerMapping: LayerMapping[];
  renamedTensors: { from: string; to: string }[];
  vocabulary: { kept: number; added: number; removed: number; reordered: number } | null;
  /** MoE: which suspect experts descend from which reference MLP. */
  experts: { layer: number; expert: number; fromReferenceLayer: number; similarity: number }[];
}

export interface CompareResult {
  suspect: string;
  reference: string;
  verdict: Verdict;
  tags: ChangeTag[];
  /** p-value under the hypothesis that the two models' weights are independent. */
  pValue: number;
  /** Separation from independent pairs, in standard deviations of the null. */
  zScore: number | null;
  changes: ChangeSummary;
  evidence: EvidenceItem[];
  summary: string[];
  /** Caveats: conflicting or weak evidence, tensors not compared, … */
  warnings: string[];
  timing: { seconds: number; bytesRead: number };
}
