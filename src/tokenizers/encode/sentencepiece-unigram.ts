/**
 * SentencePiece Unigram: Viterbi search for the segmentation with the highest total piece score.
 * A character no piece covers becomes the unknown token (score: lowest piece score minus 10, as in
 * SentencePiece), or its UTF-8 bytes when the vocabulary has `<0xAB>` byte pieces.
 */
import type { Vocabulary } from "../vocabulary.js";
import type { EncodeOptions, Encoder } from "./encoder.js";
import { normalizeForSentencePiece, type SentencePieceNormalization } from "./sentencepiece-normalize.js";
import { createSpecialSplitter, encodeFragments, type FragmentOptions } from "./special-split.js";

export interface UnigramOptions extends EncodeOptions, SentencePieceNormalization, FragmentOptions {}

/** SentencePiece's penalty for an unknown character, below the lowest piece score. */
const UNKNOWN_PENALTY = 10;

const utf8 = new TextEncoder();

export function createUnigramEncoder(vocabulary: Vocabulary, options: UnigramOptions = {}): Encoder {
  const normalization: SentencePieceNormalization = {
    nfkc: options.nfkc ?? true,
    removeExtraWhitespace: options.removeExtraWhitespace ?? true,
    addDummyPrefix: options.addDummyPrefix ?? true,
  };
  const pieces = new Map<string, { id: number; score: number }>();
  const byteIds = new Map<number, number>();
  let maxChars = 1;
  let minScore = 0;
  vocabulary.tokens.forEach((token, id) => {
    const kind = vocabulary.kinds[id];
    if (kind === "byte") {
      const match = /^<0x([0-9A-Fa-f]{2})>$/.exec(token);
      if (match?.[1] !== undefined) byteIds.set(Number.parseInt(match[1], 16), id);
      return;
    }
    if (kind === "control" || kind === "unknown" || kind === "unused" || token === "") return;
    const score = vocabulary.scores?.[id] ?? 0;
    pieces.set(token, { id, score });
    minScore = Math.min(minScore, score);
    maxChars = Math.max(maxChars, [...token].length);
  });
  const unknown = vocabulary.special.unk ?? vocabulary.special.unknown ?? 0;
  const unknownScore = minScore - UNKNOWN_PENALTY;
  const splitSpecial = createSpecialSplitter(vocabulary, options.parseSpecial === true);

  const viterbi = (normalized: string, out: number[]): void => {
    const chars = [...normalized];
    const n = chars.length;
    const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
    const from = new Int32Array(n + 1);
    const token = new Int32Array(n + 1);
    best[0] = 0;
    for (let start = 0; start < n; start++) {
      const base = best[start] as number;
      if (base === Number.NEGATIVE_INFINITY) continue;
      let covered = false;
      let sub = "";
      for (let end = start + 1; end <= Math.min(n, start + maxChars); end++) {
        sub += chars[end - 1];
        const piece = pieces.get(sub);
        if (piece === undefined) continue;
        if (end === start + 1) covered = true;
        const score = base + piece.score;
        if (score > (best[end] as number)) {
          best[end] = score;
          from[end] = start;
          token[end] = piece.id;
        }
      }
      if (!covered) {
        const score = base + unknownScore;
        if (score > (best[start + 1] as number)) {
          best[start + 1] = score;
          from[start + 1] = start;
          token[start + 1] = -1;
        }
      }
    }
    const reversed: number[][] = [];
    for (let end = n; end > 0; end = from[end] as number) {
      const id = token[end] as number;
      if (id >= 0) {
        reversed.push([id]);
        continue;
      }
      const char = chars[end - 1] as string;
      const bytes = [...utf8.encode(char)].map((byte) => byteIds.get(byte));
      reversed.push(bytes.every((id) => id !== undefined) ? (bytes as number[]) : [unknown]);
    }
    for (let i = reversed.length - 1; i >= 0; i--) out.push(...(reversed[i] as number[]));
  };

  return {
    kind: "unigram",
    encode: (text: string): number[] =>
      encodeFragments(
        text,
        splitSpecial,
        (piece, segmentStart, out) =>
          viterbi(
            normalizeForSentencePiece(piece, {
              ...normalization,
              addDummyPrefix: normalization.addDummyPrefix === true && segmentStart,
            }),
            out,
          ),
        {
          prefixScope: options.prefixScope,
          leadingPrefixId: normalization.addDummyPrefix ? pieces.get("\u2581")?.id : undefined,
        },
      ),
  };
}
