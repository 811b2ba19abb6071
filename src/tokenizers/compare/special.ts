/** Special tokens by role, side by side. */
import type { KeyedVocabulary } from "./keyed.js";
import type { SpecialTokenComparison } from "./types.js";

const ROLE_ORDER = ["bos", "eos", "unk", "pad", "eot", "eom", "cls", "sep", "mask"];

export function compareSpecialTokens(a: KeyedVocabulary, b: KeyedVocabulary): SpecialTokenComparison[] {
  const roles = new Set([...Object.keys(a.vocab.special), ...Object.keys(b.vocab.special)]);
  const ordered = [...roles].sort((x, y) => {
    const rx = ROLE_ORDER.indexOf(x);
    const ry = ROLE_ORDER.indexOf(y);
    return (rx < 0 ? 99 : rx) - (ry < 0 ? 99 : ry) || x.localeCompare(y);
  });
  return ordered.map((role) => {
    const idA = a.vocab.special[role];
    const idB = b.vocab.special[role];
    const side = (keyed: KeyedVocabulary, id: number | undefined) =>
      id === undefined ? undefined : { id, token: keyed.vocab.tokens[id] ?? "" };
    return {
      role,
      a: side(a, idA),
      b: side(b, idB),
      sameToken: idA !== undefined && idB !== undefined && a.keys[idA] === b.keys[idB],
      sameId: idA !== undefined && idA === idB,
    };
  });
}
