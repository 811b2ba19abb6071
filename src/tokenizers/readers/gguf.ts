/**
 * GGUF `tokenizer.ggml.*`: `model` (llama = SentencePiece, gpt2 = byte-level BPE, bert = WordPiece,
 * t5 = unigram), `pre`, `tokens`, `scores`, `token_type`, `merges`, the special ids and the add-BOS /
 * dummy-prefix flags. Only the GGUF header is read (the vocabulary lives there), never the tensors.
 */
import { FormatError } from "../../errors.js";
import { type GgufHeader, readGgufHeader } from "../../formats/gguf/header.js";
import {
  getBool,
  getInteger,
  getNumberArray,
  getString,
  getStringArray,
} from "../../formats/gguf/metadata.js";
import type { TokenConvention, TokenizerModelKind, TokenKind, Vocabulary } from "../vocabulary.js";
import { guessSpecialRoles } from "./special-tokens.js";

/** `tokenizer.ggml.token_type` values (llama.cpp `llama_token_type`); 0 (undefined) reads as normal. */
const TOKEN_TYPES: readonly TokenKind[] = [
  "normal",
  "normal",
  "unknown",
  "control",
  "user-defined",
  "unused",
  "byte",
];

/** Special-id keys → our role names (llama.cpp spells one of them `seperator`). */
const SPECIAL_KEYS: Record<string, string> = {
  bos_token_id: "bos",
  eos_token_id: "eos",
  unknown_token_id: "unk",
  padding_token_id: "pad",
  seperator_token_id: "sep",
  separator_token_id: "sep",
  cls_token_id: "cls",
  mask_token_id: "mask",
  eot_token_id: "eot",
  eom_token_id: "eom",
};

/**
 * Special-id values that mean "no such token": llama.cpp's LLAMA_TOKEN_NULL is -1, which its converters
 * wrote as uint32 0xFFFFFFFF (e.g. `padding_token_id` in llama.cpp's stories260K.gguf), or as int32 -1.
 */
const NO_TOKEN: ReadonlySet<number> = new Set([0xffffffff, -1]);

function modelKind(model: string, scores: Float32Array | undefined): TokenizerModelKind {
  if (model === "gpt2") return "bpe";
  if (model === "bert") return "wordpiece";
  if (model === "t5") return "unigram";
  if (model === "llama" && scores !== undefined) {
    // SentencePiece BPE scores are minus the merge rank (integers); unigram scores are log-probabilities.
    let fractional = 0;
    for (const score of scores) if (!Number.isInteger(score)) fractional++;
    return fractional > scores.length / 10 ? "unigram" : "bpe";
  }
  return "bpe";
}

function convention(model: string, tokens: readonly string[]): TokenConvention {
  if (model === "gpt2") return "byte-level";
  if (model === "llama" || model === "t5") return "metaspace";
  // llama.cpp writes BERT vocabularies with `▁` for a word start instead of `##` for a continuation.
  if (model === "bert") return tokens.some((token) => token.startsWith("▁")) ? "metaspace" : "wordpiece";
  return "raw";
}

/** Build a Vocabulary from a GGUF header's metadata. */
export function vocabularyFromGguf(header: GgufHeader): Vocabulary {
  const file = header.file;
  const model = getString(header, "tokenizer.ggml.model");
  if (model === undefined || model === "no_vocab") {
    throw new FormatError("this GGUF file carries no vocabulary", { file, field: "tokenizer.ggml.model" });
  }
  const tokens = getStringArray(header, "tokenizer.ggml.tokens");
  if (tokens === undefined || tokens.length === 0) {
    throw new FormatError("missing or empty", { file, field: "tokenizer.ggml.tokens" });
  }
  const rawScores = getNumberArray(header, "tokenizer.ggml.scores");
  const types = getNumberArray(header, "tokenizer.ggml.token_type");
  for (const [field, array] of [
    ["tokenizer.ggml.scores", rawScores],
    ["tokenizer.ggml.token_type", types],
  ] as const) {
    if (array !== undefined && array.length !== tokens.length) {
      throw new FormatError(`has ${array.length} entries for ${tokens.length} tokens`, { file, field });
    }
  }
  const scores = rawScores === undefined ? undefined : Float32Array.from(rawScores, Number);
  const kinds: TokenKind[] = tokens.map((_, id) => {
    if (types === undefined) return "normal";
    const type = Number(types[id]);
    const kind = TOKEN_TYPES[type];
    if (kind === undefined) {
      throw new FormatError(`token ${id} has unknown type ${type} (expected 0–6)`, {
        file,
        field: "tokenizer.ggml.token_type",
      });
    }
    return kind;
  });
  const special: Record<string, number> = {};
  const none = new Set<string>();
  for (const [key, role] of Object.entries(SPECIAL_KEYS)) {
    const field = `tokenizer.ggml.${key}`;
    const id = getInteger(header, field);
    if (id === undefined) continue;
    if (NO_TOKEN.has(id)) {
      none.add(role);
      continue;
    }
    if (id < 0 || id >= tokens.length) {
      throw new FormatError(`id ${id} is outside the ${tokens.length}-token vocabulary`, { file, field });
    }
    special[role] = id;
  }
  const addBos = getBool(header, "tokenizer.ggml.add_bos_token");
  const addEos = getBool(header, "tokenizer.ggml.add_eos_token");
  const addSpacePrefix = getBool(header, "tokenizer.ggml.add_space_prefix");
  const removeExtraWhitespaces = getBool(header, "tokenizer.ggml.remove_extra_whitespaces");
  return {
    source: { file, format: "gguf" },
    model: modelKind(model, scores),
    convention: convention(model, tokens),
    tokens,
    scores,
    kinds,
    merges: getStringArray(header, "tokenizer.ggml.merges"),
    special: guessSpecialRoles(tokens, kinds, special, none),
    preTokenizer: getString(header, "tokenizer.ggml.pre"),
    settings: {
      ...(model === "llama" ? { byteFallback: kinds.includes("byte") } : {}),
      ...(addBos === undefined ? {} : { addBos }),
      ...(addEos === undefined ? {} : { addEos }),
      ...(addSpacePrefix === undefined ? {} : { addDummyPrefix: addSpacePrefix }),
      ...(removeExtraWhitespaces === undefined ? {} : { removeExtraWhitespaces }),
    },
  };
}

/** Read the vocabulary of a GGUF file (header only). */
export async function readGgufVocabulary(path: string): Promise<Vocabulary> {
  return vocabularyFromGguf(await readGgufHeader(path));
}
