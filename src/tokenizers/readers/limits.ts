/**
 * Hostile-input caps shared by the tokenizer readers. Each sits far above anything a real tokenizer
 * holds, so a forged length or count is refused before it can allocate gigabytes or loop for hours.
 */

/** Tokens in one vocabulary: the largest real ones hold 262,144 (Gemma 3) or ~256k (mT5); 4M leaves room. */
export const MAX_VOCABULARY_TOKENS = 1 << 22;

/** Bytes in one token: real pieces are under 100 bytes, added tokens a few hundred; 64 KiB is absurd. */
export const MAX_TOKEN_BYTES = 64 * 1024;

/** BPE merges: real lists hold up to ~1M (Gemma 3's ~514k, o200k's ~200k); 8M bounds a forged list. */
export const MAX_MERGES = 1 << 23;

/** A SentencePiece `tokenizer.model`: real ones are 0.5–5 MB (Gemma 3's 4.7 MB); 64 MiB is not one. */
export const MAX_SENTENCEPIECE_FILE_BYTES = 64 * 1024 * 1024;

/** A `tokenizer.json`: Gemma 3's is 33 MB, o200k's 10 MB; 96 MiB bounds what JSON.parse is asked to do. */
export const MAX_TOKENIZER_JSON_BYTES = 96 * 1024 * 1024;

/** A llama2.c `tokenizer.bin`: Llama-2's is 424 KB; 64 MiB would be a vocabulary of ~4M tokens. */
export const MAX_LLAMA2C_TOKENIZER_BYTES = 64 * 1024 * 1024;

/** A tiktoken rank file: o200k_base is 3.6 MB; 64 MiB is far beyond any. */
export const MAX_TIKTOKEN_FILE_BYTES = 64 * 1024 * 1024;
