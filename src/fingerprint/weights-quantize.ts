/**
 * Compact storage of invariant matrices: the strict upper triangle quantized to 8 bits over a clipped
 * range, base64 in JSON. Correlation is what we compute on them, and it is unchanged by the affine map,
 * so 8 bits lose almost nothing (the rounding noise is ~0.1 % of the spread).
 */
import { FormatError } from "../errors.js";

export interface QuantizedTriangle {
  /** Matrix side: the triangle holds n(n-1)/2 values. */
  n: number;
  encoding: "u8";
  /** Value of code 0. */
  min: number;
  /** Value step per code: value = min + code * step. */
  step: number;
  /** Base64 of the codes, row by row over i < j. */
  data: string;
}

/** Values beyond this many standard deviations from the mean are clipped so a few outliers do not
 * squash the resolution of all the others. */
const CLIP_SIGMAS = 4;

export function quantizeTriangle(values: Float64Array, n: number): QuantizedTriangle {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= Math.max(1, values.length);
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const sd = Math.sqrt(variance / Math.max(1, values.length));
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  lo = Math.max(lo, mean - CLIP_SIGMAS * sd);
  hi = Math.min(hi, mean + CLIP_SIGMAS * sd);
  const step = hi > lo ? (hi - lo) / 255 : 1;
  const codes = new Uint8Array(values.length);
  values.forEach((v, i) => {
    codes[i] = Math.max(0, Math.min(255, Math.round((v - lo) / step)));
  });
  return {
    n,
    encoding: "u8",
    min: Number.isFinite(lo) ? lo : 0,
    step,
    data: Buffer.from(codes).toString("base64"),
  };
}

/** Decode a stored triangle, checking that its size agrees with `n` (hostile or damaged input). */
export function dequantizeTriangle(
  q: QuantizedTriangle,
  where: { file?: string; field: string },
): Float64Array {
  const expected = (q.n * (q.n - 1)) / 2;
  const codes = Buffer.from(q.data, "base64");
  if (
    q.encoding !== "u8" ||
    codes.length !== expected ||
    !Number.isFinite(q.min) ||
    !Number.isFinite(q.step)
  ) {
    throw new FormatError(
      `invariant matrix is damaged: expected ${expected} u8 codes, found ${codes.length}`,
      where,
    );
  }
  const out = new Float64Array(expected);
  for (let i = 0; i < expected; i++) out[i] = q.min + codes[i]! * q.step;
  return out;
}
