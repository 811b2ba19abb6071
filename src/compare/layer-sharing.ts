/**
 * Which suspect layers share weights with the reference and which show none: a model may reuse some
 * layers (or only its embedding) and hold independent weights elsewhere. Then a summary of the whole
 * model ("fine-tuned", "shared initialisation") would describe weights that were never shared.
 */
import type { SetMatch } from "../fingerprint/unit-matching.js";
import { factorialMomentBoundLog10, indexTest } from "../stats/index-test.js";
import { type DirectComparison, isMatrixComparison, unchangedShare } from "./direct.js";
import { INDEPENDENT_LOG10_P, RELATED_LOG10_P } from "./verdict.js";

/** Unchanged share (beyond chance) of any weight matrix of a layer above which the layer keeps shared
 * values, whatever its units show (pruning shifts MLP indices while the attention stays bit-equal).
 * Norm vectors are left out: on a few hundred values near 1 the chance level is too noisy. */
const KEPT_VALUES = 0.05;

export interface LayerSharing {
  /** Suspect layers whose own index test gives p ≤ 1e-6. */
  shared: number[];
  /** Suspect layers whose own index test could have shown sharing (p ≤ 1e-6 had every unit matched)
   * but gives p ≥ 1e-3, and none of whose compared tensors keeps values. */
  unshared: number[];
}

/** Per-layer reading of the index test's matches (pooled per suspect layer) and the direct comparisons
 * (canonical `layers.N.` names, present when depths agree). */
export function layerSharing(
  matches: readonly SetMatch[],
  direct: readonly DirectComparison[],
): LayerSharing {
  const byLayer = new Map<number, SetMatch[]>();
  for (const m of matches)
    if (m.suspectLayer !== undefined)
      byLayer.set(m.suspectLayer, [...(byLayer.get(m.suspectLayer) ?? []), m]);
  const shared: number[] = [];
  const unshared: number[] = [];
  for (const [layer, sets] of [...byLayer].sort((x, y) => x[0] - y[0])) {
    const test = indexTest(sets.map((m) => m.best));
    if (test.sets === 0) continue;
    if (test.log10P <= RELATED_LOG10_P) {
      shared.push(layer);
      continue;
    }
    const couldShow = factorialMomentBoundLog10(test.units, test.sets) <= RELATED_LOG10_P;
    const keepsValues = direct.some(
      (d) =>
        d.name.startsWith(`layers.${layer}.`) && isMatrixComparison(d) && unchangedShare(d) >= KEPT_VALUES,
    );
    if (couldShow && !keepsValues && test.log10P >= INDEPENDENT_LOG10_P) unshared.push(layer);
  }
  return { shared, unshared };
}
