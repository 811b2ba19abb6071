/** What `compareVocabularies` reports. */
import type { TokenConvention, TokenizerModelKind, Vocabulary } from "../vocabulary.js";

export const TOKENIZER_RELATIONS = [
  "identical",
  "extended",
  "renumbered",
  "overlapping",
  "independent",
] as const;

/**
 * - `identical`: every id holds the same token (special tokens renamed in place are tolerated);
 * - `extended`: one is the other plus appended tokens, ids kept;
 * - `renumbered`: the same tokens at other ids;
 * - `overlapping`: a shared subset, at other ids, learned in the same order (a common origin);
 * - `independent`: only the overlap any two tokenizers of similar text have.
 */
export type TokenizerRelation = (typeof TOKENIZER_RELATIONS)[number];

export interface VocabularySummary {
  label: string;
  file: string;
  format: Vocabulary["source"]["format"];
  model: TokenizerModelKind;
  convention: TokenConvention;
  size: number;
}

export interface MergeAgreement {
  /** Merge counts of A and B. */
  a: number;
  b: number;
  /** Merges (compared as byte pairs) both lists hold. */
  shared: number;
  /** shared / the shorter list. */
  share: number;
  /** Spearman of the ranks of the shared merges, when there are enough. */
  orderAgreement: number | undefined;
}

/** An id holding different tokens: `ordinary` when neither is a control/unknown/unused token (an edit
 * of content), else a special token renamed. */
export interface IdEdit {
  id: number;
  a: string;
  b: string;
  ordinary: boolean;
}

export interface SpecialTokenComparison {
  role: string;
  a: { id: number; token: string } | undefined;
  b: { id: number; token: string } | undefined;
  /** Both name the same token content (ids may differ). */
  sameToken: boolean;
  sameId: boolean;
}

export interface VocabularyComparison {
  relation: TokenizerRelation;
  /** Plain-English account of the relation and the evidence. */
  explanation: string;
  a: VocabularySummary;
  b: VocabularySummary;
  /** Distinct token contents (as bytes) present in both. */
  sharedTokens: number;
  /** sharedTokens / distinct tokens in either. */
  jaccard: number;
  /** Longest run of ids from 0 holding the same token in both. */
  sameIdPrefix: number;
  /** Ids below the smaller size holding the same token in both. */
  sameIdCount: number;
  /** sameIdCount / the smaller size. */
  sameIdShare: number;
  /** Of sameIdCount, the ordinary (normal) tokens: the rest are byte and special tokens, which many
   * vocabularies of one format place alike (SentencePiece: `<unk>`, `<s>`, `</s>`, then 256 bytes). */
  sameIdNormalCount: number;
  /** Ids below the smaller size where either side holds an ordinary (normal) token. */
  ordinaryIds: number;
  /** Ids below the smaller size holding different tokens, and how many of those are ordinary content
   * (neither side a control/unknown/unused token). */
  differingIds: number;
  differingContentIds: number;
  /** The first differing ids (at most 8), each with both tokens as the files spell them. */
  edits: IdEdit[];
  /** Shared merged tokens (normal, two or more characters) and the share of the smaller side's. */
  sharedMergedTokens: number;
  mergedContainment: number;
  /** Spearman of the ids of the shared merged tokens: how alike the order they were learned in is. */
  orderAgreement: number | undefined;
  /** Spearman of the scores of the shared merged tokens, when both have scores. */
  scoreAgreement: number | undefined;
  merges: MergeAgreement | undefined;
  /** For `extended`: which side is the base, and how many ids the other appends. */
  extension: { base: "a" | "b"; appended: number; examples: string[] } | undefined;
  special: SpecialTokenComparison[];
}
