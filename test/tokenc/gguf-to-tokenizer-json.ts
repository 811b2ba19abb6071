/**
 * Test helper: a Hugging Face tokenizer.json built from a GGUF vocabulary, the way transformers'
 * GGUF integration (`integrations/ggml.py`, its SentencePieceExtractor) and llama.cpp's converter
 * relate the two formats, so that one vocabulary can be encoded through both readers and checked
 * against the same llama.cpp vectors:
 *
 * - `llama` (SentencePiece BPE): a BPE model with `byte_fallback`, merges derived from the piece scores
 *   (every split of a piece into two pieces, best-scoring piece first, splits ordered by the ids of their
 *   halves), the Prepend/Replace normalizer of Llama-style files, no scores;
 * - `gpt2` (byte-level BPE): the GGUF's vocabulary and merges, the family's pre-tokenizer written as
 *   Hugging Face components (ByteLevel, Digits, Punctuation, Split);
 * - `bert` (WordPiece): llama.cpp's `▁word` / `piece` spelling turned back into `word` / `##piece`.
 *
 * Control and unknown tokens become special added tokens, user-defined ones non-special added tokens.
 */
import { preTokenizerPatterns } from "../../src/tokenizers/encode/pre-tokenizers.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";

export type MergeSpelling = "strings" | "pairs";

type Json = Record<string, unknown>;

/** llama.cpp's filler for ids its source tokenizer did not have: no real tokenizer.json holds them. */
const PAD_FILLER = /^\[PAD\d+\]$/;

/** 1 + the last id holding an ordinary token: ids from here on are added tokens only. */
function modelEnd(vocab: Vocabulary): number {
  let end = 0;
  vocab.kinds.forEach((kind, id) => {
    if (kind === "normal" || kind === "byte") end = id + 1;
  });
  return end;
}

const isFiller = (vocab: Vocabulary, id: number): boolean =>
  vocab.kinds[id] !== "normal" && PAD_FILLER.test(vocab.tokens[id] as string);

/** The GGUF's size without llama.cpp's trailing `[PAD…]` fillers: the size of the tokenizer.json. */
export function sizeWithoutFillers(vocab: Vocabulary): number {
  let size = vocab.tokens.length;
  while (size > 0 && isFiller(vocab, size - 1)) size--;
  return size;
}

function addedTokens(vocab: Vocabulary, content: (id: number) => string): Json[] {
  const added: Json[] = [];
  vocab.kinds.forEach((kind, id) => {
    if (kind !== "control" && kind !== "unknown" && kind !== "user-defined") return;
    if (isFiller(vocab, id)) return;
    added.push({
      id,
      content: content(id),
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: kind === "user-defined",
      special: kind !== "user-defined",
    });
  });
  return added;
}

function spell(merges: [string, string][], spelling: MergeSpelling): unknown[] {
  return spelling === "pairs" ? merges : merges.map(([left, right]) => `${left} ${right}`);
}

