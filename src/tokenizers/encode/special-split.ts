/**
 * Splitting text on added and special tokens before encoding. Added tokens that are not special
 * (tokenizer.json `"special": false`, GGUF token type 4 USER_DEFINED, SentencePiece USER_DEFINED pieces)
 * are always matched whole, as Hugging Face tokenizers, llama.cpp (`tokenizer_st_partition`) and
 * SentencePiece do; control tokens only when `parseSpecial` asks for it (llama.cpp's `parse_special`).
 * Matching is leftmost-longest (HF's Aho-Corasick `LeftmostLongest`, llama.cpp's longest-first order).
 */
import type { PrefixScope, Vocabulary } from "../vocabulary.js";

export type Fragment = { text: string } | { id: number };

/** Matcher over the tokens that must be cut out of the text, longest first; undefined when none. */
export function createSpecialSplitter(
  vocabulary: Vocabulary,
  parseSpecial = false,
): ((text: string) => Fragment[]) | undefined {
  const ids = new Map<string, number>();
  vocabulary.tokens.forEach((token, id) => {
    const kind = vocabulary.kinds[id];
    const cut = kind === "user-defined" || (parseSpecial && (kind === "control" || kind === "unknown"));
    if (cut && token !== "" && !ids.has(token)) ids.set(token, id);
  });
  if (ids.size === 0) return undefined;
  const alternatives = [...ids.keys()]
    .sort((a, b) => b.length - a.length)
    .map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const regex = new RegExp(alternatives.join("|"), "gu");
  return (text) => {
    const out: Fragment[] = [];
    let last = 0;
    for (const match of text.matchAll(regex)) {
      if (match.index > last) out.push({ text: text.slice(last, match.index) });
      out.push({ id: ids.get(match[0]) as number });
      last = match.index + match[0].length;
    }
    if (last < text.length) out.push({ text: text.slice(last) });
    return out;
  };
}

/**
 * Encodes plain text into `out`. `segmentStart` is true for a segment that begins the text or, under
 * the `"segment"` prefix scope, follows a cut-out token: where a dummy prefix may go.
 */
export type TextEncoder = (text: string, segmentStart: boolean, out: number[]) => void;

export interface FragmentOptions {
  /** Where a dummy prefix may go (see `TokenizerSettings.prefixScope`); default `"text"`. */
  prefixScope?: PrefixScope;
  /** Under the `"text"` scope: the id to emit when the text starts with a cut-out token (the lone `▁`
   * SentencePiece puts before it). */
  leadingPrefixId?: number;
}

/**
 * Encodes `text` with `encodeText`, first cutting out added/special tokens when `splitSpecial` is given
 * (they become their own ids and the text between them is encoded separately).
 */
export function encodeFragments(
  text: string,
  splitSpecial: ((text: string) => Fragment[]) | undefined,
  encodeText: TextEncoder,
  options: FragmentOptions = {},
): number[] {
  const out: number[] = [];
  if (splitSpecial === undefined) {
    encodeText(text, true, out);
    return out;
  }
  const scope = options.prefixScope ?? "text";
  let segmentStart = true;
  for (const fragment of splitSpecial(text)) {
    if ("id" in fragment) {
      if (scope === "text" && segmentStart && out.length === 0 && options.leadingPrefixId !== undefined) {
        out.push(options.leadingPrefixId);
      }
      out.push(fragment.id);
      segmentStart = scope === "segment";
    } else {
      encodeText(fragment.text, segmentStart, out);
      segmentStart = false;
    }
  }
  return out;
}

/** Token string → id, last id winning on duplicates (as llama.cpp builds its map). */
export function tokenIndex(vocabulary: Vocabulary): Map<string, number> {
  const index = new Map<string, number>();
  vocabulary.tokens.forEach((token, id) => {
    index.set(token, id);
  });
  return index;
}
