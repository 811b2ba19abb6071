/**
 * Red-team operations the transform library (`src/transform`) does not have, written as LlamaModel →
 * LlamaModel maps (lazy, through `derive`), plus writers for outputs it does not write (GGUF with a
 * tokenizer, llama2.c version 2, safetensors in shuffled order or in shards without an index).
 * Used only by `scripts/redteam/generate.ts`; every operation is seeded and reproducible.
 */
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type EncodableDtype, encodeFloat32 } from "../../src/formats/encode.js";
import { createEncoder } from "../../src/formats/gguf/encode.js";
import { floatToHalf } from "../../src/formats/gguf/half.js";
import { type GgufTensorSpec, type GgufTypedValue, gguf, writeGguf } from "../../src/formats/gguf/writer.js";
import { writeLlama2c } from "../../src/formats/llama2c/writer.js";
import { writeSafetensors } from "../../src/formats/safetensors/writer.js";
import type { Vocabulary } from "../../src/tokenizers/vocabulary.js";
import {
  derive,
  type LlamaConfig,
  type LlamaModel,
  layerOf,
  llamaShapes,
} from "../../src/transform/llama-model.js";
import { meanAndStd } from "../../src/transform/matrix.js";
import { storedName } from "../../src/transform/naming-schemes.js";
import { randomFor } from "../../src/transform/seeds.js";
import { llama2cHeader, readInOrder } from "../../src/transform/write.js";

export { pruneMlp } from "../../src/transform/prune-mlp.js";
export { newEmbedding, transplant } from "../../src/transform/transplant.js";
export { llamaHfConfig } from "../../src/transform/write.js";

/** Keep the listed reference layers, in order (drop: [0,1,3]; depth up-scaling: [0,1,2,1,2,3]). */
export function selectLayers(model: LlamaModel, layers: readonly number[]): LlamaModel {
  const config: LlamaConfig = { ...model.config, nLayers: layers.length };
  return derive(model, {
    step: `layers(${layers.join(",")})`,
    config: { nLayers: layers.length },
    shapes: llamaShapes(config),
    tensor(name, read) {
      const where = layerOf(name);
      return where === undefined ? undefined : read(`layers.${layers[where.layer]}.${where.part}`);
    },
  });
}

/** A training-like update: every layer matrix W + ΔW with ΔW of rank `rank` and ‖ΔW‖ = rel·‖W‖
 * (training updates are low-rank-ish and structured, unlike i.i.d. noise). Norm gains × (1 + rel·N/4). */
export function lowRankUpdate(model: LlamaModel, options: { rel: number; rank: number; seed: number }) {
  const { rel, rank, seed } = options;
  return derive(model, {
    step: `low-rank-update(rel=${rel}, rank=${rank}, seed=${seed})`,
    async tensor(name, read) {
      const shape = model.shapes.get(name);
      if (shape === undefined || name.startsWith("freqs_cis_")) return undefined;
      const w = await read(name);
      const random = randomFor(seed, `lr.${name}`);
      if (shape.length === 1) return w.map((v) => v * (1 + (rel / 4) * random.gaussian()));
      const [rows, cols] = shape as [number, number];
      const u = Float64Array.from({ length: rows * rank }, () => random.gaussian());
      const v = Float64Array.from({ length: cols * rank }, () => random.gaussian());
      const delta = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) {
          let s = 0;
          for (let k = 0; k < rank; k++) s += u[r * rank + k]! * v[c * rank + k]!;
          delta[r * cols + c] = s;
        }
      let wn = 0;
      let dn = 0;
      for (let i = 0; i < w.length; i++) {
        wn += w[i]! * w[i]!;
        dn += delta[i]! * delta[i]!;
      }
      const scale = (rel * Math.sqrt(wn)) / Math.sqrt(dn);
      return w.map((x, i) => x + scale * delta[i]!);
    },
  });
}

/** Element-wise (1−t)·A + t·B of two models of one blueprint (a merge). */
export function average(a: LlamaModel, b: LlamaModel, t = 0.5): LlamaModel {
  return derive(a, {
    step: `merge(t=${t})`,
    async tensor(name, read) {
      const x = await read(name);
      const y = await b.read(name);
      return x.map((v, i) => (1 - t) * v + t * y[i]!);
    },
  });
}

/** Put non-finite values into one tensor (a damaged or hostile file). */
export function poison(model: LlamaModel, tensor: string, values: number[]): LlamaModel {
  return derive(model, {
    step: `poison(${tensor})`,
    async tensor(name, read) {
      if (name !== tensor) return undefined;
      const out = Float32Array.from(await read(name));
      values.forEach((v, i) => {
        out[(i * 7919) % out.length] = v;
      });
      return out;
    },
  });
}

