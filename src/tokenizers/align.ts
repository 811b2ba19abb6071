/**
 * Token alignment for weight comparison: which reference id holds the token each suspect id holds,
 * compared by content bytes (any format or convention). The compare engineer uses it to match
 * embedding and output-head rows across vocabulary extension and renumbering, and to align hidden
 * dimensions through the rows of shared tokens.
 *
 * The map is one-to-one: a token kept at its id maps there; otherwise to the first reference id with
 * the same content not already taken. Ids holding no token map to -1.
 */
import { keyVocabulary } from "./compare/keyed.js";
import type { Vocabulary } from "./vocabulary.js";

export interface VocabularyAlignment {
  /** `toReference[suspectId]`: the reference id holding the same token, or -1. */
  toReference: Int32Array;
  /** `toSuspect[referenceId]`: the suspect id mapped to it, or -1. */
  toSuspect: Int32Array;
  /** Suspect ids whose token is at the same id in the reference. */
  kept: number;
  /** Suspect ids whose token is in the reference at another id. */
  reordered: number;
  /** Suspect ids whose token the reference lacks (vocabulary extension, new tokens). */
  added: number;
  /** Reference ids no suspect token maps to (tokens the suspect dropped). */
  removed: number;
}

export function alignVocabularies(suspect: Vocabulary, reference: Vocabulary): VocabularyAlignment {
  const s = keyVocabulary(suspect).keys;
  const r = keyVocabulary(reference).keys;
  const toReference = new Int32Array(s.length).fill(-1);
  const toSuspect = new Int32Array(r.length).fill(-1);
  let kept = 0;
  for (let id = 0; id < Math.min(s.length, r.length); id++) {
    if (s[id] !== "" && s[id] === r[id]) {
      toReference[id] = id;
      toSuspect[id] = id;
      kept++;
    }
  }
  // Reference ids still free, by content, in id order.
  const free = new Map<string, number[]>();
  r.forEach((key, id) => {
    if (key === "" || toSuspect[id] !== -1) return;
    const ids = free.get(key);
    if (ids === undefined) free.set(key, [id]);
    else ids.push(id);
  });
  let reordered = 0;
  let added = 0;
  s.forEach((key, id) => {
    if (key === "" || toReference[id] !== -1) return;
    const candidates = free.get(key);
    const target = candidates?.shift();
    if (target === undefined) {
      added++;
      return;
    }
    toReference[id] = target;
    toSuspect[target] = id;
    reordered++;
  });
  let removed = 0;
  r.forEach((key, id) => {
    if (key !== "" && toSuspect[id] === -1) removed++;
  });
  return { toReference, toSuspect, kept, reordered, added, removed };
}

/** The matched (suspect id, reference id) pairs, in suspect id order. */
export function matchedPairs(alignment: VocabularyAlignment): { suspect: Int32Array; reference: Int32Array } {
  const count = alignment.kept + alignment.reordered;
  const suspect = new Int32Array(count);
  const reference = new Int32Array(count);
  let n = 0;
  alignment.toReference.forEach((target, id) => {
    if (target < 0) return;
    suspect[n] = id;
    reference[n] = target;
    n++;
  });
  return { suspect, reference };
}
