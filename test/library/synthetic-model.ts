/** In-memory canonical models with random weights, and the function-preserving transforms tests apply. */
import type { ArchitectureSummary } from "../../src/architecture/summary.js";
import { ANCHOR_CANDIDATES } from "../../src/fingerprint/anchors.js";
import { multiply } from "../../src/fingerprint/weights-linalg.js";
import { gatherRows, matrixView } from "../../src/formats/tensor-store.js";
import type { CanonicalModel, CanonicalTensor } from "../../src/naming/canonical-model.js";
import { seededRandom } from "../../src/stats/rng.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";

export interface Shape {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  inter: number;
  vocab: number;
}

export const SMALL: Shape = { hidden: 32, layers: 3, heads: 4, kvHeads: 2, inter: 48, vocab: 300 };

export interface SyntheticModel {
  shape: Shape;
  tensors: Map<string, { shape: number[]; data: Float32Array }>;
  tokens: string[];
}

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function randomMatrix(rows: number, cols: number, random: () => number, scale = 1): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = gaussian(random) * scale;
  return out;
}

export function randomModel(seed: number, shape: Shape = SMALL): SyntheticModel {
  const random = seededRandom(seed);
  const headDim = shape.hidden / shape.heads;
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  const put = (name: string, dims: number[], data: Float32Array) => tensors.set(name, { shape: dims, data });
  put("embed", [shape.vocab, shape.hidden], randomMatrix(shape.vocab, shape.hidden, random));
  for (let l = 0; l < shape.layers; l++) {
    const norm = new Float32Array(shape.hidden).map(() => 1 + 0.2 * gaussian(random));
    put(`layers.${l}.attn_norm`, [shape.hidden], norm);
    put(
      `layers.${l}.mlp_norm`,
      [shape.hidden],
      new Float32Array(shape.hidden).map(() => 1 + 0.2 * gaussian(random)),
    );
    put(
      `layers.${l}.attn.q`,
      [shape.hidden, shape.hidden],
      randomMatrix(shape.hidden, shape.hidden, random, 0.2),
    );
    put(
      `layers.${l}.attn.k`,
      [shape.kvHeads * headDim, shape.hidden],
      randomMatrix(shape.kvHeads * headDim, shape.hidden, random, 0.2),
    );
    put(
      `layers.${l}.attn.v`,
      [shape.kvHeads * headDim, shape.hidden],
      randomMatrix(shape.kvHeads * headDim, shape.hidden, random, 0.2),
    );
    put(
      `layers.${l}.attn.o`,
      [shape.hidden, shape.hidden],
      randomMatrix(shape.hidden, shape.hidden, random, 0.2),
    );
    put(
      `layers.${l}.mlp.up`,
      [shape.inter, shape.hidden],
      randomMatrix(shape.inter, shape.hidden, random, 0.2),
    );
    put(
      `layers.${l}.mlp.gate`,
      [shape.inter, shape.hidden],
      randomMatrix(shape.inter, shape.hidden, random, 0.2),
    );
    put(
      `layers.${l}.mlp.down`,
      [shape.hidden, shape.inter],
      randomMatrix(shape.hidden, shape.inter, random, 0.2),
    );
  }
  const tokens = ANCHOR_CANDIDATES.slice(0, shape.vocab).map((t) => t.replaceAll(" ", "\u2581"));
  while (tokens.length < shape.vocab) tokens.push(`<extra_${tokens.length}>`);
  return { shape, tensors, tokens };
}

/** Add Gaussian noise of `relative` × each tensor's own scale (a stand-in for fine-tuning). */
export function noised(model: SyntheticModel, relative: number, seed: number): SyntheticModel {
  const random = seededRandom(seed);
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of model.tensors) {
    let sumSq = 0;
    for (const v of t.data) sumSq += v * v;
    const scale = Math.sqrt(sumSq / t.data.length) * relative;
    tensors.set(name, { shape: t.shape, data: t.data.map((v) => v + gaussian(random) * scale) });
  }
  return { ...model, tensors };
}

function randomOrthogonal(n: number, random: () => number): Float32Array {
  const q = randomMatrix(n, n, random);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let t = 0; t < n; t++) dot += q[i * n + t]! * q[j * n + t]!;
      for (let t = 0; t < n; t++) q[i * n + t]! -= dot * q[j * n + t]!;
    }
    let norm = 0;
    for (let t = 0; t < n; t++) norm += q[i * n + t]! ** 2;
    for (let t = 0; t < n; t++) q[i * n + t]! /= Math.sqrt(norm);
  }
  return q;
}

function transpose(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j]!;
  return out;
}

/**
 * Rotate the residual stream by a random orthogonal R, folding each norm weight into the matrices
 * that read it (the norms become 1): the model computes exactly the same function.
 */