/** Store an explicit lm_head equal to the embedding (a tied model written untied: same function). */
export function untie(model: LlamaModel): LlamaModel {
  if (!model.config.tiedEmbeddings) return model;
  const config = { ...model.config, tiedEmbeddings: false };
  return derive(model, {
    step: "untie",
    config: { tiedEmbeddings: false },
    shapes: new Map([
      ...llamaShapes(config),
      ...[...model.shapes].filter(([n]) => n.startsWith("freqs_cis_")),
    ]),
    tensor: (name, read) => (name === "lm_head" ? read("embed") : undefined),
  });
}

/** Vocabulary operations on the embedding/head rows and the token list together. `order[newId]` = old id,
 * or -1 for a new token (fresh row drawn like the existing rows). */
export function remapVocabulary(
  model: LlamaModel,
  vocab: Vocabulary,
  order: readonly number[],
  newTokens: readonly string[],
  seed: number,
): { model: LlamaModel; vocab: Vocabulary } {
  const { dim } = model.config;
  let fresh = 0;
  const tokens = order.map((old) => (old >= 0 ? vocab.tokens[old]! : newTokens[fresh++]!));
  const kinds = order.map((old) => (old >= 0 ? vocab.kinds[old]! : "normal"));
  const scores =
    vocab.scores === undefined
      ? undefined
      : Float32Array.from(order, (old, i) => (old >= 0 ? vocab.scores![old]! : -1000 - i));
  const special: Record<string, number> = {};
  for (const [role, id] of Object.entries(vocab.special)) {
    const at = order.indexOf(id);
    if (at >= 0) special[role] = at;
  }
  const config = { ...model.config, vocabSize: order.length };
  const remapped = derive(model, {
    step: `vocab(${order.length} rows, ${newTokens.length} new)`,
    config: { vocabSize: order.length },
    shapes: new Map([
      ...llamaShapes(config),
      ...[...model.shapes].filter(([n]) => n.startsWith("freqs_cis_")),
    ]),
    async tensor(name, read) {
      if (name !== "embed" && name !== "lm_head") return undefined;
      const values = await read(name);
      const { mean, std } = meanAndStd(values);
      const random = randomFor(seed, `vocab.${name}`);
      const out = new Float32Array(order.length * dim);
      order.forEach((old, i) => {
        if (old >= 0) out.set(values.subarray(old * dim, (old + 1) * dim), i * dim);
        else for (let c = 0; c < dim; c++) out[i * dim + c] = mean + std * random.gaussian();
      });
      return out;
    },
  });
  return { model: remapped, vocab: { ...vocab, tokens, kinds, scores, special, merges: undefined } };
}

const GGUF_TOKEN_TYPE: Record<string, number> = {
  normal: 1,
  unknown: 2,
  control: 3,
  "user-defined": 4,
  unused: 5,
  byte: 6,
};

const GGUF_LAYER: Record<string, string> = {
  attn_norm: "attn_norm",
  "attn.q": "attn_q",
  "attn.k": "attn_k",
  "attn.v": "attn_v",
  "attn.o": "attn_output",
  mlp_norm: "ffn_norm",
  "mlp.gate": "ffn_gate",
  "mlp.up": "ffn_up",
  "mlp.down": "ffn_down",
};

function ggufName(canonical: string): string {
  if (canonical === "embed") return "token_embd.weight";
  if (canonical === "lm_head") return "output.weight";
  if (canonical === "final_norm") return "output_norm.weight";
  const where = layerOf(canonical)!;
  return `blk.${where.layer}.${GGUF_LAYER[where.part]}.weight`;
}

/** Write `model` as a llama.cpp-style GGUF v3 (llama.cpp names, interleaved q/k rows, norms F32, matrices
 * of `type` where their rows are whole 32-blocks, else F32 as llama.cpp falls back), with `vocab` in
 * `tokenizer.ggml.*` when given (a vocabulary-only file when `weights` is false). */
