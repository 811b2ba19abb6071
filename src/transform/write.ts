/**
 * Write a LlamaModel to disk as a Hugging Face folder (config.json + model.safetensors) or a llama2.c
 * `.bin`, honouring its storage layout (names, transposition, fused projections, dtype) and converting
 * q/k rows to the rotary order the output convention expects (Meta names and llama2.c: interleaved;
 * Hugging Face names: half), so the written model computes the same function.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { UsageError } from "../errors.js";
import { writeLlama2c } from "../formats/llama2c/writer.js";
import { writeHfFolder } from "../formats/safetensors/writer.js";
import { headDim, type LlamaConfig, type LlamaModel, layerOf, type RopeOrder } from "./llama-model.js";
import { transpose } from "./matrix.js";
import { storedName } from "./naming-schemes.js";
import { convertRopeRows } from "./rope-order.js";

export type OutputFormat = "hf" | "llama2c";

export interface WriteOptions {
  format: OutputFormat;
  /** Files copied beside the weights (tokenizer files of the source, for HF output). */
  copyFiles?: readonly string[];
}

/** Canonical-layout values of `name` with q/k rows in the `order` rotary layout (what a writer of that
 * convention stores). */
export async function readInOrder(model: LlamaModel, name: string, order: RopeOrder): Promise<Float32Array> {
  const values = await model.read(name);
  const part = layerOf(name)?.part;
  if (part !== "attn.q" && part !== "attn.k") return values;
  const heads = part === "attn.q" ? model.config.nHeads : model.config.nKvHeads;
  return convertRopeRows(
    values,
    model.config.dim,
    heads,
    headDim(model.config),
    model.config.ropeOrder,
    order,
  );
}

/** The llama2.c header of a Llama model of this blueprint: legacy (version 0) or Q8_0 (version 2, with
 * its group size). */
export function llama2cHeader(config: LlamaConfig, version: 0 | 2, groupSize: number | undefined) {
  return {
    version,
    dim: config.dim,
    hiddenDim: config.hiddenDim,
    nLayers: config.nLayers,
    nHeads: config.nHeads,
    nKvHeads: config.nKvHeads,
    vocabSize: config.vocabSize,
    seqLen: config.maxSeqLen,
    sharedClassifier: config.tiedEmbeddings,
    groupSize,
  };
}

/** The HF config.json of a Llama model of this blueprint; `extra` keys are added or replace ours (in
 * place: `architectures` and `model_type` stay first). */
export function llamaHfConfig(
  config: LlamaConfig,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    hidden_size: config.dim,
    intermediate_size: config.hiddenDim,
    num_hidden_layers: config.nLayers,
    num_attention_heads: config.nHeads,
    num_key_value_heads: config.nKvHeads,
    vocab_size: config.vocabSize,
    max_position_embeddings: config.maxSeqLen,
    rms_norm_eps: config.normEps,
    rope_theta: config.ropeTheta,
    hidden_act: "silu",
    tie_word_embeddings: config.tiedEmbeddings,
    ...extra,
  };
}

function hfConfig(model: LlamaModel): Record<string, unknown> {
  const { config, storage } = model;
  const architecture =
    storage.fused === "phi3"
      ? ["Phi3ForCausalLM", "phi3"]
      : storage.fused === "baichuan"
        ? ["BaichuanForCausalLM", "baichuan"]
        : storage.naming === "yi"
          ? ["YiForCausalLM", "Yi"]
          : ["LlamaForCausalLM", "llama"];
  return llamaHfConfig(config, {
    architectures: [architecture[0]],
    model_type: architecture[1],
    torch_dtype: { F32: "float32", F16: "float16", BF16: "bfloat16" }[storage.dtype],
    lineage_transforms: model.history,
  });
}

interface StoredTensor {
  name: string;
  shape: number[];
  read: () => Promise<Float32Array>;
}

