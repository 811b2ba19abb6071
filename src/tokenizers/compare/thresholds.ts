/**
 * Thresholds of the tokenizer relation, calibrated on real vocabularies (llama.cpp's vocab GGUFs, the
 * zoo's SentencePiece models, llama2.c's). The decisive signals are same-id agreement and the order of
 * shared tokens, not raw overlap: any two English BPE vocabularies share much of their content.
 *
 * Measured (shared merged tokens = shared normal tokens of two or more characters):
 *
 * | pair                           | same id (of smaller) | Jaccard | order (Spearman) | truth        |
 * |--------------------------------|----------------------|---------|------------------|--------------|
 * | MPT vs GPT-NeoX                | 100%                 | 1.000   | 1.000            | identical    |
 * | Llama-2 tokenizer.bin vs GGUF   | 100%                 | 1.000   | 1.000            | identical    |
 * | phi-3 vs llama-spm             | 100%                 | 0.998   | 1.000            | extended     |
 * | zoo T1x vs T1                  | 100%                 | 0.909   | 1.000            | extended     |
 * | Refact vs StarCoder            | 0.9%                 | 0.995   | 1.000            | renumbered   |
 * | DeepSeek-Coder vs DeepSeek-LLM | 2.3%                 | 0.303   | 0.996            | same maker   |
 * | Falcon vs GPT-2                | 0.03%                | 0.583   | 0.843            | independent  |
 * | GPT-NeoX vs GPT-2              | 0.1%                 | 0.580   | 0.777            | independent  |
 * | zoo T2 vs T1                   | 10% (layout only)    | 0.468   | 0.852            | independent  |
 * | DeepSeek-LLM vs llama-spm      | 0.03%                | 0.218   | 0.688            | independent  |
 * | BERT (bge) vs GPT-2            | 0.01%                | 0.290   | 0.621            | independent  |
 * | tok512 vs llama-spm            | 51% (layout only)    | 0.016   | 0.590            | independent  |
 * | Baichuan vs llama-spm          | 0.01%                | 0.211   | 0.539            | independent  |
 * | zoo T1zh vs T1                 | 8.7% (layout only)   | 0.359   | 0.531            | independent  |
 * | StarCoder vs GPT-2             | 0%                   | 0.244   | 0.313            | independent  |
 *
 * "Layout only": the same-id tokens are `<unk> <s> </s>` and the 256 byte pieces every SentencePiece
 * model with byte fallback starts with. Order is measured on shared merged tokens only (normal tokens
 * of two or more characters): single characters and bytes sit early in every vocabulary, and counting
 * them made T1zh vs T1 look related (0.97).
 * Independently trained vocabularies top out at Jaccard 0.58 and order agreement 0.85; related ones
 * sit at 0.996 and above. The thresholds sit in the wide gaps.
 */

/** Share of the smaller vocabulary's ids that must hold the same token for `identical` / `extended`.
 * Real extensions keep every id; 99% tolerates a few special tokens renamed in place. */
export const SAME_ID_SHARE_FOR_EXTENSION = 0.99;

/** Content tokens (normal, byte, user-defined) at the same id that may differ and still be an extension:
 * a handful edited in place, not a different vocabulary. */
export const MAX_EDITED_CONTENT_SHARE = 0.002;

/** Same-id share above which a vocabulary that is not a copy or an extension (too many ordinary
 * tokens differ in place) is an edited copy: reported as `overlapping`. Independent vocabularies share
 * at most their byte/special layout (51% for tok512 vs Llama-2, whose 512 ids are mostly that layout,
 * which is why ordinary tokens must differ for this to apply). */
export const SAME_ID_SHARE_FOR_EDITED_COPY = 0.5;

/** Jaccard of content above which two vocabularies hold "the same tokens" (`renumbered`). Independent
 * vocabularies reach 0.58; Refact/StarCoder 0.994. */
export const JACCARD_FOR_SAME_TOKENS = 0.9;

/** Order agreement (Spearman of the ids of shared merged tokens) that shows a common origin.
 * Independent pairs reach 0.85, related ones 0.996. */
export const ORDER_AGREEMENT_FOR_COMMON_ORIGIN = 0.95;

/** Share of the smaller vocabulary's merged tokens the other must hold for `overlapping`. */
export const CONTAINMENT_FOR_OVERLAP = 0.5;

/** Fewest shared merged tokens an order agreement is computed from; fewer say nothing. */
export const MIN_ORDER_SAMPLE = 50;
