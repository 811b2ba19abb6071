/**
 * Byte-level BPE (GPT-2, GPT-NeoX, Llama 3, Qwen2, DeepSeek, Falcon, StarCoder …): pre-tokenize
 * with the family's regexes, spell each piece's UTF-8 bytes with GPT-2's byte map, then merge
 * adjacent symbols by merge rank (lowest first, leftmost on ties).
 */
import { FormatError } from "../../errors.js";
import { bytesToByteLevel } from "../token-bytes.js";
import type { Vocabulary } from "../vocabulary.js";
import type { EncodeOptions, Encoder } from "./encoder.js";
import { mergeSymbols, type PairRank } from "./merge-symbols.js";
import { createPreTokenizer, createPreTokenizerFromPatterns } from "./pre-tokenizers.js";
import { createSpecialSplitter, encodeFragments, tokenIndex } from "./special-split.js";

export interface ByteLevelBpeOptions extends EncodeOptions {
  /** Pre-tokenizer name; defaults to the vocabulary's, then to `gpt-2`. */
  preTokenizer?: string;
  /**
   * Take a whole pre-token that is itself a token without merging (tiktoken semantics, llama.cpp's
   * `ignore_merges`). Defaults to on for the llama3 pre-tokenizer, off otherwise.
   */
  ignoreMerges?: boolean;
}

/**
 * Merge order: the merge list when the vocabulary has one; for tiktoken rank files (no merge list)
 * the rank of a pair is the id of the merged token, which is how tiktoken defines it.
 */
function pairRank(vocabulary: Vocabulary, ids: Map<string, number>): PairRank {
  const merges = vocabulary.merges;
  if (merges === undefined) {
    if (vocabulary.model !== "tiktoken") {
      throw new FormatError("byte-level BPE vocabulary has no merges", {
        file: vocabulary.source.file,
        field: "merges",
      });
    }
    return (left, right) => ids.get(left + right);
  }
  const ranks = new Map<string, number>();
  merges.forEach((merge, index) => {
    if (!ranks.has(merge)) ranks.set(merge, index);
  });
  return (left, right) => ranks.get(`${left} ${right}`);
}

const utf8 = new TextEncoder();

/** Unicode normalisation forms a tokenizer.json normalizer applies before pre-tokenizing (Qwen2's NFC,
 * Claude's NFKC), in the order they appear; other normalizer steps are not byte-level BPE's. */
const UNICODE_FORMS = ["NFC", "NFD", "NFKC", "NFKD"] as const;

function unicodeNormalizer(description: string | undefined): (text: string) => string {
  const forms = (description ?? "")
    .split("+")
    .filter((part): part is (typeof UNICODE_FORMS)[number] =>
      (UNICODE_FORMS as readonly string[]).includes(part),
    );
  if (forms.length === 0) return (text) => text;
  return (text) => forms.reduce((current, form) => current.normalize(form), text);
}

/** Pieces longer than this are merged without a cache (a cache of huge strings would only grow). */
const MAX_CACHED_PIECE = 64;
/** Cache entries before the piece cache is cleared (bounded memory on long inputs). */
const MAX_CACHE_ENTRIES = 50_000;

export function createByteLevelBpeEncoder(
  vocabulary: Vocabulary,
  options: ByteLevelBpeOptions = {},
): Encoder {
  const ids = tokenIndex(vocabulary);
  const rank = pairRank(vocabulary, ids);
  const patterns = vocabulary.settings?.splitPatterns;
  const pre =
    options.preTokenizer === undefined && patterns !== undefined
      ? createPreTokenizerFromPatterns(vocabulary.preTokenizer ?? "tokenizer.json", patterns)
      : createPreTokenizer(options.preTokenizer ?? vocabulary.preTokenizer ?? "gpt-2");
  const ignoreMerges = options.ignoreMerges ?? vocabulary.settings?.ignoreMerges ?? pre.name === "llama3";
  const splitSpecial = createSpecialSplitter(vocabulary, options.parseSpecial === true);
  const cache = new Map<string, number[]>();
  const unknown = vocabulary.special.unk ?? vocabulary.special.unknown;

  const encodePiece = (piece: string): number[] => {
    const spelled = bytesToByteLevel(utf8.encode(piece));
    if (ignoreMerges) {
      const whole = ids.get(spelled);
      if (whole !== undefined) return [whole];
    }
    const merged = mergeSymbols([...spelled], rank);
    const out: number[] = [];
    for (const symbol of merged) {
      const id = ids.get(symbol);
      if (id !== undefined) {
        out.push(id);
        continue;
      }
      // Not a token (a vocabulary without some single bytes): fall back per character.
      for (const char of symbol) {
        const byteId = ids.get(char);
        if (byteId !== undefined) out.push(byteId);
        else if (unknown !== undefined) out.push(unknown);
      }
    }
    return out;
  };

  const normalize = unicodeNormalizer(vocabulary.settings?.normalizer);
  const encodeText = (text: string, out: number[]): void => {
    for (const piece of pre.split(normalize(text))) {
      if (piece.length > MAX_CACHED_PIECE) {
        out.push(...encodePiece(piece));
        continue;
      }
      let cached = cache.get(piece);
      if (cached === undefined) {
        if (cache.size >= MAX_CACHE_ENTRIES) cache.clear();
        cached = encodePiece(piece);
        cache.set(piece, cached);
      }
      out.push(...cached);
    }
  };

  return {
    kind: "byte-level-bpe",
    encode: (text: string): number[] =>
      encodeFragments(text, splitSpecial, (piece, _atStart, out) => encodeText(piece, out)),
  };
}
