/**
 * Undo function-preserving neuron changes before a direct comparison: heads and MLP neurons may be
 * permuted and rescaled (q/k, v/o, up/down pairs compensate each other), so each neuron of the suspect
 * is matched to a reference neuron by |cosine| (linear assignment) and given its least-squares scale.
 */
import { solveAssignment } from "./stats/assignment.js";

/** Neuron matching is O(n³); wider matrices are compared neuron-for-neuron as stored. */
export const MAX_MATCHED_NEURONS = 4096;
/** Median |cos| of same-index neurons above which the stored order is taken as is… */
const IN_ORDER = 0.9;
/** …unless some neuron has left its place: |cos| with its same-index twin below this (training moves a
 * neuron by a few degrees; a permutation that keeps most heads in place moves the others completely). */
const MOVED = 0.5;

export interface NeuronAlignment {
  /** Suspect values rearranged (and rescaled) to the reference's neuron order. */
  values: Float32Array;
  permuted: boolean;
  /** Median |ln scale| of the fitted neuron scales. */
  rescale: number;
}

function neuronVectors(
  values: Float32Array,
  rows: number,
  columns: number,
  neuronsAreRows: boolean,
): Float64Array[] {
  const count = neuronsAreRows ? rows : columns;
  const length = neuronsAreRows ? columns : rows;
  return Array.from({ length: count }, (_, n) => {
    const v = new Float64Array(length);
    for (let k = 0; k < length; k++)
      v[k] = neuronsAreRows ? values[n * columns + k]! : values[k * columns + n]!;
    return v;
  });
}

const dot = (a: Float64Array, b: Float64Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? 0;
}

export function alignNeurons(
  suspect: Float32Array,
  reference: Float32Array,
  rows: number,
  columns: number,
  neuronsAreRows: boolean,
): NeuronAlignment {
  const s = neuronVectors(suspect, rows, columns, neuronsAreRows);
  const r = neuronVectors(reference, rows, columns, neuronsAreRows);
  const norms = (vectors: Float64Array[]) => vectors.map((v) => Math.sqrt(dot(v, v)) || 1);
  const sn = norms(s);
  const rn = norms(r);
  const n = s.length;
  let order: Int32Array = Int32Array.from({ length: n }, (_, i) => i);
  const diagonal = s.map((v, i) => Math.abs(dot(v, r[i]!)) / (sn[i]! * rn[i]!));
  let permuted = false;
  const moved = diagonal.some((c) => c < MOVED);
  if ((median(diagonal) < IN_ORDER || moved) && n <= MAX_MATCHED_NEURONS) {
    const cost = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) cost[i * n + j] = 1 - Math.abs(dot(r[i]!, s[j]!)) / (rn[i]! * sn[j]!);
    order = solveAssignment(cost, n, n);
    permuted = order.some((j, i) => j !== i);
  }
  const out = new Float32Array(suspect.length);
  const logScales: number[] = [];
  for (let i = 0; i < n; i++) {
    const from = s[order[i]!]!;
    const ss = dot(from, from);
    const scale = ss === 0 ? 1 : dot(from, r[i]!) / ss;
    logScales.push(Math.abs(Math.log(Math.abs(scale) || 1)));
    for (let k = 0; k < from.length; k++) {
      const value = from[k]! * scale;
      if (neuronsAreRows) out[i * columns + k] = value;
      else out[k * columns + i] = value;
    }
  }
  return { values: out, permuted, rescale: median(logScales) };
}
