/**
 * Build a model fingerprint from the canonical view of a checkpoint and its vocabulary. Reads one
 * tensor at a time: the embedding, then each layer's attention, MLP (or experts) and norms.
 */
import { createHash } from "node:crypto";
import type { CanonicalModel } from "../naming/canonical-model.js";
import type { ProgressOptions } from "../progress.js";
import type { Vocabulary } from "../tokenizers/vocabulary.js";
import {
  FINGERPRINT_FORMAT,
  FINGERPRINT_VERSION,
  type LayerInvariants,
  type ModelFingerprint,
  type TokenizerSummary,
  type WeakProfiles,
} from "./model-fingerprint.js";
import { unitRows } from "./signatures.js";
import { MAX_FINGERPRINT_ANCHORS, MAX_LAYER_ANCHORS, selectAnchors } from "./weights-anchors.js";
import {
  mlpInvariantMatrix,
  queryKeyInvariant,
  valueOutputInvariant,
  type Weight,
} from "./weights-invariants.js";
import { multiplyTransposed, scaleColumns, symmetricUpper } from "./weights-linalg.js";
import { quantizeTriangle } from "./weights-quantize.js";

/** The part of a canonical model the fingerprint reads (CanonicalModel satisfies it). */
export type FingerprintModel = Pick<CanonicalModel, "architecture" | "tensors" | "get" | "read"> & {
  source: { path: string; format: string };
};

export interface FingerprintOptions extends ProgressOptions {
  maxAnchors?: number;
  maxLayerAnchors?: number;
  /** Timestamp to record (tests pass a fixed one). */
  createdAt?: string;
}