export function rotated(model: SyntheticModel, seed: number): SyntheticModel {
  const { hidden, inter } = model.shape;
  const r = randomOrthogonal(hidden, seededRandom(seed));
  const rt = transpose(r, hidden, hidden);
  const tensors = new Map(model.tensors);
  const get = (name: string) => model.tensors.get(name)!;
  const readSide = (name: string, norm: Float32Array) => {
    const t = get(name);
    const rows = t.shape[0]!;
    const scaled = t.data.map((v, i) => v * norm[i % hidden]!);
    tensors.set(name, { shape: t.shape, data: multiply(scaled, rows, hidden, r, hidden) });
  };
  const e = get("embed");
  tensors.set("embed", { shape: e.shape, data: multiply(e.data, e.shape[0]!, hidden, r, hidden) });
  for (let l = 0; l < model.shape.layers; l++) {
    const attnNorm = get(`layers.${l}.attn_norm`).data;
    const mlpNorm = get(`layers.${l}.mlp_norm`).data;
    for (const p of ["q", "k", "v"]) readSide(`layers.${l}.attn.${p}`, attnNorm);
    for (const p of ["up", "gate"]) readSide(`layers.${l}.mlp.${p}`, mlpNorm);
    tensors.set(`layers.${l}.attn_norm`, { shape: [hidden], data: new Float32Array(hidden).fill(1) });
    tensors.set(`layers.${l}.mlp_norm`, { shape: [hidden], data: new Float32Array(hidden).fill(1) });
    const o = get(`layers.${l}.attn.o`);
    tensors.set(`layers.${l}.attn.o`, { shape: o.shape, data: multiply(rt, hidden, hidden, o.data, hidden) });
    const down = get(`layers.${l}.mlp.down`);
    tensors.set(`layers.${l}.mlp.down`, {
      shape: down.shape,
      data: multiply(rt, hidden, hidden, down.data, inter),
    });
  }
  return { ...model, tensors };
}

/** Renumber the vocabulary (tokens and embedding rows) by a random permutation: another tokenizer's ids. */
export function renumbered(model: SyntheticModel, seed: number): SyntheticModel {
  const random = seededRandom(seed);
  const order = model.tokens.map((_, i) => i).sort(() => random() - 0.5);
  const e = model.tensors.get("embed")!;
  const hidden = model.shape.hidden;
  const data = new Float32Array(e.data.length);
  order.forEach((from, to) => {
    data.set(e.data.subarray(from * hidden, (from + 1) * hidden), to * hidden);
  });
  const tensors = new Map(model.tensors);
  tensors.set("embed", { shape: e.shape, data });
  return { ...model, tensors, tokens: order.map((i) => model.tokens[i]!) };
}

export function asCanonical(
  model: SyntheticModel,
  path = "synthetic",
): { model: CanonicalModel; vocabulary: Vocabulary } {
  const { shape } = model;
  const architecture: ArchitectureSummary = {
    family: "llama",
    hiddenSize: shape.hidden,
    numLayers: shape.layers,
    numHeads: shape.heads,
    numKvHeads: shape.kvHeads,
    intermediateSize: shape.inter,
    vocabSize: shape.vocab,
    numExperts: undefined,
    headDim: shape.hidden / shape.heads,
    tieWordEmbeddings: true,
    sources: ["synthetic"],
  };
  const tensors: CanonicalTensor[] = [...model.tensors].map(([name, t]) => {
    const layer = /^layers\.(\d+)\./.exec(name)?.[1];
    return {
      canonical: name,
      layer: layer === undefined ? undefined : Number(layer),
      shape: t.shape,
      source: { name, dtype: "F32", shape: t.shape, file: path, offset: 0, byteLength: t.data.length * 4 },
      transforms: [],
      convention: "synthetic",
    };
  });
  const byName = new Map(tensors.map((t) => [t.canonical, t]));
  const read = async (name: string) => Float32Array.from(model.tensors.get(name)!.data);
  return {
    model: {
      architecture,
      tensors,
      unrecognised: [],
      scales: [],
      notes: [],
      noWeights: undefined,
      // A source without files: the model lives in memory (no row reads by position, no store reads).
      source: {
        path,
        format: "safetensors",
        store: { readRows: undefined },
      } as unknown as CanonicalModel["source"],
      get: (name) => byName.get(name),
      read,
      readRows: async (name, rows) =>
        gatherRows(await read(name), matrixView(byName.get(name)!.shape).cols, rows),
      close: async () => {},
    },
    vocabulary: {
      source: { file: path, format: "sentencepiece" },
      model: "bpe",
      convention: "metaspace",
      tokens: model.tokens,
      scores: undefined,
      kinds: model.tokens.map(() => "normal"),
      merges: undefined,
      special: {},
      preTokenizer: undefined,
    },
  };
}
