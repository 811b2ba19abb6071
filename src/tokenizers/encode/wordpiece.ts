/**
 * WordPiece (BERT, BGE): lower-case and strip accents (NFD, drop combining marks), split on
 * white space, on punctuation and around CJK ideographs, then match each word greedily, longest
 * piece first. A word with any unmatched rest becomes one unknown token.
 *
 * Vocabularies spell word-initial and continuation pieces two ways: tokenizer.json uses a `##`
 * prefix for continuations; llama.cpp's GGUF files use `▁` for word-initial pieces instead.
 */
import type { Vocabulary } from "../vocabulary.js";
import type { EncodeOptions, Encoder } from "./encoder.js";
import { createSpecialSplitter, encodeFragments, tokenIndex } from "./special-split.js";

/** Words longer than this (in characters) are one unknown token, as in BERT's reference code. */
const MAX_WORD_CHARS = 100;

const PUNCTUATION = /^[\p{P}]$/u;
const ASCII_SYMBOL = /^[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]$/;
const COMBINING_MARK = /\p{Mn}/gu;
const CONTROL = /^[\p{Cc}\p{Cf}]$/u;
const WHITE_SPACE = /^\p{White_Space}$/u;

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** BERT's basic tokenization: the words WordPiece then splits. */
export function bertWords(text: string): string[] {
  const words: string[] = [];
  let current = "";
  const flush = (): void => {
    if (current !== "") words.push(current);
    current = "";
  };
  const normalized = text.normalize("NFD").replace(COMBINING_MARK, "").toLowerCase();
  for (const char of normalized) {
    const cp = char.codePointAt(0) ?? 0;
    if (WHITE_SPACE.test(char)) {
      flush();
    } else if (cp === 0 || cp === 0xfffd || CONTROL.test(char)) {
      // dropped
    } else if (PUNCTUATION.test(char) || ASCII_SYMBOL.test(char) || isCjk(cp)) {
      flush();
      words.push(char);
    } else {
      current += char;
    }
  }
  flush();
  return words;
}

export function createWordPieceEncoder(vocabulary: Vocabulary, options: EncodeOptions = {}): Encoder {
  const ids = tokenIndex(vocabulary);
  const ggufStyle = vocabulary.tokens.some((token) => token.startsWith("\u2581"));
  const initial = (piece: string): string => (ggufStyle ? `\u2581${piece}` : piece);
  const continuation = (piece: string): string => (ggufStyle ? piece : `##${piece}`);
  const unknown = vocabulary.special.unk ?? vocabulary.special.unknown ?? ids.get("[UNK]") ?? 0;
  const splitSpecial = createSpecialSplitter(vocabulary, options.parseSpecial === true);

  const encodeWord = (word: string, out: number[]): void => {
    const chars = [...word];
    if (chars.length > MAX_WORD_CHARS) {
      out.push(unknown);
      return;
    }
    const pieces: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (end > start) {
        const sub = chars.slice(start, end).join("");
        found = ids.get(start === 0 ? initial(sub) : continuation(sub));
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) {
        out.push(unknown);
        return;
      }
      pieces.push(found);
      start = end;
    }
    out.push(...pieces);
  };

  const encodeText = (text: string, out: number[]): void => {
    for (const word of bertWords(text)) encodeWord(word, out);
  };

  return {
    kind: "wordpiece",
    encode: (text: string): number[] =>
      encodeFragments(text, splitSpecial, (piece, _atStart, out) => encodeText(piece, out)),
  };
}