export async function writeGgufModel(
  model: LlamaModel | undefined,
  path: string,
  options: { type: string; vocab?: Vocabulary; weights?: boolean; config?: LlamaConfig },
): Promise<void> {
  const config = model?.config ?? options.config!;
  const metadata: [string, GgufTypedValue][] = [
    ["general.architecture", gguf.str("llama")],
    ["general.name", gguf.str("redteam")],
    ["llama.context_length", gguf.u32(config.maxSeqLen)],
    ["llama.embedding_length", gguf.u32(config.dim)],
    ["llama.block_count", gguf.u32(config.nLayers)],
    ["llama.feed_forward_length", gguf.u32(config.hiddenDim)],
    ["llama.attention.head_count", gguf.u32(config.nHeads)],
    ["llama.attention.head_count_kv", gguf.u32(config.nKvHeads)],
    ["llama.rope.freq_base", gguf.f32(config.ropeTheta)],
    ["llama.attention.layer_norm_rms_epsilon", gguf.f32(config.normEps)],
  ];
  const vocab = options.vocab;
  if (vocab !== undefined) {
    metadata.push(["tokenizer.ggml.model", gguf.str("llama")]);
    metadata.push(["tokenizer.ggml.tokens", gguf.array("string", vocab.tokens)]);
    metadata.push([
      "tokenizer.ggml.scores",
      gguf.array("float32", vocab.scores ?? new Float32Array(vocab.tokens.length)),
    ]);
    metadata.push([
      "tokenizer.ggml.token_type",
      gguf.array(
        "int32",
        Int32Array.from(vocab.kinds, (k) => GGUF_TOKEN_TYPE[k] ?? 1),
      ),
    ]);
    for (const role of ["bos", "eos", "unk"] as const)
      if (vocab.special[role] !== undefined)
        metadata.push([`tokenizer.ggml.${role}_token_id`, gguf.u32(vocab.special[role]!)]);
  }
  const tensors: GgufTensorSpec[] = [];
  if (model !== undefined && options.weights !== false) {
    const encode = EXTRA_ENCODERS[options.type] ?? createEncoder(options.type);
    const f32 = createEncoder("F32");
    for (const name of model.shapes.keys()) {
      if (name.startsWith("freqs_cis_")) continue;
      const shape = [...model.shapes.get(name)!];
      const quantizable = shape.length === 2 && shape[1]! % 32 === 0;
      const dtype =
        quantizable || !/^Q/.test(options.type) ? (shape.length === 1 ? "F32" : options.type) : "F32";
      const values = await readInOrder(model, name, "interleaved");
      tensors.push({
        name: ggufName(name),
        dtype,
        shape,
        data: dtype === options.type ? encode(values) : f32(values),
      });
    }
  }
  await mkdir(join(path, ".."), { recursive: true });
  await writeGguf(path, { metadata, tensors });
}

/** llama2.c version-2 (Q8_0) export of `model`, as llama2.c's `export.py --version 2` writes it. */
export async function writeLlama2cV2(model: LlamaModel, path: string, groupSize: number): Promise<void> {
  const canonical: Record<string, string> = Object.fromEntries(
    [...model.shapes.keys()].map((name) => [storedName("meta", name), name]),
  );
  await mkdir(join(path, ".."), { recursive: true });
  await writeLlama2c(path, llama2cHeader(model.config, 2, groupSize), (stored) =>
    readInOrder(model, canonical[stored] ?? stored, "interleaved"),
  );
}

/** HF Llama safetensors of `model` with tensors in a seeded random file order, or split into `shards`
 * files named model-0000N-of-0000M.safetensors (no index written), plus config.json and copied files. */
export async function writeHfCustom(
  model: LlamaModel,
  folder: string,
  options: {
    dtype: EncodableDtype;
    shuffleSeed?: number;
    shards?: number;
    config: Record<string, unknown> | undefined;
    copyFiles?: readonly [string, string][];
  },
): Promise<void> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  const names = [...model.shapes.keys()].filter((n) => !n.startsWith("freqs_cis_"));
  if (options.shuffleSeed !== undefined) {
    const perm = randomFor(options.shuffleSeed, "file-order").permutation(names.length);
    const shuffled = Array.from(perm, (i) => names[i]!);
    names.splice(0, names.length, ...shuffled);
  }
  const shards = options.shards ?? 1;
  const per = Math.ceil(names.length / shards);
  for (let s = 0; s < shards; s++) {
    const part = names.slice(s * per, (s + 1) * per);
    const file =
      shards === 1
        ? "model.safetensors"
        : `model-${String(s + 1).padStart(5, "0")}-of-${String(shards).padStart(5, "0")}.safetensors`;
    await writeSafetensors(
      join(folder, file),
      part.map((n) => ({
        name: storedName("hf-llama", n),
        dtype: options.dtype,
        shape: [...model.shapes.get(n)!],
      })),
      async (stored) => {
        const name = part.find((n) => storedName("hf-llama", n) === stored)!;
        return encodeFloat32(await readInOrder(model, name, "half"), options.dtype);
      },
      { format: "pt" },
    );
  }
  if (options.config !== undefined)
    await writeFile(join(folder, "config.json"), `${JSON.stringify(options.config, null, 2)}\n`);
  for (const [from, to] of options.copyFiles ?? []) await copyFile(from, join(folder, to));
}

