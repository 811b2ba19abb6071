/**
 * The fitted null of the alignment statistic (`alignment.ts`): its values over pairs of models known to
 * be trained separately, summarised by a normal fit. Unlike the index test this p-value rests on data:
 * on the pairs listed here and on the assumption that a new independent pair behaves like them. The
 * output says so ("fitted null from N pairs"); with few pairs its far tail is an extrapolation.
 *
 * Refit with `npm run fit-null` (scripts/fit-null.ts), which prints these figures from the pairs.
 */
import { normalSf } from "../stats/distributions.js";

export interface FittedNull {
  /** Statistic values of the independent pairs, by pair. */
  pairs: { suspect: string; reference: string; statistic: number }[];
  mean: number;
  sd: number;
}

/** Measured by scripts/fit-null.ts (../shared zoo and real independent pairs, generated fresh initialisations). */
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
