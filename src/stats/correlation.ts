/** Centred (Pearson) correlation and Spearman rank correlation, shared by every area that correlates. */

/** Pearson correlation of the first `n` pairs; undefined when n is 0 or either side is constant. */
function pearsonOfFirst(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number | undefined {
  if (n === 0) return undefined;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]!;
    meanB += b[i]!;
  }
  meanA /= n;
  meanB /= n;
  let cross = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA;
    const db = b[i]! - meanB;
    cross += da * db;
    sa += da * da;
    sb += db * db;
  }
  return sa === 0 || sb === 0 ? undefined : cross / Math.sqrt(sa * sb);
}

/** Pearson correlation of two series (over the shorter length); 0 when either is constant. */
export function centredCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearsonOfFirst(a, b, Math.min(a.length, b.length)) ?? 0;
}

/** Ranks 1..n, ties get their average rank. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => values[x]! - values[y]!);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]!] = rank;
    i = j + 1;
  }
  return ranks;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return centredCorrelation(averageRanks(a), averageRanks(b));
}

/** Spearman's rank correlation, or undefined where it means nothing: unequal lengths, fewer than 3
 * pairs, or a constant side (the tokenizer comparison reports "no agreement measurable" then). */
export function rankAgreement(a: ArrayLike<number>, b: ArrayLike<number>): number | undefined {
  if (a.length !== b.length || a.length < 3) return undefined;
  return pearsonOfFirst(averageRanks(a), averageRanks(b), a.length);
}
