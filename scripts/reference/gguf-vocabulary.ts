/**
 * Stop-gap: builds a Vocabulary from a GGUF file's `tokenizer.ggml.*` keys with the gguf branch's
 * header reader, for the generator and the encoder tests, until the tokread branch's
 * `readVocabulary` is merged (then this file goes). Also returns the GGUF flags encoders need.
 */
import { readGgufHeader } from "../../src/formats/gguf/header.js";
import {
  getBool,
  getInteger,
  getNumberArray,
  getString,
  getStringArray,
} from "../../src/formats/gguf/metadata.js";
import type { TokenKind, Vocabulary } from "../../src/tokenizers/vocabulary.js";

/** GGUF `tokenizer.ggml.token_type` values in llama.cpp's order. */
const GGUF_KINDS: readonly TokenKind[] = [
  "normal",
  "normal",
  "unknown",
  "control",
  "user-defined",
  "unused",
  "byte",
];

const SPECIAL_KEYS: Record<string, string> = {
  bos: "tokenizer.ggml.bos_token_id",
  eos: "tokenizer.ggml.eos_token_id",
  unk: "tokenizer.ggml.unknown_token_id",
  pad: "tokenizer.ggml.padding_token_id",
  sep: "tokenizer.ggml.seperator_token_id",
  cls: "tokenizer.ggml.cls_token_id",
  mask: "tokenizer.ggml.mask_token_id",
};

export interface GgufVocabulary {
  vocabulary: Vocabulary;
  /** `tokenizer.ggml.add_space_prefix` when present. */
  addSpacePrefix: boolean | undefined;
}

export async function readGgufVocabulary(path: string): Promise<GgufVocabulary> {
  const header = await readGgufHeader(path);
  const model = getString(header, "tokenizer.ggml.model");
  const tokens = getStringArray(header, "tokenizer.ggml.tokens") ?? [];
  const scores = getNumberArray(header, "tokenizer.ggml.scores");
  const types = getNumberArray(header, "tokenizer.ggml.token_type");
  const special: Record<string, number> = {};
  for (const [role, key] of Object.entries(SPECIAL_KEYS)) {
    const id = getInteger(header, key);
    if (id !== undefined) special[role] = id;
  }
  const spm = model === "llama";
  const vocabulary: Vocabulary = {
    source: { file: path, format: "gguf" },
    model: model === "bert" ? "wordpiece" : model === "t5" ? "unigram" : "bpe",
    convention: spm || model === "t5" ? "metaspace" : model === "bert" ? "wordpiece" : "byte-level",
    tokens,
    scores: scores === undefined ? undefined : Float32Array.from(scores as ArrayLike<number>),
    kinds:
      types === undefined
        ? tokens.map(() => "normal")
        : Array.from(types as ArrayLike<number>, (type) => GGUF_KINDS[type] ?? "normal"),
    merges: getStringArray(header, "tokenizer.ggml.merges"),
    special,
    preTokenizer: getString(header, "tokenizer.ggml.pre"),
  };
  return { vocabulary, addSpacePrefix: getBool(header, "tokenizer.ggml.add_space_prefix") };
}
