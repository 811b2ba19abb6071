/** Rank statistics for comparing the order of shared tokens. */

/** Ranks of `values` (0-based; ties get the mean of their positions). */
export function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((x, y) => values[x]! - values[y]!);
  const result = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    const rank = (start + end - 1) / 2;
    for (let k = start; k < end; k++) result[order[k]!] = rank;
    start = end;
  }
  return result;
}

/** Pearson correlation; undefined when either side is constant or there are fewer than 3 pairs. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number | undefined {
  const n = a.length;
  if (n < 3 || b.length !== n) return undefined;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i]!;
    meanB += b[i]!;
  }
  meanA /= n;
  meanB /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - meanA;
    const db = b[i]! - meanB;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  if (aa === 0 || bb === 0) return undefined;
  return ab / Math.sqrt(aa * bb);
}

/** Spearman's rank correlation of paired values. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number | undefined {
  return pearson(ranks(a), ranks(b));
}
