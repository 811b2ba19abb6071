/**
 * Per-layer, basis-free summaries: for each weight matrix touching the residual stream, the Gram matrix
 * over residual dimensions (in the reference basis) of its unit-normalised neurons. CKA between such
 * Grams is unchanged by permuting, rotating or rescaling the neurons/heads of either model, and the
 * residual basis has been aligned beforehand, so it measures whether the two layers are the same weights.
 */

import { type ResidualBasis, toReferenceBasis } from "./residual-basis.js";
import { type CenteredGram, gram } from "./stats/cka.js";
import type { CountingReader } from "./tensor-reader.js";
import { expertsOf } from "./tensor-reader.js";

/** Gram cost is samples² × neurons; this many residual dimensions estimate CKA well. */
export const MAX_GRAM_SAMPLES = 512;

export type MatrixKind = "q" | "k" | "v" | "o" | "gate" | "up" | "down";
export const MATRIX_KINDS: readonly MatrixKind[] = ["q", "k", "v", "o", "gate", "up", "down"];
/** Matrices reading the residual stream (through a norm) vs writing to it. */
const READS: Record<MatrixKind, "attn_norm" | "mlp_norm" | null> = {
  q: "attn_norm",
  k: "attn_norm",
  v: "attn_norm",
  o: null,
  gate: "mlp_norm",
  up: "mlp_norm",
  down: null,
};

export function canonicalNames(layer: number, kind: MatrixKind, expert?: number): string {
  const attention = kind === "q" || kind === "k" || kind === "v" || kind === "o";
  if (attention) return `layers.${layer}.attn.${kind}`;
  return expert === undefined
    ? `layers.${layer}.mlp.${kind}`
    : `layers.${layer}.moe.experts.${expert}.${kind}`;
}

/** Norm weights folded into a reading matrix (W·diag(γ)), so γ ↔ W rescalings cancel. */
export async function readFolded(
  reader: CountingReader,
  name: string,
  layer: number,
  kind: MatrixKind,
): Promise<Float32Array> {
  const values = await reader.read(name);
  const norm = READS[kind];
  const normName = norm === null ? undefined : `layers.${layer}.${norm}`;
  if (normName === undefined || !reader.has(normName)) return values;
  const gamma = await reader.read(normName);
  const shape = reader.shape(name)!;
  const columns = shape[1]!;
  if (gamma.length !== columns) return values;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * gamma[i % columns]!;
  return out;
}

/** Residual-dimension samples × unit-normalised neurons, for a [out, hidden] reader or [hidden, in] writer. */
function features(
  values: Float32Array,
  shape: readonly number[],
  kind: MatrixKind,
  samples: Int32Array,
): Float64Array {
  const [rows, columns] = [shape[0]!, shape[1]!];
  const reads = READS[kind] !== null;
  const neurons = reads ? rows : columns;
  const out = new Float64Array(samples.length * neurons);
  const norms = new Float64Array(neurons);
  const at = (dim: number, neuron: number) =>
    reads ? values[neuron * columns + dim]! : values[dim * columns + neuron]!;
  const width = reads ? columns : rows;
  for (let neuron = 0; neuron < neurons; neuron++) {
    let sum = 0;
    for (let dim = 0; dim < width; dim++) sum += at(dim, neuron) ** 2;
    norms[neuron] = Math.sqrt(sum) || 1;
  }
  for (let s = 0; s < samples.length; s++)
    for (let neuron = 0; neuron < neurons; neuron++)
      out[s * neurons + neuron] = at(samples[s]!, neuron) / norms[neuron]!;
  return out;
}

export function sampleDimensions(width: number): Int32Array {
  if (width <= MAX_GRAM_SAMPLES) return Int32Array.from({ length: width }, (_, i) => i);
  return Int32Array.from({ length: MAX_GRAM_SAMPLES }, (_, i) => Math.floor((i * width) / MAX_GRAM_SAMPLES));
}

export function copyGram(g: CenteredGram): CenteredGram {
  return { ...g, values: g.values.slice(), rowSums: g.rowSums.slice() };
}

/** Sum of Gram matrices = the Gram of both neuron sets side by side. Mutates and returns `into`. */
export function addGram(into: CenteredGram | undefined, next: CenteredGram): CenteredGram {
  if (into === undefined) return next;
  for (let i = 0; i < into.values.length; i++) into.values[i] = into.values[i]! + next.values[i]!;
  for (let i = 0; i < into.rowSums.length; i++) into.rowSums[i] = into.rowSums[i]! + next.rowSums[i]!;
  into.total += next.total;
  return into;
}

export interface LayerFeatures {
  grams: Map<MatrixKind, CenteredGram>;
  /** Per-expert MLP Grams (MoE layers only), keyed by expert index. */
  experts: Map<number, CenteredGram>;
}

/**
 * Grams of one layer. A MoE layer's MLP Gram sums its experts' Grams, i.e. all experts' neurons side by
 * side, so an upcycled layer still resembles the dense MLP it was copied from.
 */
export async function layerFeatures(
  reader: CountingReader,
  layer: number,
  basis: ResidualBasis | undefined,
  samples: Int32Array,
): Promise<LayerFeatures> {
  const grams = new Map<MatrixKind, CenteredGram>();
  const experts = new Map<number, CenteredGram>();
  const expertList = expertsOf(reader.model, layer);
  for (const kind of MATRIX_KINDS) {
    const owners =
      kind === "q" || kind === "k" || kind === "v" || kind === "o" || expertList.length === 0
        ? [undefined]
        : expertList;
    for (const expert of owners) {
      const name = canonicalNames(layer, kind, expert);
      const shape = reader.shape(name);
      if (shape === undefined || shape.length !== 2) continue;
      const axis: 0 | 1 = READS[kind] !== null ? 1 : 0;
      let values = await readFolded(reader, name, layer, kind);
      let aligned = shape;
      if (basis?.rotation !== undefined) {
        values = toReferenceBasis(values, shape, axis, basis);
        aligned = axis === 1 ? [shape[0]!, basis.rotation.columns] : [basis.rotation.columns, shape[1]!];
      }
      const width = axis === 1 ? aligned[1]! : aligned[0]!;
      if (samples.some((s) => s >= width)) continue;
      const neurons = axis === 1 ? aligned[0]! : aligned[1]!;
      const g = gram(features(values, aligned, kind, samples), samples.length, neurons);
      if (expert !== undefined) experts.set(expert, addGram(experts.get(expert), copyGram(g)));
      grams.set(kind, addGram(grams.get(kind), g));
    }
  }
  // Per-expert Grams: sum of that expert's gate/up/down.
  return { grams, experts };
}
