/**
 * The merge loop shared by SentencePiece BPE and byte-level BPE: repeatedly merge the adjacent pair
 * with the best (lowest) rank, leftmost first on ties, until no pair has a rank. A binary heap with
 * lazy invalidation keeps it O(n log n) on long texts.
 */

/** Rank of merging `left` + `right`, lower merges first; undefined when the pair cannot merge. */
export type PairRank = (left: string, right: string) => number | undefined;

interface Candidate {
  rank: number;
  left: number;
  right: number;
  /** Combined length when queued: a stale entry no longer matches. */
  length: number;
}

function before(a: Candidate, b: Candidate): boolean {
  return a.rank < b.rank || (a.rank === b.rank && a.left < b.left);
}

class CandidateHeap {
  private readonly items: Candidate[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: Candidate): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as Candidate;
      if (!before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  pop(): Candidate | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items.length) break;
      const r = l + 1;
      let child = l;
      if (r < items.length && before(items[r] as Candidate, items[l] as Candidate)) child = r;
      if (!before(items[child] as Candidate, last)) break;
      items[i] = items[child] as Candidate;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Merges `symbols` (left to right) as far as `rank` allows and returns the resulting strings. */
export function mergeSymbols(symbols: readonly string[], rank: PairRank): string[] {
  const n = symbols.length;
  if (n < 2) return [...symbols];
  const text = [...symbols];
  const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
  const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
  const alive = new Uint8Array(n).fill(1);
  const heap = new CandidateHeap();
  const consider = (left: number, right: number): void => {
    if (left < 0 || right < 0) return;
    const a = text[left] as string;
    const b = text[right] as string;
    const r = rank(a, b);
    if (r !== undefined) heap.push({ rank: r, left, right, length: a.length + b.length });
  };
  for (let i = 0; i + 1 < n; i++) consider(i, i + 1);
  while (heap.size > 0) {
    const c = heap.pop() as Candidate;
    if (!alive[c.left] || !alive[c.right] || next[c.left] !== c.right) continue;
    const merged = (text[c.left] as string) + (text[c.right] as string);
    if (merged.length !== c.length) continue;
    text[c.left] = merged;
    alive[c.right] = 0;
    const after = next[c.right] as number;
    next[c.left] = after;
    if (after >= 0) prev[after] = c.left;
    consider(prev[c.left] as number, c.left);
    consider(c.left, after);
  }
  const out: string[] = [];
  for (let i = 0; i >= 0; i = next[i] as number) out.push(text[i] as string);
  return out;
}