/** The tensors as they will be stored in a HF folder. */
function hfTensors(model: LlamaModel): StoredTensor[] {
  const storage = { ...model.storage, naming: model.storage.naming ?? "hf-llama" };
  const order: RopeOrder = storage.naming === "meta" ? "interleaved" : "half";
  const out: StoredTensor[] = [];
  const plain = (name: string): StoredTensor => ({
    name: storedName(storage.naming, name),
    shape: [...model.shapes.get(name)!],
    read: () => readInOrder(model, name, order),
  });
  const fused = (name: string, parts: string[]): StoredTensor => {
    const shapes = parts.map((part) => model.shapes.get(part)!);
    return {
      name,
      shape: [shapes.reduce((sum, shape) => sum + shape[0]!, 0), shapes[0]![1]!],
      read: async () => {
        const values = await Promise.all(parts.map((part) => readInOrder(model, part, order)));
        const joined = new Float32Array(values.reduce((sum, v) => sum + v.length, 0));
        let at = 0;
        for (const v of values) {
          joined.set(v, at);
          at += v.length;
        }
        return joined;
      },
    };
  };
  for (const name of model.shapes.keys()) {
    if (name.startsWith("freqs_cis_")) continue;
    const where = layerOf(name);
    const prefix = `model.layers.${where?.layer}`;
    if (storage.fused !== undefined && where !== undefined) {
      if (where.part === "attn.k" || where.part === "attn.v") continue;
      if (where.part === "attn.q") {
        const parts = ["attn.q", "attn.k", "attn.v"].map((p) => `layers.${where.layer}.${p}`);
        const fusedName = storage.fused === "phi3" ? "self_attn.qkv_proj.weight" : "self_attn.W_pack.weight";
        out.push(fused(`${prefix}.${fusedName}`, parts));
        continue;
      }
      if (storage.fused === "phi3" && where.part === "mlp.up") continue;
      if (storage.fused === "phi3" && where.part === "mlp.gate") {
        const parts = [`layers.${where.layer}.mlp.gate`, `layers.${where.layer}.mlp.up`];
        out.push(fused(`${prefix}.mlp.gate_up_proj.weight`, parts));
        continue;
      }
    }
    out.push(plain(name));
  }
  if (!storage.transposed) return out;
  return out.map((tensor) => {
    if (tensor.shape.length !== 2 || tensor.name === storedName(storage.naming, "embed")) return tensor;
    const [rows, cols] = tensor.shape as [number, number];
    return {
      name: tensor.name,
      shape: [cols, rows],
      read: async () => transpose(await tensor.read(), rows, cols),
    };
  });
}

async function writeHf(model: LlamaModel, folder: string, options: WriteOptions): Promise<void> {
  const tensors = hfTensors(model);
  const byName = new Map(tensors.map((tensor) => [tensor.name, tensor]));
  await writeHfFolder(folder, {
    config: hfConfig(model),
    tensors,
    read: (name) => byName.get(name)!.read(),
    dtype: model.storage.dtype,
  });
  for (const file of options.copyFiles ?? []) await copyFile(file, join(folder, basename(file)));
}

function rotaryTable(model: LlamaModel, part: "real" | "imag"): Float32Array {
  const hs = headDim(model.config);
  const out = new Float32Array(model.config.maxSeqLen * (hs / 2));
  for (let pos = 0; pos < model.config.maxSeqLen; pos++) {
    for (let j = 0; j < hs / 2; j++) {
      const angle = pos * model.config.ropeTheta ** (-(2 * j) / hs);
      out[pos * (hs / 2) + j] = part === "real" ? Math.cos(angle) : Math.sin(angle);
    }
  }
  return out;
}

async function writeLlama2cFile(model: LlamaModel, path: string): Promise<void> {
  const { config, storage } = model;
  if (storage.fused !== undefined) throw new UsageError("llama2.c files cannot hold fused projections");
  if (storage.naming !== undefined && storage.naming !== "meta" && storage.naming !== "hf-llama") {
    throw new UsageError(`llama2.c files have no tensor names: rename(${storage.naming}) cannot be written`);
  }
  const canonical: Record<string, string> = Object.fromEntries(
    [...model.shapes.keys()].map((name) => [storedName("meta", name), name]),
  );
  await writeLlama2c(path, llama2cHeader(config, 0, undefined), async (stored) => {
    if (stored.startsWith("freqs_cis_") && !model.shapes.has(stored)) {
      return rotaryTable(model, stored.endsWith("real") ? "real" : "imag");
    }
    const name = canonical[stored] ?? stored;
    const values = await readInOrder(model, name, "interleaved");
    const shape = model.shapes.get(name)!;
    // As the HF writer: the embedding is a lookup table, not a Linear, and stays [vocab, dim] (the real
    // stories260K.transpose.bin transposes every layer matrix and keeps the embedding as it was).
    return storage.transposed && shape.length === 2 && !name.startsWith("freqs_cis_") && name !== "embed"
      ? transpose(values, shape[0]!, shape[1]!)
      : values;
  });
}

/** Write `model` to `out` (a folder for `hf`, a file path for `llama2c`). */
export async function writeModel(model: LlamaModel, out: string, options: WriteOptions): Promise<void> {
  if (options.format === "hf") return writeHf(model, out, options);
  if (options.format === "llama2c") {
    await mkdir(join(out, ".."), { recursive: true });
    return writeLlama2cFile(model, out);
  }
  throw new UsageError(`unknown output format ${String(options.format)} (hf or llama2c)`);
}
