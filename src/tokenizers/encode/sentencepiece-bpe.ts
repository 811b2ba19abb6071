/**
 * SentencePiece BPE (Llama 1/2, Mistral v1, Phi-3, Baichuan …): spaces become `▁`, a dummy `▁`
 * prefix goes in front of the text, then adjacent pieces merge while the merged piece is in the
 * vocabulary. Pieces left that are not tokens fall back to `<0xAB>` byte tokens, or to the unknown
 * token when the vocabulary has no byte tokens.
 *
 * Which pair merges first depends on where the vocabulary comes from:
 * - a SentencePiece model or a GGUF (`tokenizer.ggml.scores`): the merged piece with the highest score,
 *   leftmost on ties (SentencePiece `bpe_model.cc`, llama.cpp's `llm_tokenizer_spm`);
 * - a tokenizer.json (transformers' Llama-style conversion: BPE + `byte_fallback`, no scores): the pair's
 *   rank in the `merges` list, leftmost on ties (Hugging Face tokenizers' BPE `Word::merge_all`); a
 *   character missing from the vocabulary becomes its byte pieces before merging, which never merge.
 */
import type { Vocabulary } from "../vocabulary.js";
import type { EncodeOptions, Encoder } from "./encoder.js";
import { mergeSymbols, type PairRank } from "./merge-symbols.js";
import { normalizeForSentencePiece, type SentencePieceNormalization } from "./sentencepiece-normalize.js";
import { createSpecialSplitter, encodeFragments, type FragmentOptions } from "./special-split.js";

/** Defaults are Llama 2's: dummy prefix on, no NFKC, spaces kept as they are. */
export interface SentencePieceBpeOptions extends EncodeOptions, SentencePieceNormalization, FragmentOptions {}
const utf8 = new TextEncoder();

const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/** Byte value → id of its `<0xAB>` piece. */
export function bytePieceIds(vocabulary: Vocabulary): Map<number, number> {
  const byteIds = new Map<number, number>();
  vocabulary.tokens.forEach((token, id) => {
    if (vocabulary.kinds[id] !== "byte") return;
    const match = BYTE_PIECE.exec(token);
    if (match?.[1] !== undefined) byteIds.set(Number.parseInt(match[1], 16), id);
  });
  return byteIds;
}

/** Merge priority from piece scores: the merged piece's score, best first (control pieces never form). */
function scoreRank(vocabulary: Vocabulary): PairRank {
  const mergeScore = new Map<string, number>();
  vocabulary.tokens.forEach((token, id) => {
    const kind = vocabulary.kinds[id];
    if (kind !== "byte" && kind !== "control") mergeScore.set(token, vocabulary.scores?.[id] ?? 0);
  });
  return (left, right) => {
    const score = mergeScore.get(left + right);
    return score === undefined ? undefined : -score;
  };
}

/** Merge priority from a merges list: the pair's index, first listed first. */
export function mergeListRank(merges: readonly string[]): PairRank {
  const ranks = new Map<string, number>();
  merges.forEach((merge, index) => {
    if (!ranks.has(merge)) ranks.set(merge, index);
  });
  return (left, right) => ranks.get(`${left} ${right}`);
}

export function createSentencePieceBpeEncoder(
  vocabulary: Vocabulary,
  options: SentencePieceBpeOptions = {},
): Encoder {
  const normalization: SentencePieceNormalization = {
    nfkc: options.nfkc ?? false,
    removeExtraWhitespace: options.removeExtraWhitespace ?? false,
    addDummyPrefix: options.addDummyPrefix ?? true,
  };
  const pieceIds = new Map<string, number>();
  vocabulary.tokens.forEach((token, id) => {
    pieceIds.set(token, id);
  });
  const byteIds = bytePieceIds(vocabulary);
  const merges = vocabulary.merges;
  const byMergeList = merges !== undefined && merges.length > 0;
  const rank = byMergeList ? mergeListRank(merges) : scoreRank(vocabulary);
  const unknown = vocabulary.special.unk ?? vocabulary.special.unknown ?? 0;
  const splitSpecial = createSpecialSplitter(vocabulary, options.parseSpecial === true);
  const bytePiece = (byte: number): string => vocabulary.tokens[byteIds.get(byte) ?? unknown] ?? "";

  /** HF BPE: a character the vocabulary lacks is replaced by its byte pieces before any merge. */
  const initialSymbols = (escaped: string): string[] => {
    const chars = [...escaped];
    if (!byMergeList) return chars;
    return chars.flatMap((char) =>
      pieceIds.has(char) || byteIds.size === 0 ? [char] : [...utf8.encode(char)].map(bytePiece),
    );
  };

  const encodeText = (text: string, withPrefix: boolean, out: number[]): void => {
    const escaped = normalizeForSentencePiece(text, { ...normalization, addDummyPrefix: withPrefix });
    for (const piece of mergeSymbols(initialSymbols(escaped), rank)) {
      const id = pieceIds.get(piece);
      if (id !== undefined && (vocabulary.kinds[id] !== "byte" || byMergeList)) {
        out.push(id);
        continue;
      }
      for (const byte of utf8.encode(piece)) out.push(byteIds.get(byte) ?? unknown);
    }
  };

  const prefix = normalization.addDummyPrefix === true;
  return {
    kind: "sentencepiece-bpe",
    encode: (text: string): number[] =>
      encodeFragments(
        text,
        splitSpecial,
        (piece, segmentStart, out) => encodeText(piece, prefix && segmentStart, out),
        {
          prefixScope: options.prefixScope,
          leadingPrefixId: prefix ? pieceIds.get("\u2581") : undefined,
        },
      ),
  };
}
