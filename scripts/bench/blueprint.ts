/**
 * What the benchmark generates: presets (real model shapes) and, per architecture, the list of tensors
 * a Hugging Face checkpoint of that shape holds, with the facts the generator needs about each one:
 * which axis is the residual stream, which norm gain precedes it, which units (heads, neurons,
 * experts) its rows or columns belong to.
 *
 * Shapes and names follow the models' Hugging Face configs and checkpoints: TinyLlama-1.1B
 * (TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T), Llama-2-7B (meta-llama/Llama-2-7b-hf),
 * Mixtral-8x7B (mistralai/Mixtral-8x7B-v0.1: block_sparse_moe.experts.E.w1/w2/w3) and DeepSeek-V3
 * (deepseek-ai/DeepSeek-V3: MLA q_a/q_b/kv_a_proj_with_mqa/kv_b, 256 routed experts + 1 shared, FP8
 * E4M3 weights with a float32 `weight_scale_inv` per 128 × 128 tile, BF16 embeddings, norms, router).
 */

export type Architecture = "llama" | "mixtral" | "deepseek-v3";

export interface Mla {
  qLoraRank: number;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

export interface ModelShape {
  architecture: Architecture;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  /** Dense MLP width (intermediate_size). */
  mlp: number;
  vocab: number;
  /** Routed experts per MoE layer (0 = dense). */
  experts: number;
  /** Width of one routed (and shared) expert. */
  expertMlp: number;
  sharedExperts: number;
  expertsPerToken: number;
  mla: Mla | undefined;
  /** Matrices stored as FP8 E4M3 with 128 × 128 block scales (else BF16). */
  fp8: boolean;
}

export interface Preset {
  shape: ModelShape;
  /** The permuted copy is also rotated (residual stream by a blocked random Hadamard rotation). */
  rotate: boolean;
  /** Also compare against a dense model the MoE was upcycled from (MoE presets). */
  upcycle: boolean;
  description: string;
}

const DENSE = { experts: 0, expertMlp: 0, sharedExperts: 0, expertsPerToken: 0, mla: undefined, fp8: false };

export const PRESETS: Record<string, Preset> = {
  zoo: {
    shape: {
      architecture: "llama",
      hidden: 256,
      layers: 4,
      heads: 8,
      kvHeads: 4,
      mlp: 688,
      vocab: 32000,
      ...DENSE,
    },
    rotate: true,
    upcycle: false,
    description: "small Llama (hidden 256, 4 layers) for CI",
  },
  tinyllama: {
    shape: {
      architecture: "llama",
      hidden: 2048,
      layers: 22,
      heads: 32,
      kvHeads: 4,
      mlp: 5632,
      vocab: 32000,
      ...DENSE,
    },
    rotate: false,
    upcycle: false,
    description: "TinyLlama-1.1B shape",
  },
  llama7b: {
    shape: {
      architecture: "llama",
      hidden: 4096,
      layers: 32,
      heads: 32,
      kvHeads: 32,
      mlp: 11008,
      vocab: 32000,
      ...DENSE,
    },
    rotate: true,
    upcycle: false,
    description: "Llama-2-7B shape",
  },
  mixtral: {
    shape: {
      architecture: "mixtral",
      hidden: 4096,
      layers: 32,
      heads: 32,
      kvHeads: 8,
      mlp: 14336,
      vocab: 32000,
      experts: 8,
      expertMlp: 14336,
      sharedExperts: 0,
      expertsPerToken: 2,
      mla: undefined,
      fp8: false,
    },
    rotate: false,
    upcycle: true,
    description: "Mixtral-8x7B shape",
  },
  "deepseek-v3": {
    shape: {
      architecture: "deepseek-v3",
      hidden: 7168,
      layers: 61,
      heads: 128,
      kvHeads: 128,
      mlp: 18432,
      vocab: 129280,
      experts: 256,
      expertMlp: 2048,
      sharedExperts: 1,
      expertsPerToken: 8,
      mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
      fp8: true,
    },
    rotate: false,
    upcycle: false,
    description:
      "DeepSeek-V3 shape (every generated layer is a MoE layer), FP8 E4M3 with 128×128 block scales",
  },
};

/** Units a row or column axis belongs to, resolved into index maps by a variant. */
export type Units =
  | { kind: "residual" }
  | { kind: "q" | "k" | "v" | "o"; layer: number }
  | { kind: "mlp"; layer: number; expert: number | undefined }
  | { kind: "experts"; layer: number };

export interface TensorPlan {
  name: string;
  /** [rows, cols], or [n] for a vector. */
  shape: number[];
  dtype: "BF16" | "F8_E4M3" | "F32";
  /** How the reference values are made (see generate-tensor.ts). */
  init: "matrix" | "embedding" | "gain" | "bias";
  /** Reference identity: seeds are derived from it, and a permuted expert takes another expert's id. */
  id: string;
  rowUnits: Units | undefined;
  colUnits: Units | undefined;
  /** Id of the norm gain applied to this matrix's input (folded into it when the residual is rotated). */
  norm: string | undefined;
  /** Routed expert (layer, index): a permuted copy may take its values from another expert. */
  expert: { layer: number; index: number } | undefined;
}

const RESIDUAL: Units = { kind: "residual" };

function matrix(
  name: string,
  shape: [number, number],
  fp8: boolean,
  rowUnits: Units | undefined,
  colUnits: Units | undefined,
  extra: Partial<TensorPlan> = {},
): TensorPlan {
  return {
    name,
    shape,
    dtype: fp8 ? "F8_E4M3" : "BF16",
    init: "matrix",
    id: name,
    rowUnits,
    colUnits,
    norm: undefined,
    expert: undefined,
    ...extra,
  };
}

function gain(name: string, n: number, residual: boolean): TensorPlan {
  return {
    name,
    shape: [n],
    dtype: "BF16",
    init: "gain",
    id: name,
    rowUnits: residual ? RESIDUAL : undefined,
    colUnits: undefined,
    norm: undefined,
    expert: undefined,
  };
}

/** One SwiGLU MLP (dense, routed expert or shared expert) reading `norm`. */
function mlp(
  s: ModelShape,
  prefix: string,
  names: { gate: string; up: string; down: string },
  width: number,
  units: Units | undefined,
  norm: string,
  expert: TensorPlan["expert"],
): TensorPlan[] {
  const fp8 = s.fp8;
  return [
    matrix(`${prefix}.${names.gate}.weight`, [width, s.hidden], fp8, units, RESIDUAL, { norm, expert }),
    matrix(`${prefix}.${names.up}.weight`, [width, s.hidden], fp8, units, RESIDUAL, { norm, expert }),
    matrix(`${prefix}.${names.down}.weight`, [s.hidden, width], fp8, RESIDUAL, units, { expert }),
  ];
}

function attention(s: ModelShape, p: string, layer: number, norm: string): TensorPlan[] {
  const fp8 = s.fp8;
  if (s.mla !== undefined) {
    const m = s.mla;
    const qHead = m.qkNopeHeadDim + m.qkRopeHeadDim;
    return [
      matrix(`${p}.self_attn.q_a_proj.weight`, [m.qLoraRank, s.hidden], fp8, undefined, RESIDUAL, { norm }),
      gain(`${p}.self_attn.q_a_layernorm.weight`, m.qLoraRank, false),
      matrix(`${p}.self_attn.q_b_proj.weight`, [s.heads * qHead, m.qLoraRank], fp8, undefined, undefined),
      matrix(
        `${p}.self_attn.kv_a_proj_with_mqa.weight`,
        [m.kvLoraRank + m.qkRopeHeadDim, s.hidden],
        fp8,
        undefined,
        RESIDUAL,
        { norm },
      ),
      gain(`${p}.self_attn.kv_a_layernorm.weight`, m.kvLoraRank, false),
      matrix(
        `${p}.self_attn.kv_b_proj.weight`,
        [s.heads * (m.qkNopeHeadDim + m.vHeadDim), m.kvLoraRank],
        fp8,
        undefined,
        undefined,
      ),
      matrix(`${p}.self_attn.o_proj.weight`, [s.hidden, s.heads * m.vHeadDim], fp8, RESIDUAL, undefined),
    ];
  }
  const kv = (s.hidden / s.heads) * s.kvHeads;
  return [
    matrix(`${p}.self_attn.q_proj.weight`, [s.hidden, s.hidden], fp8, { kind: "q", layer }, RESIDUAL, {
      norm,
    }),
    matrix(`${p}.self_attn.k_proj.weight`, [kv, s.hidden], fp8, { kind: "k", layer }, RESIDUAL, { norm }),
    matrix(`${p}.self_attn.v_proj.weight`, [kv, s.hidden], fp8, { kind: "v", layer }, RESIDUAL, { norm }),
    matrix(`${p}.self_attn.o_proj.weight`, [s.hidden, s.hidden], fp8, RESIDUAL, { kind: "o", layer }),
  ];
}

function feedForward(s: ModelShape, p: string, layer: number, norm: string): TensorPlan[] {
  if (s.experts === 0) {
    return mlp(
      s,
      `${p}.mlp`,
      { gate: "gate_proj", up: "up_proj", down: "down_proj" },
      s.mlp,
      { kind: "mlp", layer, expert: undefined },
      norm,
      undefined,
    );
  }
  const experts: Units = { kind: "experts", layer };
  const out: TensorPlan[] = [];
  const mixtral = s.architecture === "mixtral";
  const moe = mixtral ? `${p}.block_sparse_moe` : `${p}.mlp`;
  const router = {
    ...matrix(`${moe}.gate.weight`, [s.experts, s.hidden], false, experts, RESIDUAL, { norm }),
  };
  out.push(router);
  if (!mixtral) {
    out.push({
      name: `${moe}.gate.e_score_correction_bias`,
      shape: [s.experts],
      dtype: "F32",
      init: "bias",
      id: `${moe}.gate.e_score_correction_bias`,
      rowUnits: experts,
      colUnits: undefined,
      norm: undefined,
      expert: undefined,
    });
  }
  const names = mixtral
    ? { gate: "w1", up: "w3", down: "w2" }
    : { gate: "gate_proj", up: "up_proj", down: "down_proj" };
  for (let e = 0; e < s.experts; e++) {
    out.push(
      ...mlp(s, `${moe}.experts.${e}`, names, s.expertMlp, { kind: "mlp", layer, expert: e }, norm, {
        layer,
        index: e,
      }),
    );
  }
  if (s.sharedExperts > 0) {
    out.push(
      ...mlp(
        s,
        `${moe}.shared_experts`,
        names,
        s.expertMlp * s.sharedExperts,
        { kind: "mlp", layer, expert: -1 },
        norm,
        undefined,
      ),
    );
  }
  return out;
}

/** Every tensor of a checkpoint of shape `s`, in file order. */
export function tensorPlans(s: ModelShape): TensorPlan[] {
  const out: TensorPlan[] = [
    {
      name: "model.embed_tokens.weight",
      shape: [s.vocab, s.hidden],
      dtype: "BF16",
      init: "embedding",
      id: "model.embed_tokens.weight",
      rowUnits: undefined,
      colUnits: RESIDUAL,
      norm: undefined,
      expert: undefined,
    },
  ];
  for (let layer = 0; layer < s.layers; layer++) {
    const p = `model.layers.${layer}`;
    const attnNorm = `${p}.input_layernorm.weight`;
    const mlpNorm = `${p}.post_attention_layernorm.weight`;
    out.push(gain(attnNorm, s.hidden, true), ...attention(s, p, layer, attnNorm));
    out.push(gain(mlpNorm, s.hidden, true), ...feedForward(s, p, layer, mlpNorm));
  }
  out.push(gain("model.norm.weight", s.hidden, true), {
    name: "lm_head.weight",
    shape: [s.vocab, s.hidden],
    dtype: "BF16",
    init: "embedding",
    id: "lm_head.weight",
    rowUnits: undefined,
    colUnits: RESIDUAL,
    norm: "model.norm.weight",
    expert: undefined,
  });
  return out;
}

/** The Hugging Face config.json of a checkpoint of shape `s`. */
export function hfConfig(s: ModelShape): Record<string, unknown> {
  const common = {
    hidden_size: s.hidden,
    intermediate_size: s.mlp,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    vocab_size: s.vocab,
    max_position_embeddings: 4096,
    rms_norm_eps: 1e-5,
    hidden_act: "silu",
    tie_word_embeddings: false,
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: "bfloat16",
  };
  if (s.architecture === "llama") {
    return { architectures: ["LlamaForCausalLM"], model_type: "llama", rope_theta: 10000, ...common };
  }
  if (s.architecture === "mixtral") {
    return {
      architectures: ["MixtralForCausalLM"],
      model_type: "mixtral",
      rope_theta: 1e6,
      num_local_experts: s.experts,
      num_experts_per_tok: s.expertsPerToken,
      ...common,
    };
  }
  const m = s.mla!;
  return {
    architectures: ["DeepseekV3ForCausalLM"],
    model_type: "deepseek_v3",
    rope_theta: 10000,
    ...common,
    moe_intermediate_size: s.expertMlp,
    n_routed_experts: s.experts,
    n_shared_experts: s.sharedExperts,
    num_experts_per_tok: s.expertsPerToken,
    first_k_dense_replace: 0,
    moe_layer_freq: 1,
    q_lora_rank: m.qLoraRank,
    kv_lora_rank: m.kvLoraRank,
    qk_nope_head_dim: m.qkNopeHeadDim,
    qk_rope_head_dim: m.qkRopeHeadDim,
    v_head_dim: m.vHeadDim,
    quantization_config: {
      activation_scheme: "dynamic",
      fmt: "e4m3",
      quant_method: "fp8",
      weight_block_size: [128, 128],
    },
  };
}

/** Parameters of a checkpoint (FP8 block scales not counted). */
export function parameterCount(s: ModelShape): number {
  return tensorPlans(s).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
}
