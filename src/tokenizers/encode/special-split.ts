/**
 * Splitting text on special-token strings (llama.cpp's `parse_special`): control and user-defined
 * tokens found verbatim in the text become single tokens; the rest is encoded normally.
 */
import type { Vocabulary } from "../vocabulary.js";

export type Fragment = { text: string } | { id: number };

/** Matcher over the vocabulary's control and user-defined tokens, longest first. */
export function createSpecialSplitter(vocabulary: Vocabulary): (text: string) => Fragment[] {
  const ids = new Map<string, number>();
  vocabulary.tokens.forEach((token, id) => {
    const kind = vocabulary.kinds[id];
    if ((kind === "control" || kind === "user-defined") && token !== "" && !ids.has(token))
      ids.set(token, id);
  });
  if (ids.size === 0) return (text) => (text === "" ? [] : [{ text }]);
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

/** Encodes plain text into `out`; `atStart` is true for the first fragment of the input. */
export type TextEncoder = (text: string, atStart: boolean, out: number[]) => void;

/**
 * Encodes `text` with `encodeText`, first cutting out special tokens when `splitSpecial` is given
 * (they become their own ids and the text between them is encoded separately).
 */
export function encodeFragments(
  text: string,
  splitSpecial: ((text: string) => Fragment[]) | undefined,
  encodeText: TextEncoder,
): number[] {
  const out: number[] = [];
  if (splitSpecial === undefined) {
    encodeText(text, true, out);
    return out;
  }
  let atStart = true;
  for (const fragment of splitSpecial(text)) {
    if ("id" in fragment) out.push(fragment.id);
    else encodeText(fragment.text, atStart, out);
    atStart = false;
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
