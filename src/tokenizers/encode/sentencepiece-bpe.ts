/**
 * SentencePiece BPE (Llama 1/2, Mistral v1, Phi-3, Baichuan …): spaces become `▁`, a dummy `▁`
 * prefix goes in front of the text, then adjacent pieces merge while the merged piece is in the
 * vocabulary, highest score first (leftmost on ties). Pieces left that are not tokens fall back to
 * `<0xAB>` byte tokens, or to the unknown token when the vocabulary has no byte tokens.
 */
import type { Vocabulary } from "../vocabulary.js";
import type { EncodeOptions, Encoder } from "./encoder.js";
import { mergeSymbols } from "./merge-symbols.js";
import { normalizeForSentencePiece, type SentencePieceNormalization } from "./sentencepiece-normalize.js";
import { createSpecialSplitter, encodeFragments } from "./special-split.js";

/** Defaults are Llama 2's: dummy prefix on, no NFKC, spaces kept as they are. */
export interface SentencePieceBpeOptions extends EncodeOptions, SentencePieceNormalization {}
const utf8 = new TextEncoder();

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
  const mergeScore = new Map<string, number>();
  const byteIds = new Map<number, number>();
  vocabulary.tokens.forEach((token, id) => {
    const kind = vocabulary.kinds[id];
    pieceIds.set(token, id);
    if (kind === "byte") {
      const match = /^<0x([0-9A-Fa-f]{2})>$/.exec(token);
      if (match?.[1] !== undefined) byteIds.set(Number.parseInt(match[1], 16), id);
      return;
    }
    if (kind !== "control") mergeScore.set(token, vocabulary.scores?.[id] ?? 0);
  });
  const unknown = vocabulary.special.unk ?? vocabulary.special.unknown ?? 0;
  const splitSpecial = options.parseSpecial ? createSpecialSplitter(vocabulary) : undefined;

  const rank = (left: string, right: string): number | undefined => {
    const score = mergeScore.get(left + right);
    return score === undefined ? undefined : -score;
  };

  const encodeText = (text: string, withPrefix: boolean, out: number[]): void => {
    const escaped = normalizeForSentencePiece(text, { ...normalization, addDummyPrefix: withPrefix });
    for (const piece of mergeSymbols([...escaped], rank)) {
      const id = pieceIds.get(piece);
      if (id !== undefined && vocabulary.kinds[id] !== "byte") {
        out.push(id);
        continue;
      }
      for (const byte of utf8.encode(piece)) out.push(byteIds.get(byte) ?? unknown);
    }
  };

  return {
    kind: "sentencepiece-bpe",
    encode: (text: string): number[] =>
      encodeFragments(text, splitSpecial, (piece, atStart, out) =>
        encodeText(piece, normalization.addDummyPrefix === true && atStart, out),
      ),
  };
}
