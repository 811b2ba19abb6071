/** Agreement of two BPE merge lists, compared as byte pairs so conventions do not matter. */

import { rankAgreement } from "../../stats/correlation.js";
import { tokenStringLatin1 } from "../token-bytes.js";
import type { Vocabulary } from "../vocabulary.js";
import { MIN_ORDER_SAMPLE } from "./thresholds.js";
import type { MergeAgreement } from "./types.js";

/** Each merge `"left right"` as `bytes(left) NUL bytes(right)`. */
function mergeKeys(vocab: Vocabulary, merges: readonly string[]): string[] {
  const cache = new Map<string, string>();
  const bytesOf = (token: string) => {
    let key = cache.get(token);
    if (key === undefined) {
      key = tokenStringLatin1(token, vocab.convention);
      cache.set(token, key);
    }
    return key;
  };
  return merges.map((merge) => {
    const space = merge.indexOf(" ");
    if (space < 0) return bytesOf(merge);
    return `${bytesOf(merge.slice(0, space))}\u0000${bytesOf(merge.slice(space + 1))}`;
  });
}

export function compareMerges(a: Vocabulary, b: Vocabulary): MergeAgreement | undefined {
  if (a.merges === undefined || b.merges === undefined || a.merges.length === 0 || b.merges.length === 0) {
    return undefined;
  }
  const rankA = new Map<string, number>();
  mergeKeys(a, a.merges).forEach((key, rank) => {
    if (!rankA.has(key)) rankA.set(key, rank);
  });
  const ranksA: number[] = [];
  const ranksB: number[] = [];
  const seen = new Set<string>();
  mergeKeys(b, b.merges).forEach((key, rank) => {
    const other = rankA.get(key);
    if (other === undefined || seen.has(key)) return;
    seen.add(key);
    ranksA.push(other);
    ranksB.push(rank);
  });
  const shared = ranksA.length;
  return {
    a: a.merges.length,
    b: b.merges.length,
    shared,
    share: shared / Math.min(a.merges.length, b.merges.length),
    orderAgreement: shared >= MIN_ORDER_SAMPLE ? rankAgreement(ranksA, ranksB) : undefined,
  };
}
