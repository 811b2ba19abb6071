/**
 * The canonical view of a checkpoint: every tensor a naming rule recognises, under one scheme and one
 * layout, whatever convention and format it was stored in.
 *
 * Canonical names (weights have no suffix; biases end in `.bias`):
 *   embed                      token embedding            [vocab, hidden]
 *   pos_embed                  learned position embedding [positions, hidden] (GPT-2 `wpe`)
 *   lm_head                    output projection          [vocab, hidden]
 *   final_norm                 final norm weight          [hidden]
 *   layers.{i}.attn_norm       norm before attention      [hidden]
 *   layers.{i}.attn.q|k|v      projections, nn.Linear     [out, hidden]  (HF head order: GGUF rows unpermuted)
 *   layers.{i}.attn.o          output projection          [hidden, heads*headDim]
 *   layers.{i}.mlp_norm        norm before the MLP        [hidden]
 *   layers.{i}.mlp.gate|up     nn.Linear                  [intermediate, hidden]
 *   layers.{i}.mlp.down        nn.Linear                  [hidden, intermediate]
 *   layers.{i}.moe.router      router                     [experts, hidden]
 *   layers.{i}.moe.experts.{j}.gate|up|down
 * Fused tensors (QKV, gate_up) are split; GPT-2 Conv1D and other transposed storage is transposed back.
 * Norm gains are the effective multiplier g in y = x·g / rms(x), whatever the stored convention
 * (Gemma's HF checkpoints store g − 1; see conventions/norm-gain.ts).
 */
import type { ArchitectureSummary } from "../architecture/summary.js";
import type { ModelSource } from "../formats/model-source.js";
import type { TensorInfo } from "../formats/tensor-store.js";

/** The parts of a dense layer in canonical order (norm, attention, norm, MLP). */
export const CANONICAL_LAYER_PARTS = [
  "attn_norm",
  "attn.q",
  "attn.k",
  "attn.v",
  "attn.o",
  "mlp_norm",
  "mlp.gate",
  "mlp.up",
  "mlp.down",
] as const;

/** A layout change applied to stored bytes to reach the canonical layout. */
export type LayoutTransform =
  | { kind: "transpose" }
  | { kind: "slice-rows"; start: number; count: number }
  /** Rows viewed as (heads, parts, rows per part): take parts `part … part + partCount - 1` (default 1) of
   * every head (or group), e.g. GPT-NeoX QKV (heads, 3, headDim) or Falcon's grouped layout. */
  | { kind: "slice-rows-interleaved"; heads: number; part: number; parts: number; partCount?: number }
  | { kind: "unpermute-rope"; heads: number }
  /** Add a constant to every value: a stored convention such as Gemma's RMSNorm gain w (y = x·(1+w))
   * brought to the effective multiplier 1 + w (see conventions/norm-gain.ts). Rows are unchanged. */
  | { kind: "add"; value: number };

export interface CanonicalTensor {
  canonical: string;
  /** Layer index for per-layer tensors. */
  layer: number | undefined;
  /** Canonical shape after transforms. */
  shape: number[];
  /** The stored tensor this one comes from. */
  source: TensorInfo;
  /** Transforms applied in order to the stored tensor. */
  transforms: LayoutTransform[];
  /** The naming convention that recognised it, e.g. `hf-llama`, `yi`, `gguf`, `gpt-neox`. */
  convention: string;
}

export interface CanonicalModel {
  source: ModelSource;
  architecture: ArchitectureSummary;
  tensors: readonly CanonicalTensor[];
  /** Stored tensors no rule recognised: kept and reported, never dropped. */
  unrecognised: readonly TensorInfo[];
  /** Stored quantization scales (FP8 `weight_scale_inv` blocks, per-channel `weight_scale`): applied when
   * their weights are read, so canonical tensors are dequantized; not parameters, not unrecognised. */
  scales: readonly TensorInfo[];
  /** Things a reader should know: config vs tensor-name disagreements, unrecognised tensors, … */
  notes: string[];
  /**
   * Why the model holds no weights at all (a vocabulary-only GGUF, a metadata-only file), or undefined
   * when it stores tensors. Such a model has nothing to compare: `compare` refuses it with this reason.
   */
  noWeights: string | undefined;
  get(canonical: string): CanonicalTensor | undefined;
  /** Read a canonical tensor as float32 in canonical layout. */
  read(canonical: string): Promise<Float32Array>;
  /**
   * Read some rows of a canonical tensor (rows of its matrix view: every dimension but the last
   * flattened) in canonical layout: [rows.length, last dim], in the order given. Positional reads of
   * just those rows where the layout allows; a transposed tensor is read whole.
   */
  readRows(canonical: string, rows: readonly number[]): Promise<Float32Array>;
  close(): Promise<void>;
}