/** SentencePiece-style merges: for each ordinary piece, best score first, its splits into two pieces. */
function mergesFromScores(vocab: Vocabulary): [string, string][] {
  const ids = new Map<string, number>();
  vocab.tokens.forEach((token, id) => {
    if (!ids.has(token)) ids.set(token, id);
  });
  const scored: { left: string; right: string; score: number; order: number }[] = [];
  vocab.tokens.forEach((piece, id) => {
    if (vocab.kinds[id] !== "normal") return;
    const chars = [...piece];
    const local: { left: string; right: string }[] = [];
    for (let cut = 1; cut < chars.length; cut++) {
      const left = chars.slice(0, cut).join("");
      const right = chars.slice(cut).join("");
      const l = ids.get(left);
      const r = ids.get(right);
      if (l === undefined || r === undefined) continue;
      if (vocab.kinds[l] !== "normal" || vocab.kinds[r] !== "normal") continue;
      local.push({ left, right });
    }
    local.sort((a, b) => ids.get(a.left)! - ids.get(b.left)! || ids.get(a.right)! - ids.get(b.right)!);
    for (const merge of local)
      scored.push({ ...merge, score: vocab.scores?.[id] ?? 0, order: scored.length });
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.map(({ left, right }) => [left, right]);
}

const split = (regex: string): Json => ({
  type: "Split",
  pattern: { Regex: regex },
  behavior: "Isolated",
  invert: false,
});
const byteLevel = (useRegex: boolean): Json => ({
  type: "ByteLevel",
  add_prefix_space: false,
  trim_offsets: true,
  use_regex: useRegex,
});

/** Each llama.cpp pre-tokenizer written as the components the family's own tokenizer.json uses. */
function preTokenizerJson(pre: string | undefined): Json {
  switch (pre) {
    case undefined:
    case "gpt-2":
    case "mpt":
      return byteLevel(true);
    case "starcoder":
    case "refact":
      return {
        type: "Sequence",
        pretokenizers: [{ type: "Digits", individual_digits: true }, byteLevel(true)],
      };
    default: {
      const patterns = preTokenizerPatterns(pre);
      if (patterns === undefined) throw new Error(`no tokenizer.json form for pre-tokenizer ${pre}`);
      return { type: "Sequence", pretokenizers: [...patterns.map(split), byteLevel(false)] };
    }
  }
}

function vocabObject(tokens: readonly string[], skip: (id: number) => boolean): Json {
  // No prototype: tokens such as "constructor" or "__proto__" are ordinary keys here.
  const vocab: Json = Object.create(null);
  tokens.forEach((token, id) => {
    if (!skip(id) && !Object.hasOwn(vocab, token)) vocab[token] = id;
  });
  return vocab;
}

export function tokenizerJsonFromGguf(vocab: Vocabulary, spelling: MergeSpelling = "strings"): Json {
  if (vocab.source.format !== "gguf") throw new Error("expects a GGUF vocabulary");
  const content = (id: number) => vocab.tokens[id] as string;
  const end = modelEnd(vocab);
  if (vocab.convention === "metaspace" && vocab.model === "bpe") {
    return {
      version: "1.0",
      added_tokens: addedTokens(vocab, content),
      normalizer: {
        type: "Sequence",
        normalizers: [
          { type: "Prepend", prepend: "▁" },
          { type: "Replace", pattern: { String: " " }, content: "▁" },
        ],
      },
      pre_tokenizer: null,
      decoder: {
        type: "Sequence",
        decoders: [
          { type: "Replace", pattern: { String: "▁" }, content: " " },
          { type: "ByteFallback" },
          { type: "Fuse" },
          { type: "Strip", content: " ", start: 1, stop: 0 },
        ],
      },
      model: {
        type: "BPE",
        byte_fallback: true,
        fuse_unk: true,
        unk_token: "<unk>",
        ignore_merges: false,
        vocab: vocabObject(vocab.tokens, (id) => id >= end || isFiller(vocab, id)),
        merges: spell(mergesFromScores(vocab), spelling),
      },
    };
  }
  if (vocab.convention === "byte-level") {
    const merges = (vocab.merges ?? []).map((merge): [string, string] => {
      const space = merge.indexOf(" ");
      return [merge.slice(0, space), merge.slice(space + 1)];
    });
    return {
      version: "1.0",
      added_tokens: addedTokens(vocab, content),
      normalizer: null,
      pre_tokenizer: preTokenizerJson(vocab.preTokenizer),
      decoder: byteLevel(true),
      model: {
        type: "BPE",
        byte_fallback: false,
        ignore_merges: vocab.preTokenizer === "llama-bpe",
        vocab: vocabObject(vocab.tokens, (id) => id >= end || isFiller(vocab, id)),
        merges: spell(merges, spelling),
      },
    };
  }
  if (vocab.model === "wordpiece") {
    const wordpiece = (id: number): string => {
      const token = vocab.tokens[id] as string;
      if (vocab.kinds[id] !== "normal") return token;
      return token.startsWith("▁") ? token.slice(1) : `##${token}`;
    };
    return {
      version: "1.0",
      added_tokens: addedTokens(vocab, content),
      normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, lowercase: true },
      pre_tokenizer: { type: "BertPreTokenizer" },
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      model: {
        type: "WordPiece",
        unk_token: "[UNK]",
        continuing_subword_prefix: "##",
        max_input_chars_per_word: 100,
        vocab: vocabObject(
          vocab.tokens.map((_, id) => wordpiece(id)),
          (id) => id >= end || isFiller(vocab, id),
        ),
      },
    };
  }
  throw new Error(`no tokenizer.json form for a ${vocab.model}/${vocab.convention} GGUF vocabulary`);
}
