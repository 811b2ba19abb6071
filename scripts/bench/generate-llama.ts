/**
 * Generated Llama-style BF16 checkpoints for the benchmarks: Hugging Face folders (config.json,
 * model.safetensors, tokenizer.model) written tensor by tensor from a seeded generator, never a whole
 * model in memory. Weights N(0, 0.02) (a real init's scale), norms 1; a "suspect" is the same seed plus
 * N(0, std) noise.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeSafetensors } from "../../src/formats/safetensors/writer.js";
import { createRandom } from "../../src/transform/random.js";

export const INIT_STD = 0.02;

export interface Shape {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  mlp: number;
  vocab: number;
}

interface TensorPlan {
  name: string;
  shape: number[];
  norm: boolean;
}

export function plan(s: Shape): TensorPlan[] {
  const kv = (s.hidden / s.heads) * s.kvHeads;
  const t: TensorPlan[] = [{ name: "model.embed_tokens.weight", shape: [s.vocab, s.hidden], norm: false }];
  for (let i = 0; i < s.layers; i++) {
    const p = `model.layers.${i}`;
    t.push(
      { name: `${p}.input_layernorm.weight`, shape: [s.hidden], norm: true },
      { name: `${p}.self_attn.q_proj.weight`, shape: [s.hidden, s.hidden], norm: false },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kv, s.hidden], norm: false },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kv, s.hidden], norm: false },
      { name: `${p}.self_attn.o_proj.weight`, shape: [s.hidden, s.hidden], norm: false },
      { name: `${p}.post_attention_layernorm.weight`, shape: [s.hidden], norm: true },
      { name: `${p}.mlp.gate_proj.weight`, shape: [s.mlp, s.hidden], norm: false },
      { name: `${p}.mlp.up_proj.weight`, shape: [s.mlp, s.hidden], norm: false },
      { name: `${p}.mlp.down_proj.weight`, shape: [s.hidden, s.mlp], norm: false },
    );
  }
  t.push(
    { name: "model.norm.weight", shape: [s.hidden], norm: true },
    { name: "lm_head.weight", shape: [s.vocab, s.hidden], norm: false },
  );
  return t;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float → bf16 bits, round to nearest even (the values here are finite). */
function bf16(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** One tensor's BF16 bytes: weights from `seed`, plus noise of std `noiseStd` from `noiseSeed`. */
function tensorBytes(t: TensorPlan, index: number, seed: number, noiseStd: number, noiseSeed: number) {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const words = new Uint16Array(n);
  const weights = createRandom(seed * 100_003 + index);
  const noise = noiseStd > 0 ? createRandom(noiseSeed * 100_003 + index) : undefined;
  for (let i = 0; i < n; i++) {
    let v = t.norm ? 1 : weights.gaussian() * INIT_STD;
    if (noise !== undefined) v += noise.gaussian() * noiseStd;
    words[i] = bf16(v);
  }
  return new Uint8Array(words.buffer);
}

export async function writeModel(
  folder: string,
  shape: Shape,
  tokenizer: string,
  seed: number,
  noise?: { std: number; seed: number },
) {
  await mkdir(folder, { recursive: true });
  const config = {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    hidden_size: shape.hidden,
    intermediate_size: shape.mlp,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    vocab_size: shape.vocab,
    max_position_embeddings: 4096,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    hidden_act: "silu",
    tie_word_embeddings: false,
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: "bfloat16",
  };
  await writeFile(join(folder, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  await copyFile(tokenizer, join(folder, "tokenizer.model"));
  const tensors = plan(shape);
  const index = new Map(tensors.map((t, i) => [t.name, i]));
  await writeSafetensors(
    join(folder, "model.safetensors"),
    tensors.map((t) => ({ name: t.name, dtype: "BF16", shape: t.shape })),
    (name) => {
      const i = index.get(name)!;
      return tensorBytes(tensors[i]!, i, seed, noise?.std ?? 0, noise?.seed ?? 0);
    },
    { format: "pt" },
  );
}

/** Command-line options shared by the benchmarks that generate a model (defaults: ~1.1B parameters). */
export const SHAPE_OPTIONS = {
  hidden: { type: "string", default: "2048" },
  layers: { type: "string", default: "18" },
  heads: { type: "string", default: "16" },
  "kv-heads": { type: "string", default: "8" },
  mlp: { type: "string", default: "5632" },
  vocab: { type: "string", default: "32000" },
  noise: { type: "string", default: "0.1" },
  dir: { type: "string" },
  keep: { type: "boolean", default: false },
} as const;

/** The shape those options give (`vocab` is `smallVocab` when the Llama-2 tokenizer is absent). */
export function shapeFrom(values: Record<string, string | boolean | undefined>, smallVocab?: number): Shape {
  return {
    hidden: Number(values.hidden),
    layers: Number(values.layers),
    heads: Number(values.heads),
    kvHeads: Number(values["kv-heads"]),
    mlp: Number(values.mlp),
    vocab: smallVocab ?? Number(values.vocab),
  };
}
