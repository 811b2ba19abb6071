/**
 * When two tensors may be paired "by value": their |centred correlation| over n compared values must be
 * beyond chance for independently trained tensors, with the multiple comparisons paid (the best of many
 * candidate pairs is the one kept, so a single-pair threshold lets unrelated tensors through: with 64
 * values, |r| of 0.3–0.4 is what the best of a few hundred independent pairs reaches).
 *
 * Under independence the Fisher transform atanh(r)·√(n − 3) is about standard normal; measured over
 * every same-shape tensor pair of four independent pairs (zoo base-b vs base-a, a-distill vs base-a,
 * llama2xs vs stories260K, makemore names-a vs stories260K: 1,486 pairs; `scripts/value-match-null.ts`
 * prints them), |z| > 3 occurred at 0–1.0 % (0.27 % for a normal) and the largest |z| was 3.45, with
 * one exception: the token embeddings of
 * llama2xs and stories260K (same kind of 512-token vocabulary) at r = 0.17, z = 11, structure shared
 * through token frequencies, not weights. Hence two conditions:
 *  - the two-sided normal p of z, times the number of comparisons made, is at most VALUE_MATCH_ALPHA;
 *  - |r| ≥ VALUE_MATCH_MIN, a floor against structure that separately trained tensors share
 *    (copies and fine-tunes sit at ≥ 0.8; zoo fine-tunes after 400 steps).
 */
import { normalSf } from "../stats/distributions.js";

/** |centred correlation| below which no pair is "by value", whatever the number of values. */
export const VALUE_MATCH_MIN = 0.3;
/** Family-wise false-pairing rate over all comparisons of one compare. */
export const VALUE_MATCH_ALPHA = 1e-3;

/**
 * Whether |r| over `values` compared values is beyond chance after `comparisons` comparisons (see the
 * file comment). `comparisons` counts every correlation computed to choose the pairs (≥ 1).
 */
export function pairedByValue(correlation: number, values: number, comparisons: number): boolean {
  const r = Math.abs(correlation);
  if (!Number.isFinite(r) || r < VALUE_MATCH_MIN || values < 4) return false;
  if (r >= 1) return true;
  const z = Math.atanh(r) * Math.sqrt(values - 3);
  return 2 * normalSf(z) * Math.max(1, comparisons) <= VALUE_MATCH_ALPHA;
}
