/**
 * One model of a tokenizer vocabulary, whatever file it came from (tokenizer.json, SentencePiece
 * .model, GGUF `tokenizer.ggml.*`, llama2.c tokenizer.bin, tiktoken ranks).
 */

/** How token strings spell bytes: SentencePiece's `▁` for space, GPT-2's byte-to-unicode map, WordPiece `##`. */
export type TokenConvention = "metaspace" | "byte-level" | "wordpiece" | "raw";

export type TokenKind = "normal" | "unknown" | "control" | "user-defined" | "unused" | "byte";

export type TokenizerModelKind = "bpe" | "unigram" | "wordpiece" | "tiktoken";

export interface Vocabulary {
  /** File the vocabulary was read from and its format. */
  source: { file: string; format: "tokenizer.json" | "sentencepiece" | "gguf" | "llama2c" | "tiktoken" };
  model: TokenizerModelKind;
  convention: TokenConvention;
  /** `tokens[id]`: the token string as the file spells it. */
  tokens: string[];
  /** SentencePiece / unigram scores, when the format has them (`scores[id]`). */
  scores: Float32Array | undefined;
  kinds: TokenKind[];
  /** BPE merges in priority order, as `"left right"` strings, when the format has them. */
  merges: string[] | undefined;
  /** Special tokens by role (`bos`, `eos`, `unk`, `pad`, …) → id. */
  special: Record<string, number>;
  /** Pre-tokenizer name or pattern when known (GGUF `tokenizer.ggml.pre`, tokenizer.json pre_tokenizer). */
  preTokenizer: string | undefined;
  /** Encoder settings the file states (SentencePiece trainer/normalizer spec, GGUF flags, tokenizer.json
   * model options). Absent fields were not stated; encoders apply the format's defaults. */
  settings?: TokenizerSettings;
}

export interface TokenizerSettings {
  /** Unknown characters become `<0xAB>` byte pieces (SentencePiece `byte_fallback`). */
  byteFallback?: boolean;
  /** A space is prepended to the input before encoding (SentencePiece `add_dummy_prefix`). */
  addDummyPrefix?: boolean;
  /** Runs of whitespace are collapsed (SentencePiece `remove_extra_whitespaces`). */
  removeExtraWhitespaces?: boolean;
  /** Normalizer name (`nmt_nfkc`, `identity`, tokenizer.json normalizer type, …). */
  normalizer?: string;
  /** Whether a BOS / EOS token is added when encoding (GGUF `tokenizer.ggml.add_bos_token`, …). */
  addBos?: boolean;
  addEos?: boolean;
}
