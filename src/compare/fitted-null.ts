/**
 * The fitted null of the alignment statistic (`alignment.ts`): its values over pairs of models known to
 * be trained separately, summarised by a normal fit. Unlike the index test this p-value rests on data:
 * on the pairs listed here and on the assumption that a new independent pair behaves like them. The
 * output says so ("fitted null from N pairs"); with few pairs its far tail is an extrapolation.
 *
 * How it was fitted: each figure below is the `statistic` of `searchAlignment` (`alignment.ts`) on the
 * listed pair (../shared paths), run on the unit sets `transformerEvidence` samples, as `compareModels`
 * runs it; `mean` and `sd` are the sample mean and sample SD (n − 1) of the seven values. They were
 * measured when this file was written (commit 2d2417d). No script in the repository reproduces them:
 * after a change to the statistic (`alignment.ts` has changed since, e.g. 1e51969) they must be measured
 * again the same way before the p-values that rest on them are trusted.
 */
import { normalSf } from "../stats/distributions.js";

export interface FittedNull {
  /** Statistic values of the independent pairs, by pair. */
  pairs: { suspect: string; reference: string; statistic: number }[];
  mean: number;
  sd: number;
}

/** Measured on ../shared zoo and real independent pairs (see the file comment). */
export const ALIGNMENT_NULL: FittedNull = {
  pairs: [
    { suspect: "zoo/base-b", reference: "zoo/base-a", statistic: 1.743 },
    { suspect: "zoo/a-distill", reference: "zoo/base-a", statistic: 1.777 },
    { suspect: "zoo/a-distill", reference: "zoo/base-b", statistic: 1.782 },
    { suspect: "zoo/neox-c", reference: "zoo/base-a", statistic: 0.772 },
    { suspect: "zoo/neox-c", reference: "zoo/base-b", statistic: 0.539 },
    { suspect: "zoo/gguf/base-a-q4_0.gguf", reference: "zoo/base-b", statistic: 1.69 },
    {
      suspect: "real/llama2c-independent/llama2xs.bin",
      reference: "real/stories260k/stories260K.bin",
      statistic: 1.424,
    },
  ],
  mean: 1.39,
  sd: 0.52,
};

/** log10 of P(statistic ≥ s) under the fitted normal null. */
export function alignmentLog10P(statistic: number, fitted: FittedNull = ALIGNMENT_NULL): number {
  const z = (statistic - fitted.mean) / fitted.sd;
  const p = normalSf(z);
  if (p > 0) return Math.log10(p);
  // Beyond double precision: the normal tail's log (Mills ratio), log φ(z) − log z.
  return (-(z * z) / 2 - Math.log(z * Math.sqrt(2 * Math.PI))) / Math.LN10;
}
