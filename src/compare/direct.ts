/**
 * Direct similarity of two tensors already in the same basis: bit equality, relative error, centred
 * correlation (never raw cosine: norm weights all start at 1), and how structured the residual is.
 */

import { centredCorrelation } from "../stats/correlation.js";
import { balanceResidual, spectralRatio } from "./linalg/spectral.js";

/** Residuals whose top singular value stays this close to the i.i.d. edge are rounding or noise. */
export const UNSTRUCTURED_RATIO = 1.6;

export interface DirectComparison {
  name: string;
  equal: boolean;
  relativeError: number;
  correlation: number;
  /** Largest singular value of the residual over the i.i.d. edge (2-D tensors only). */
  spectralRatio: number | null;
  /** Excess kurtosis of the residual (0 for Gaussian noise). */
  excessKurtosis: number;
  elements: number;
  /** Heads or neurons had to be re-ordered to line up. */
  neuronsPermuted: boolean;
  /** Median |ln| of per-neuron scales fitted before comparing (0 = none). */
  neuronRescale: number;
  /** The suspect's values sit on a block-quantization grid (a quantize round trip). */
  onQuantizationGrid: boolean;
}

export function compareDirect(
  name: string,
  suspect: Float32Array,
  reference: Float32Array,
  shape: readonly number[],
): DirectComparison {
  let equal = suspect.length === reference.length;
  let residualSquares = 0;
  let referenceSquares = 0;
  const n = Math.min(suspect.length, reference.length);
  const residual = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = suspect[i]! - reference[i]!;
    if (suspect[i] !== reference[i]) equal = false;
    residual[i] = r;
    residualSquares += r * r;
    referenceSquares += reference[i]! * reference[i]!;
  }
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const r2 = residual[i]! ** 2;
    m2 += r2;
    m4 += r2 * r2;
  }
  m2 /= n || 1;
  m4 /= n || 1;
  return {
    name,
    equal,
    relativeError:
      referenceSquares === 0 ? Math.sqrt(residualSquares) : Math.sqrt(residualSquares / referenceSquares),
    correlation: centredCorrelation(suspect, reference),
    spectralRatio:
      shape.length === 2 && !equal
        ? spectralRatio(balanceResidual(residual, shape[0]!, shape[1]!), shape[0]!, shape[1]!)
        : null,
    excessKurtosis: m2 === 0 ? 0 : m4 / (m2 * m2) - 3,
    elements: n,
    neuronsPermuted: false,
    neuronRescale: 0,
    onQuantizationGrid: false,
  };
}
