/** Centred (Pearson) correlation and Spearman rank correlation. */

/** Pearson correlation of two equal-length series; 0 when either is constant. */
export function centredCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return 0;
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
  return sa === 0 || sb === 0 ? 0 : cross / Math.sqrt(sa * sb);
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
