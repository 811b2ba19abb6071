/** Least-squares line through (k, tokens): slope = tokens per unit, intercept = template overhead. */

export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination; 1 when every point lies on the line (or all y are equal). */
  r2: number;
}

export function fitLine(xs: readonly number[], ys: readonly number[]): LineFit {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) throw new RangeError("a line needs at least two points");
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new RangeError("all x values are equal");
  const slope = sxy / sxx;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const residual = ys[i]! - (my + slope * (xs[i]! - mx));
    sse += residual * residual;
  }
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : 1 - sse / syy };
}
