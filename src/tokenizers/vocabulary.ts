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
  /** What the reader had to decide on the file's behalf, for people (e.g. an added token whose declared
   * id Hugging Face tokenizers does not honour). Absent or empty when the file was read as written. */
  notes?: string[];
}

export type PrefixScope = "text" | "first-segment" | "segment";

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
  /**
   * Where the dummy prefix goes when added or special tokens cut the text:
   * - `"text"`: in front of the whole text before it is cut (SentencePiece itself: a text that starts
   *   with a user-defined piece gets a lone `▁` before it);
   * - `"first-segment"`: only a text segment that starts the text (Metaspace `prepend_scheme: "first"`);
   * - `"segment"`: every text segment that starts the text or follows a cut-out token (llama.cpp's
   *   `is_prev_special`; tokenizer.json's Prepend normalizer, which runs on each segment).
   */
  prefixScope?: PrefixScope;
  /** A whole pre-token that is itself a token is taken without merging (tokenizer.json BPE
   * `ignore_merges`; Llama 3's tokenizer). */
  ignoreMerges?: boolean;
  /** The split patterns a tokenizer.json pre-tokenizer applies in turn (its Split, Digits, Punctuation
   * and regex ByteLevel steps), when it says so in ways lineage can run; else byte-level encoders go by
   * `preTokenizer`'s name. */
  splitPatterns?: string[];
}
