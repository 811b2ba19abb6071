/**
 * Tail probabilities and p-value combination, accurate far into the tail (p-values of 1e-300 must not
 * round to 0 or to 1 − ε). Hand-written: three closed forms do not justify a 200-package dependency.
 */

/** Complementary error function, relative error below 1e-15 (continued fraction for large x). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // Maclaurin series of erf, converges fast for |x| < 2.
    let term = x;
    let sum = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (x > 27) return 0;
  // Lentz continued fraction: erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …)))).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** P(X > x) for X ~ χ² with an even number of degrees of freedom (closed form: Poisson sum). */
export function chiSquareSfEven(x: number, dof: number): number {
  if (dof <= 0 || dof % 2 !== 0) throw new RangeError("chiSquareSfEven needs a positive even dof");
  if (x <= 0) return 1;
  const half = x / 2;
  let term = Math.exp(-half);
  let sum = term;
  for (let k = 1; k < dof / 2; k++) {
    term *= half / k;
    sum += term;
  }
  return Math.min(1, sum);
}

/** Fisher's method: −2 Σ ln p ~ χ²(2k) when the k p-values are independent and uniform. */
export function fisherCombine(pValues: readonly number[]): number {
  if (pValues.length === 0) return 1;
  let statistic = 0;
  for (const p of pValues) statistic -= 2 * Math.log(Math.max(p, Number.MIN_VALUE));
  return chiSquareSfEven(statistic, 2 * pValues.length);
}

/** Stouffer's method on one-sided z-scores: Σz/√k is standard normal under the null. */
export function stoufferCombine(zScores: readonly number[]): number {
  if (zScores.length === 0) return 1;
  const total = zScores.reduce((sum, z) => sum + z, 0);
  return normalSf(total / Math.sqrt(zScores.length));
}

/** ln C(n, k). */
function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i++) sum += Math.log((n - k + i) / i);
  return sum;
}

/** P(Binomial(n, p) ≥ k), summed in log space so tiny p keeps its exponent. */
export function binomialUpperTail(n: number, k: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let total = 0;
  for (let j = k; j <= n; j++) {
    total += Math.exp(logChoose(n, j) + j * Math.log(p) + (n - j) * Math.log1p(-p));
  }
  return Math.min(1, total);
}

/**
 * Wilkinson's order-statistic combination at the median: the probability, under independence and
 * uniform p-values, that at least ⌈k/2⌉ of k p-values are as small as the observed median one.
 * Unlike Fisher's method it cannot be carried by one or two outlying tests, which matters when a few
 * layers resemble each other for reasons other than shared weights.
 */
export function medianCombine(pValues: readonly number[]): number {
  if (pValues.length === 0) return 1;
  const sorted = [...pValues].sort((a, b) => a - b);
  const k = Math.ceil(sorted.length / 2);
  return binomialUpperTail(sorted.length, k, sorted[k - 1]!);
}
