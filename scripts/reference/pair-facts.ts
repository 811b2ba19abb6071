/** Exact comparison of two full reference vocabularies (key arrays) for the generated table. */
import { idsByKey } from "../../src/tokenizers/identify.js";
import type { ReferencePairFact } from "../../src/tokenizers/reference/family-table.js";

export function pairFact(
  a: string,
  aKeys: readonly string[],
  b: string,
  bKeys: readonly string[],
): ReferencePairFact {
  let sameIdPrefix = 0;
  while (sameIdPrefix < Math.min(aKeys.length, bKeys.length) && aKeys[sameIdPrefix] === bKeys[sameIdPrefix]) {
    sameIdPrefix++;
  }
  const bIds = idsByKey(bKeys);
  const seen = new Set<string>();
  let sharedTokens = 0;
  let sameIdTokens = 0;
  aKeys.forEach((key, id) => {
    if (key === "") return;
    const ids = bIds.get(key);
    if (ids === undefined) return;
    if (ids.includes(id)) sameIdTokens++;
    if (!seen.has(key)) {
      seen.add(key);
      sharedTokens++;
    }
  });
  return { a, b, aSize: aKeys.length, bSize: bKeys.length, sameIdPrefix, sharedTokens, sameIdTokens };
}
