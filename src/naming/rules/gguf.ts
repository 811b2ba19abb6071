/**
 * llama.cpp's GGUF names: `token_embd`, `output`, `output_norm`, `blk.{i}.attn_norm|attn_q|attn_k|attn_v|
 * attn_output|attn_qkv|ffn_norm|ffn_gate|ffn_up|ffn_down|ffn_gate_inp`, MoE experts stacked in 3-D
 * `ffn_{gate,up,down}_exps` (split per expert here) or, in older files, `ffn_{gate,up,down}.{j}`.
 *
 * llama.cpp's converter permutes the rows of Q and K into Meta's rotary order for the architectures in
 * conventions/llama-cpp-rope.ts; we undo it so canonical q/k are in Hugging Face order.
 * `attn_qkv` is contiguous q | k | v for every architecture (the converter un-interleaves NeoX/Falcon).
 */
import type { TensorInfo } from "../../formats/tensor-store.js";
import type { LayoutTransform } from "../canonical-model.js";
import { LLAMA_CPP_ROPE_PERMUTED, type RopePermutation } from "../conventions/llama-cpp-rope.js";
import {
  contiguousQkv,
  layerHeads,
  type NamingContext,
  namePattern,
  patternRule,
  type RuleMatch,
  rename,
  withSuffix,
} from "../rule.js";

const BLK = "blk.{L}";

/** The row un-permutation of layer `layer`'s q (or k) when llama.cpp permuted this architecture's
 * `separate` q/k tensors or the blocks of its `fused` attn_qkv (see conventions/llama-cpp-rope.ts). */
function rope(
  context: NamingContext,
  layer: number,
  kv: boolean,
  where: keyof RopePermutation,
): LayoutTransform[] {
  const arch = context.ggufArchitecture;
  if (arch === undefined || LLAMA_CPP_ROPE_PERMUTED.get(arch)?.[where] !== true) return [];
  const { heads, kvHeads } = layerHeads(context, layer);
  return [{ kind: "unpermute-rope", heads: kv ? kvHeads : heads }];
}

function stackedExperts(part: string) {
  return {
    pattern: namePattern(`${BLK}.ffn_${part}_exps`),
    map: ({ layer, suffix }: Record<string, string | undefined>, tensor: TensorInfo): RuleMatch[] => {
      const [experts = 0, rows = 0] = tensor.shape;
      return Array.from({ length: experts }, (_, expert) => ({
        canonical: withSuffix(`layers.${layer}.moe.experts.${expert}.${part}`, suffix),
        transforms: [{ kind: "slice-rows", start: expert * rows, count: rows }],
      }));
    },
  };
}

export const ggufRule = patternRule("gguf", [
  rename(namePattern("token_embd"), "embed"),
  rename(namePattern("output"), "lm_head"),
  rename(namePattern("output_norm"), "final_norm"),
  rename(namePattern(`${BLK}.attn_norm`), "layers.{layer}.attn_norm"),
  rename(namePattern(`${BLK}.attn_norm_2`), "layers.{layer}.mlp_norm"),
  rename(namePattern(`${BLK}.ffn_norm`), "layers.{layer}.mlp_norm"),
  {
    pattern: namePattern(`${BLK}.attn_q`),
    map: ({ layer, suffix }, _tensor, context) => [
      {
        canonical: withSuffix(`layers.${layer}.attn.q`, suffix),
        transforms: rope(context, Number(layer), false, "separate"),
      },
    ],
  },
  {
    pattern: namePattern(`${BLK}.attn_k`),
    map: ({ layer, suffix }, _tensor, context) => [
      {
        canonical: withSuffix(`layers.${layer}.attn.k`, suffix),
        transforms: rope(context, Number(layer), true, "separate"),
      },
    ],
  },
  rename(namePattern(`${BLK}.attn_v`), "layers.{layer}.attn.v"),
  rename(namePattern(`${BLK}.attn_output`), "layers.{layer}.attn.o"),
  // Contiguous q | k | v for every architecture (the converter un-interleaves NeoX/Falcon layouts).
  contiguousQkv(namePattern(`${BLK}.attn_qkv`), (part, layer, context) =>
    part === "v" ? [] : rope(context, layer, part === "k", "fused"),
  ),
  rename(namePattern(`${BLK}.ffn_gate_inp`), "layers.{layer}.moe.router"),
  rename(namePattern(`${BLK}.ffn_gate`), "layers.{layer}.mlp.gate"),
  rename(namePattern(`${BLK}.ffn_up`), "layers.{layer}.mlp.up"),
  rename(namePattern(`${BLK}.ffn_down`), "layers.{layer}.mlp.down"),
  rename(namePattern(`${BLK}.ffn_gate.{E}`), "layers.{layer}.moe.experts.{expert}.gate"),
  rename(namePattern(`${BLK}.ffn_up.{E}`), "layers.{layer}.moe.experts.{expert}.up"),
  rename(namePattern(`${BLK}.ffn_down.{E}`), "layers.{layer}.moe.experts.{expert}.down"),
  stackedExperts("gate"),
  stackedExperts("up"),
  stackedExperts("down"),
]);