// ── legacy GGML block quantizers our writer lacks (ggml's quantize_row_q4_1/q5_0/q5_1_ref, in float32) ──
const fr = Math.fround;

function putHalf(out: Uint8Array, at: number, value: number): void {
  const h = floatToHalf(value);
  out[at] = h & 0xff;
  out[at + 1] = h >> 8;
}

/** Min/max affine step of one 32-block with `levels` steps (ggml's Q4_1/Q5_1): the minimum, the step
 * d and its inverse, each rounded to f16 as stored. */
function affineBlock(x: Float32Array, levels: number): { min: number; d: number; id: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const d = fr((max - min) / levels);
  return { min, d, id: d !== 0 ? fr(1 / d) : 0 };
}

/** Q4_1 (d, m, 4-bit): min/max affine per 32-block. */
export function quantizeQ4_1(values: Float32Array): Uint8Array {
  const blocks = values.length / 32;
  const out = new Uint8Array(blocks * 20);
  for (let b = 0; b < blocks; b++) {
    const x = values.subarray(b * 32, b * 32 + 32);
    const { min, d, id } = affineBlock(x, 15);
    putHalf(out, b * 20, d);
    putHalf(out, b * 20 + 2, min);
    for (let j = 0; j < 16; j++) {
      const x0 = Math.min(15, Math.trunc(fr(fr((x[j]! - min) * id) + 0.5)));
      const x1 = Math.min(15, Math.trunc(fr(fr((x[j + 16]! - min) * id) + 0.5)));
      out[b * 20 + 4 + j] = x0 | (x1 << 4);
    }
  }
  return out;
}

function setU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

/** Q5_0 (d, 5-bit signed): the value of largest magnitude maps to -16. */
export function quantizeQ5_0(values: Float32Array): Uint8Array {
  const blocks = values.length / 32;
  const out = new Uint8Array(blocks * 22);
  for (let b = 0; b < blocks; b++) {
    const x = values.subarray(b * 32, b * 32 + 32);
    let amax = 0;
    let max = 0;
    for (const v of x)
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    const d = fr(max / -16);
    const id = d !== 0 ? fr(1 / d) : 0;
    putHalf(out, b * 22, d);
    let qh = 0;
    for (let j = 0; j < 16; j++) {
      const x0 = Math.min(31, Math.trunc(fr(fr(x[j]! * id) + 16.5)));
      const x1 = Math.min(31, Math.trunc(fr(fr(x[j + 16]! * id) + 16.5)));
      out[b * 22 + 6 + j] = (x0 & 0x0f) | ((x1 & 0x0f) << 4);
      qh |= ((x0 & 0x10) >>> 4) << j;
      qh |= ((x1 & 0x10) >>> 4) << (j + 16);
    }
    setU32(out, b * 22 + 2, qh >>> 0);
  }
  return out;
}

/** Q5_1 (d, m, 5-bit): min/max affine per 32-block. */
export function quantizeQ5_1(values: Float32Array): Uint8Array {
  const blocks = values.length / 32;
  const out = new Uint8Array(blocks * 24);
  for (let b = 0; b < blocks; b++) {
    const x = values.subarray(b * 32, b * 32 + 32);
    const { min, d, id } = affineBlock(x, 31);
    putHalf(out, b * 24, d);
    putHalf(out, b * 24 + 2, min);
    let qh = 0;
    for (let j = 0; j < 16; j++) {
      const x0 = Math.trunc(fr(fr((x[j]! - min) * id) + 0.5));
      const x1 = Math.trunc(fr(fr((x[j + 16]! - min) * id) + 0.5));
      out[b * 24 + 8 + j] = (x0 & 0x0f) | ((x1 & 0x0f) << 4);
      qh |= ((x0 & 0x10) >>> 4) << j;
      qh |= ((x1 & 0x10) >>> 4) << (j + 16);
    }
    setU32(out, b * 24 + 4, qh >>> 0);
  }
  return out;
}

export const EXTRA_ENCODERS: Record<string, (values: Float32Array) => Uint8Array> = {
  Q4_1: quantizeQ4_1,
  Q5_0: quantizeQ5_0,
  Q5_1: quantizeQ5_1,
};
