/**
 * A Llama-style model as the transformation generator sees it: a blueprint plus named float32 tensors
 * read lazily, under the canonical names of `naming/canonical-model.ts` (`embed`, `layers.{i}.attn.q`,
 * `layers.{i}.mlp.gate`, `final_norm`, `lm_head`, …) in canonical layout (nn.Linear [out, in]).
 * Transforms map a LlamaModel to a new LlamaModel; nothing is computed until a tensor is read, so a
 * chain of transforms over a model streams one tensor at a time. `storage` says how a writer lays the
 * tensors out on disk (names, transposition, fused QKV, dtype), which is where the storage-only
 * transforms (rename, transpose, fuse, dtype cast) act.
 */
import type { EncodableDtype } from "../formats/encode.js";
import type { Llama2cHeader } from "../formats/llama2c/header.js";
import { CANONICAL_LAYER_PARTS } from "../naming/canonical-model.js";
import type { NamingScheme } from "./naming-schemes.js";

/** Which rows of q/k a rotary pair occupies: `interleaved` (2j, 2j+1: Meta, llama2.c) or `half`
 * (j, j + headDim/2: Hugging Face). A writer converts to what its format expects. */
export type RopeOrder = "interleaved" | "half";

/** The blueprint; its dimension fields are llama2.c's (dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize). */
export interface LlamaConfig
  extends Pick<Llama2cHeader, "dim" | "hiddenDim" | "nLayers" | "nHeads" | "nKvHeads" | "vocabSize"> {
  maxSeqLen: number;
  normEps: number;
  ropeTheta: number;
  ropeOrder: RopeOrder;
  /** The output head is the token embedding (no `lm_head` tensor). */
  tiedEmbeddings: boolean;
}

/** Fused projections as stored by Phi-3 (`qkv_proj`, `gate_up_proj`) or Baichuan (`W_pack`). */
export type FusedStyle = "phi3" | "baichuan";

export interface StorageLayout {
  /** Naming convention; undefined means the output format's own (HF Llama names for a HF folder). */
  naming: NamingScheme | undefined;
  /** Matrices stored as [in, out] (GPT-2 Conv1D style; for llama2.c, same header, data transposed). */
  transposed: boolean;
  fused: FusedStyle | undefined;
  /** Element type for safetensors output. */
  dtype: EncodableDtype;
}

export interface LlamaModel {
  config: LlamaConfig;
  /** Canonical tensor name → shape. Carries `freqs_cis_real`/`freqs_cis_imag` when read from llama2.c. */
  shapes: ReadonlyMap<string, readonly number[]>;
  read(name: string): Promise<Float32Array>;
  storage: StorageLayout;
  /** What was done to reach this model, in order, e.g. `permute-mlp(seed=1)`. */
  history: readonly string[];
  /** Release the underlying files. */
  close(): Promise<void>;
}

export function headDim(config: LlamaConfig): number {
  return config.dim / config.nHeads;
}

export const LAYER_PARTS = CANONICAL_LAYER_PARTS;

export type LayerPart = (typeof LAYER_PARTS)[number];

/** Canonical shapes of a Llama model with this blueprint (no `lm_head` when tied). */
export function llamaShapes(config: LlamaConfig): Map<string, number[]> {
  const kvDim = config.nKvHeads * headDim(config);
  const part: Record<LayerPart, number[]> = {
    attn_norm: [config.dim],
    "attn.q": [config.dim, config.dim],
    "attn.k": [kvDim, config.dim],
    "attn.v": [kvDim, config.dim],
    "attn.o": [config.dim, config.dim],
    mlp_norm: [config.dim],
    "mlp.gate": [config.hiddenDim, config.dim],
    "mlp.up": [config.hiddenDim, config.dim],
    "mlp.down": [config.dim, config.hiddenDim],
  };
  const shapes = new Map<string, number[]>([["embed", [config.vocabSize, config.dim]]]);
  for (let i = 0; i < config.nLayers; i++) {
    for (const name of LAYER_PARTS) shapes.set(`layers.${i}.${name}`, part[name]);
  }
  shapes.set("final_norm", [config.dim]);
  if (!config.tiedEmbeddings) shapes.set("lm_head", [config.vocabSize, config.dim]);
  return shapes;
}

/** Split `layers.{i}.{part}` into its layer and part, or undefined for global tensors. */
export function layerOf(name: string): { layer: number; part: string } | undefined {
  const match = /^layers\.(\d+)\.(.+)$/.exec(name);
  return match === null ? undefined : { layer: Number(match[1]), part: match[2]! };
}

export interface DeriveOptions {
  /** Appended to `history`. */
  step: string;
  config?: Partial<LlamaConfig>;
  storage?: Partial<StorageLayout>;
  shapes?: ReadonlyMap<string, readonly number[]>;
  /** New values of one tensor, from the parent's `read`; return undefined to keep the parent's. */
  tensor?: (
    name: string,
    read: (name: string) => Promise<Float32Array>,
  ) => Promise<Float32Array | undefined> | Float32Array | undefined;
}

/** A model that differs from `parent` as `options` say; reads are lazy and go through the parent. */
export function derive(parent: LlamaModel, options: DeriveOptions): LlamaModel {
  const parentRead = (name: string) => parent.read(name);
  return {
    config: { ...parent.config, ...options.config },
    shapes: options.shapes ?? parent.shapes,
    storage: { ...parent.storage, ...options.storage },
    history: [...parent.history, options.step],
    async read(name: string) {
      const changed = await options.tensor?.(name, parentRead);
      return changed ?? parent.read(name);
    },
    close: () => parent.close(),
  };
}

/** Every tensor of a (small) model in memory, for forward passes and tests. */
export async function readAllTensors(model: LlamaModel): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const name of model.shapes.keys()) out.set(name, await model.read(name));
  return out;
}
