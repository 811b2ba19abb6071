/** Derive test vocabularies from real ones: renumber, subset, rename, extend. */
import type { TokenKind, Vocabulary } from "../../src/tokenizers/vocabulary.js";

/** A copy holding the tokens of `ids`, in that order (ids renumbered 0..). */
export function reorder(vocab: Vocabulary, ids: readonly number[], file = "edited"): Vocabulary {
  return {
    ...vocab,
    source: { ...vocab.source, file },
    tokens: ids.map((id) => vocab.tokens[id]!),
    kinds: ids.map((id) => vocab.kinds[id]!),
    scores: vocab.scores === undefined ? undefined : Float32Array.from(ids, (id) => vocab.scores![id]!),
    special: {},
  };
}

/** A copy with `changes` (id → token) applied in place. */
export function edit(vocab: Vocabulary, changes: Record<number, string>, kind?: TokenKind): Vocabulary {
  const tokens = [...vocab.tokens];
  const kinds = [...vocab.kinds];
  for (const [id, token] of Object.entries(changes)) {
    tokens[Number(id)] = token;
    if (kind !== undefined) kinds[Number(id)] = kind;
  }
  return { ...vocab, source: { ...vocab.source, file: "edited" }, tokens, kinds };
}

/** A deterministic shuffle of 0..n-1 (xorshift), leaving the first `keep` ids in place. */
export function shuffledIds(n: number, keep = 0, seed = 12345): number[] {
  const ids = Array.from({ length: n }, (_, i) => i);
  let state = seed;
  for (let i = n - 1; i > keep; i--) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const j = keep + ((state >>> 0) % (i - keep + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}
