/**
 * llama2.c's tokenizer, as `run.c`'s `encode()` runs it on a `tokenizer.bin` (raw token text, a score
 * per token, no merge list):
 * 1. a dummy prefix: the token `" "` first, when the text is not empty;
 * 2. each UTF-8 character (a lead byte and up to three continuation bytes) that is a token becomes that
 *    token, any other becomes one token per byte, id = byte + 3 (the `<0x00>`…`<0xFF>` pieces that
 *    follow `<unk>`, `<s>`, `</s>` in every llama2.c export);
 * 3. repeatedly the adjacent pair whose concatenated text is a token with the highest score merges,
 *    leftmost on ties (`>` against the best so far), until no pair is a token.
 * No normalisation, no special-token parsing (run.c has none). BOS/EOS are the caller's business.
 */
import { FormatError } from "../../errors.js";
import type { Vocabulary } from "../vocabulary.js";
import type { Encoder } from "./encoder.js";
import { mergeSymbols } from "./merge-symbols.js";

/** run.c: "the first 3 vocab elements are <unk>, <s>, </s> so the individual bytes only start at index 3". */
export const LLAMA2C_BYTE_OFFSET = 3;

/** run.c starts the best score at -1e10: a merge whose token scores no higher never happens. */
const RUNC_MIN_SCORE = -1e10;

const utf8 = new TextEncoder();

export function createLlama2cEncoder(vocabulary: Vocabulary): Encoder {
  const { tokens, scores } = vocabulary;
  if (scores === undefined) {
    throw new FormatError("llama2.c tokenizer has no scores", {
      file: vocabulary.source.file,
      field: "scores",
    });
  }
  if (tokens.length < LLAMA2C_BYTE_OFFSET + 256) {
    throw new FormatError(
      `run.c's byte fallback needs ids ${LLAMA2C_BYTE_OFFSET}–${LLAMA2C_BYTE_OFFSET + 255}; the vocabulary has ${tokens.length} tokens`,
      { file: vocabulary.source.file, field: "tokens" },
    );
  }
  // run.c looks strings up by binary search over the sorted vocabulary; with duplicate strings the id it
  // lands on is unspecified, so keep the first.
  const ids = new Map<string, number>();
  tokens.forEach((token, id) => {
    if (!ids.has(token)) ids.set(token, id);
  });
  const space = ids.get(" ");
  const rank = (left: string, right: string): number | undefined => {
    const id = ids.get(left + right);
    if (id === undefined) return undefined;
    const score = scores[id] as number;
    return score > RUNC_MIN_SCORE ? -score : undefined;
  };

  const encode = (text: string): number[] => {
    if (text === "") return [];
    const symbols: string[] = [];
    if (space !== undefined) symbols.push(" ");
    for (const char of text) {
      if (ids.has(char)) {
        symbols.push(char);
        continue;
      }
      for (const byte of utf8.encode(char)) symbols.push(tokens[byte + LLAMA2C_BYTE_OFFSET] as string);
    }
    const out: number[] = [];
    for (const symbol of mergeSymbols(symbols, rank)) {
      const id = ids.get(symbol);
      if (id !== undefined) out.push(id);
      else for (const byte of utf8.encode(symbol)) out.push(byte + LLAMA2C_BYTE_OFFSET);
    }
    return out;
  };
  return { kind: "llama2c", encode };
}