function sha256(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

export function summariseTokenizer(vocabulary: Vocabulary): TokenizerSummary {
  return {
    size: vocabulary.tokens.length,
    convention: vocabulary.convention,
    model: vocabulary.model,
    tokenSetHash: sha256([...new Set(vocabulary.tokens)].sort()),
    tokenListHash: sha256(vocabulary.tokens),
  };
}

async function readWeight(model: FingerprintModel, name: string): Promise<Weight | undefined> {
  const info = model.get(name);
  if (info === undefined || info.shape.length !== 2) return undefined;
  return { data: await model.read(name), rows: info.shape[0]!, cols: info.shape[1]! };
}

async function readVector(model: FingerprintModel, name: string): Promise<Float32Array | undefined> {
  const info = model.get(name);
  return info === undefined || info.shape.length !== 1 ? undefined : model.read(name);
}

function standardDeviation(values: Float32Array): number | null {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= Math.max(1, values.length);
  let sum = 0;
  for (const v of values) sum += (v - mean) ** 2;
  return values.length === 0 ? null : Math.sqrt(sum / values.length);
}

function mean(values: Float32Array | undefined): number | null {
  if (values === undefined || values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function layerCount(model: FingerprintModel): number {
  let max = -1;
  for (const tensor of model.tensors) if (tensor.layer !== undefined) max = Math.max(max, tensor.layer);
  return Math.max(max + 1, model.architecture.numLayers ?? 0);
}

function recordStd(
  weak: WeakProfiles,
  key: keyof WeakProfiles["std"],
  layer: number,
  weight: Weight | undefined,
): void {
  const list = weak.std[key] ?? [];
  weak.std[key] = list;
  list[layer] = weight === undefined ? null : standardDeviation(weight.data);
}

/** Sum of the MLP invariant over a dense MLP or over every expert of a MoE layer. */
async function mlpInvariant(
  model: FingerprintModel,
  layer: number,
  x: Float32Array,
  readout: Float32Array,
  k: number,
  hidden: number,
  weak: WeakProfiles,
): Promise<Float64Array | undefined> {
  const prefixes: string[] = [];
  if (model.get(`layers.${layer}.mlp.up`) !== undefined) prefixes.push(`layers.${layer}.mlp`);
  for (let e = 0; model.get(`layers.${layer}.moe.experts.${e}.up`) !== undefined; e++) {
    prefixes.push(`layers.${layer}.moe.experts.${e}`);
  }
  let total: Float32Array | undefined;
  for (const prefix of prefixes) {
    const up = await readWeight(model, `${prefix}.up`);
    const down = await readWeight(model, `${prefix}.down`);
    if (prefix === prefixes[0]) {
      recordStd(weak, "up", layer, up);
      recordStd(weak, "down", layer, down);
    }
    if (up === undefined || down === undefined) continue;
    const matrix = mlpInvariantMatrix(x, readout, k, hidden, up, down);
    if (matrix === undefined) continue;
    if (total === undefined) total = matrix;
    else for (let i = 0; i < total.length; i++) total[i]! += matrix[i]!;
  }
  return total === undefined ? undefined : symmetricUpper(total, k);
}

/** Fingerprint one model. Without a vocabulary there are no anchors, so only architecture and weak profiles. */
export async function buildFingerprint(
  model: FingerprintModel,
  vocabulary: Vocabulary | undefined,
  options: FingerprintOptions = {},
): Promise<ModelFingerprint> {
  const notes: string[] = [];
  const weak: WeakProfiles = { std: {}, attnNormMean: [], mlpNormMean: [] };
  const fingerprint: ModelFingerprint = {
    format: FINGERPRINT_FORMAT,
    version: FINGERPRINT_VERSION,
    createdAt: options.createdAt ?? new Date().toISOString(),
    source: { path: model.source.path, format: model.source.format },
    architecture: model.architecture,
    tokenizer: vocabulary === undefined ? null : summariseTokenizer(vocabulary),
    anchors: [],
    layerAnchors: 0,
    embedding: null,
    head: null,
    layers: [],
    weak,
    notes,
  };
  const embed = await readWeight(model, "embed");
  if (vocabulary === undefined) notes.push("no tokenizer found: no anchor tokens, so no weight invariants");
  if (embed === undefined) notes.push("no token embedding tensor: no weight invariants");
  if (vocabulary === undefined || embed === undefined) return fingerprint;

  const hidden = embed.cols;
  const selection = selectAnchors(
    vocabulary.tokens,
    vocabulary.convention,
    vocabulary.kinds,
    options.maxAnchors ?? MAX_FINGERPRINT_ANCHORS,
    embed.rows,
  );
  const n = selection.anchors.length;
  if (n < 8) {
    notes.push(`only ${n} anchor tokens in the vocabulary: too few for weight invariants`);
    return fingerprint;
  }
  fingerprint.anchors = selection.anchors;
  const anchorRows = unitRows(embed.data, hidden, selection.ids);
  fingerprint.embedding = quantizeTriangle(
    symmetricUpper(multiplyTransposed(anchorRows, n, hidden, anchorRows, n), n),
    n,
  );
  const head = await readWeight(model, "lm_head");
  if (head !== undefined && head.cols === hidden && head.rows >= Math.max(...selection.ids) + 1) {
    const headRows = unitRows(head.data, hidden, selection.ids);
    fingerprint.head = quantizeTriangle(
      symmetricUpper(multiplyTransposed(headRows, n, hidden, headRows, n), n),
      n,
    );
  }

  const k = Math.min(n, options.maxLayerAnchors ?? MAX_LAYER_ANCHORS);
  fingerprint.layerAnchors = k;
  const readout = anchorRows.subarray(0, k * hidden);
  const headDim =
    model.architecture.headDim ??
    (model.architecture.numHeads ? hidden / model.architecture.numHeads : undefined);
  const layers = layerCount(model);
  for (let layer = 0; layer < layers; layer++) {
    options.onProgress?.({ task: "fingerprinting", done: layer, total: layers, unit: "layers" });
    const entry: LayerInvariants = { layer };
    const attnNorm = await readVector(model, `layers.${layer}.attn_norm`);
    const mlpNorm = await readVector(model, `layers.${layer}.mlp_norm`);
    weak.attnNormMean[layer] = mean(attnNorm);
    weak.mlpNormMean[layer] = mean(mlpNorm);
    const attnInput = scaleColumns(readout, hidden, attnNorm?.length === hidden ? attnNorm : undefined);
    const q = await readWeight(model, `layers.${layer}.attn.q`);
    const key = await readWeight(model, `layers.${layer}.attn.k`);
    recordStd(weak, "q", layer, q);
    recordStd(weak, "k", layer, key);
    const qk = q && key ? queryKeyInvariant(attnInput, k, hidden, q, key, headDim) : undefined;
    if (qk !== undefined) entry.qk = quantizeTriangle(qk, k);
    const v = await readWeight(model, `layers.${layer}.attn.v`);
    const o = await readWeight(model, `layers.${layer}.attn.o`);
    recordStd(weak, "v", layer, v);
    recordStd(weak, "o", layer, o);
    const ov = v && o ? valueOutputInvariant(attnInput, readout, k, hidden, v, o, headDim) : undefined;
    if (ov !== undefined) entry.ov = quantizeTriangle(ov, k);
    const mlpInput = scaleColumns(readout, hidden, mlpNorm?.length === hidden ? mlpNorm : undefined);
    const mlp = await mlpInvariant(model, layer, mlpInput, readout, k, hidden, weak);
    if (mlp !== undefined) entry.mlp = quantizeTriangle(mlp, k);
    if (entry.qk === undefined && entry.ov === undefined && entry.mlp === undefined) {
      notes.push(`layer ${layer}: no attention or MLP tensors the invariants could use`);
    }
    fingerprint.layers.push(entry);
  }
  return fingerprint;
}
