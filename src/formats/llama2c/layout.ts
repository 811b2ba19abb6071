/**
 * Where each tensor of a llama2.c checkpoint lives, computed from the header alone, with Meta's original
 * parameter names (the names llama2.c's `export.py` reads from `model.py`). Shapes are PyTorch
 * nn.Linear order [out, in]; llama2.c's matmul `xout[i] = Σ_j W[i·n + j]·x[j]` uses the same layout.
 */
import type { Llama2cHeader } from "./header.js";

export type Llama2cEncoding =
  | { kind: "f32" }
  /** Version 2: `count` int8 values at `offset`, then at `scaleOffset` (right after them) one float32
   * scale per group of `groupSize` values. */
  | { kind: "q8"; scaleOffset: number; groupSize: number };

export interface Llama2cTensor {
  name: string;
  shape: number[];
  /** Absolute offset of the first value (float32, or int8 for q8). */
  offset: number;
  /** Bytes of values at `offset` (scales not included). */
  byteLength: number;
  encoding: Llama2cEncoding;
}

export interface Llama2cLayout {
  tensors: Llama2cTensor[];
  /** Total bytes the header says the file must have. */
  expectedBytes: number;
}

interface Spec {
  name: string;
  shape: number[];
  /** Quantized in version 2 (everything but the norms; freqs do not exist there). */
  quantized: boolean;
}

const count = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function perLayer(
  h: Llama2cHeader,
  name: (i: number) => string,
  shape: number[],
  quantized: boolean,
): Spec[] {
  return Array.from({ length: h.nLayers }, (_, i) => ({ name: name(i), shape, quantized }));
}

/** The tensors in the order export.py writes them, for the header's version. */
function fileOrder(h: Llama2cHeader): Spec[] {
  const headSize = h.dim / h.nHeads;
  const kvDim = h.nKvHeads * headSize;
  const embedding: Spec = { name: "tok_embeddings.weight", shape: [h.vocabSize, h.dim], quantized: true };
  const attentionNorm = perLayer(h, (i) => `layers.${i}.attention_norm.weight`, [h.dim], false);
  const ffnNorm = perLayer(h, (i) => `layers.${i}.ffn_norm.weight`, [h.dim], false);
  const finalNorm: Spec = { name: "norm.weight", shape: [h.dim], quantized: false };
  const matrices = [
    ...perLayer(h, (i) => `layers.${i}.attention.wq.weight`, [h.dim, h.dim], true),
    ...perLayer(h, (i) => `layers.${i}.attention.wk.weight`, [kvDim, h.dim], true),
    ...perLayer(h, (i) => `layers.${i}.attention.wv.weight`, [kvDim, h.dim], true),
    ...perLayer(h, (i) => `layers.${i}.attention.wo.weight`, [h.dim, h.dim], true),
  ];
  const w1 = perLayer(h, (i) => `layers.${i}.feed_forward.w1.weight`, [h.hiddenDim, h.dim], true);
  const w2 = perLayer(h, (i) => `layers.${i}.feed_forward.w2.weight`, [h.dim, h.hiddenDim], true);
  const w3 = perLayer(h, (i) => `layers.${i}.feed_forward.w3.weight`, [h.hiddenDim, h.dim], true);
  const output: Spec[] = h.sharedClassifier
    ? []
    : [{ name: "output.weight", shape: [h.vocabSize, h.dim], quantized: true }];
  if (h.version === 0) {
    const freqs = [h.seqLen, headSize / 2];
    const attention = matrices;
    return [
      embedding,
      ...attentionNorm,
      ...attention,
      ...ffnNorm,
      ...w1,
      ...w2,
      ...w3,
      finalNorm,
      { name: "freqs_cis_real", shape: freqs, quantized: false },
      { name: "freqs_cis_imag", shape: freqs, quantized: false },
      ...output,
    ];
  }
  return [...attentionNorm, ...ffnNorm, finalNorm, embedding, ...matrices, ...w1, ...w2, ...w3, ...output];
}

export function llama2cLayout(h: Llama2cHeader): Llama2cLayout {
  const specs = fileOrder(h);
  const tensors: Llama2cTensor[] = [];
  let offset = h.headerBytes;
  if (h.version !== 2) {
    for (const spec of specs) {
      const byteLength = count(spec.shape) * 4;
      tensors.push({ name: spec.name, shape: spec.shape, offset, byteLength, encoding: { kind: "f32" } });
      offset += byteLength;
    }
    return { tensors, expectedBytes: offset };
  }
  // Version 2 (export.py `version2_export`, read by runq.c `memory_map_weights`): the fp32 norms first,
  // then each quantized tensor as its int8 values immediately followed by its own float32 scales (one
  // per group of `group_size` consecutive values, groups running across rows).
  const groupSize = h.groupSize!;
  for (const spec of specs.filter((s) => !s.quantized)) {
    const byteLength = count(spec.shape) * 4;
    tensors.push({ name: spec.name, shape: spec.shape, offset, byteLength, encoding: { kind: "f32" } });
    offset += byteLength;
  }
  for (const spec of specs.filter((s) => s.quantized)) {
    const n = count(spec.shape);
    tensors.push({
      name: spec.name,
      shape: spec.shape,
      offset,
      byteLength: n,
      encoding: { kind: "q8", scaleOffset: offset + n, groupSize },
    });
    offset += n + (n / groupSize) * 4;
  }
  return { tensors, expectedBytes: offset };
}

/** Presentation order: embedding, each layer's tensors together, final norm, classifier, rotary tables. */
export function presentationOrder(tensors: readonly Llama2cTensor[]): Llama2cTensor[] {
  const rank = (name: string): [number, number] => {
    const layer = /^layers\.(\d+)\./.exec(name);
    if (name === "tok_embeddings.weight") return [-1, 0];
    if (layer !== null) return [Number(layer[1]), LAYER_ORDER.findIndex((part) => name.endsWith(part))];
    return [1e9, TAIL_ORDER.indexOf(name)];
  };
  return [...tensors].sort((a, b) => {
    const [la, pa] = rank(a.name);
    const [lb, pb] = rank(b.name);
    return la - lb || pa - pb;
  });
}

const LAYER_ORDER = [
  "attention_norm.weight",
  "attention.wq.weight",
  "attention.wk.weight",
  "attention.wv.weight",
  "attention.wo.weight",
  "ffn_norm.weight",
  "feed_forward.w1.weight",
  "feed_forward.w2.weight",
  "feed_forward.w3.weight",
];
const TAIL_ORDER = ["norm.weight", "output.weight", "freqs_cis_real", "freqs_cis_imag"];
