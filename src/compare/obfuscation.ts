/**
 * Deciding on a relabelled, rotated or rescaled copy: when the index test finds nothing, or finds shared
 * weights whose stored rows do not line up, the alignment search (`alignment.ts`) looks for twins, and
 * the twins' differences decide copy or further training.
 */
import type { ModelView } from "../fingerprint/model-view.js";
import { type AlignmentSearch, searchAlignment } from "./alignment.js";
import { isMatrixComparison, residualExplained } from "./direct.js";
import { alignmentLog10P } from "./fitted-null.js";
import { unitRoundoff } from "./rounding.js";
import type { TransformerEvidence } from "./transformer-evidence.js";
import { INDEPENDENT_LOG10_P, RELATED_LOG10_P, ROUNDING_FLOOR, type VerdictInput } from "./verdict.js";

/** Basis-free copy criteria (measured on rotated/permuted zoo and stories260K variants, docs/compare.md):
 * the twins' signature residual of a copy stays small and close to i.i.d.; a training update does not. */
const BASIS_FREE_COPY_RESIDUAL = 0.1;
const BASIS_FREE_COPY_STRUCTURE = 2.1;
/** Median |ln scale| between twins above which the units were rescaled (training drifts a few %). */
const RESCALED = 0.25;
/** Median |correlation| of same rows below which the stored bases do not line up. */
const STORED_BASIS_LINED_UP = 0.9;

/**
 * When the index test finds nothing, or finds shared weights whose stored rows do not line up, look for
 * a relabelled, rotated or rescaled copy (`alignment.ts`). Returns undefined when there is no sign of one.
 */
export async function obfuscationSearch(
  a: ModelView,
  b: ModelView,
  evidence: TransformerEvidence,
  log10P: number,
): Promise<
  | { aligned: NonNullable<VerdictInput["aligned"]>; search: AlignmentSearch; log10P: number | undefined }
  | undefined
> {
  if (
    evidence.basis !== "signature" ||
    evidence.suspectInputs === undefined ||
    evidence.referenceInputs === undefined
  )
    return undefined;
  const matrices = evidence.direct.filter(
    (d) => isMatrixComparison(d) && (d.component === "attention" || d.component === "mlp"),
  );
  const correlations = matrices.map((d) => Math.abs(d.correlation)).sort((x, y) => x - y);
  const linedUp = correlations.length > 0 && correlations[correlations.length >> 1]! >= STORED_BASIS_LINED_UP;
  const related = log10P <= RELATED_LOG10_P;
  if (related && (linedUp || matrices.every(residualExplained))) return undefined;
  const search = await searchAlignment({
    suspect: a,
    reference: b,
    suspectInputs: evidence.suspectInputs,
    referenceInputs: evidence.referenceInputs,
    suspectSets: evidence.suspectSets,
    mapping: new Map(evidence.layerMap.pairs.map((p) => [p.suspectLayer, p.referenceLayer])),
  });
  const { units, residual } = search;
  const permuted =
    units.moved > units.twins / 2 || (residual !== undefined && residual.moved > residual.twins / 2);
  const rotated =
    residual !== undefined && residual.twins < residual.tested / 2 && units.twins >= units.tested / 2;
  const rescaled = search.rescale > RESCALED;
  if (!permuted && !rotated && !rescaled && related) return undefined;
  if (!permuted && !rotated && !rescaled && units.twins < 8) {
    // No twins (a relabelled copy under heavy noise, or nothing at all): the best matches still stand
    // out of their matrices or not, and the fitted null of that statistic decides; a weak one is left to
    // the index test (p ≥ 1e-3 is no evidence either way).
    const log10P = alignmentLog10P(search.statistic);
    if (log10P > INDEPENDENT_LOG10_P) return undefined;
    const none = { permuted: false, rotated: false, rescaled: false, copy: false, noised: false };
    return { aligned: none, search, log10P };
  }
  const relative = search.relativeResidual ?? 1;
  // Rounding of both sides' number formats, in the weights and in the anchor rows the signatures read:
  // a rotated copy re-rounds every value (bf16: a relative error of about 2^-8 per side).
  const roundoff = (view: ModelView) =>
    Math.max(
      0,
      ...view.model.tensors
        .filter((t) => t.layer !== undefined && t.shape.length === 2)
        .map((t) => unitRoundoff(t.source.dtype)),
    );
  const rounding = Math.max(ROUNDING_FLOOR, 1.5 * (roundoff(a) + roundoff(b)));
  const copy =
    search.direct.length > 0
      ? search.direct.every(residualExplained)
      : relative <= rounding ||
        (relative <= BASIS_FREE_COPY_RESIDUAL && (search.structure ?? 0) <= BASIS_FREE_COPY_STRUCTURE);
  const noised =
    search.direct.length > 0
      ? search.direct.some((d) => d.withinRounding < 0.999 && d.relativeError > ROUNDING_FLOOR)
      : relative > rounding;
  return {
    aligned: { permuted, rotated, rescaled, copy, noised },
    search,
    log10P: related ? undefined : alignmentLog10P(search.statistic),
  };
}
