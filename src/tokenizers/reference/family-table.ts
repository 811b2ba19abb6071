/** Shape of the generated reference-family table (families.generated.ts). */
import type { VocabularyFingerprint } from "./fingerprint.js";

export interface ReferenceFamily {
  /** Family id, as in reports and in unit-counts.generated.ts (`llama-2`, `cl100k`, …). */
  id: string;
  /** Human name: "Llama 2", "GPT-4 cl100k_base". */
  label: string;
  /** Where the vocabulary came from. */
  origin: string;
  fingerprint: VocabularyFingerprint;
}

/** Exact facts about two reference vocabularies, computed from the full vocabularies. */
export interface ReferencePairFact {
  a: string;
  b: string;
  aSize: number;
  bSize: number;
  /** Ids 0..n-1 hold the same tokens in both. */
  sameIdPrefix: number;
  /** Distinct tokens present in both. */
  sharedTokens: number;
  /** Tokens present in both at the same id. */
  sameIdTokens: number;
}
