/**
 * GPT-NeoX (Pythia, …): `gpt_neox.*`, fused `query_key_value` interleaved per head — rows viewed as
 * (heads, 3, headDim) — LayerNorms with biases, `dense_h_to_4h` / `dense_4h_to_h` MLP, `embed_out` head.
 */
import { namePattern, patternRule, rename, requireFigure, withSuffix } from "../rule.js";

const LAYER = "gpt_neox.layers.{L}";

export const gptNeoxRule = patternRule("gpt-neox", [
  rename(namePattern("gpt_neox.embed_in"), "embed"),
  rename(namePattern("embed_out"), "lm_head"),
  rename(namePattern("gpt_neox.final_layer_norm"), "final_norm"),
  rename(namePattern(`${LAYER}.input_layernorm`), "layers.{layer}.attn_norm"),
  rename(namePattern(`${LAYER}.post_attention_layernorm`), "layers.{layer}.mlp_norm"),
  rename(namePattern(`${LAYER}.attention.dense`), "layers.{layer}.attn.o"),
  rename(namePattern(`${LAYER}.mlp.dense_h_to_4h`), "layers.{layer}.mlp.up"),
  rename(namePattern(`${LAYER}.mlp.dense_4h_to_h`), "layers.{layer}.mlp.down"),
  {
    pattern: namePattern(`${LAYER}.attention.query_key_value`),
    map: ({ layer, suffix }, _tensor, context) => {
      const heads = requireFigure(context.numHeads, "the head count");
      return ["q", "k", "v"].map((part, index) => ({
        canonical: withSuffix(`layers.${layer}.attn.${part}`, suffix),
        transforms: [{ kind: "slice-rows-interleaved", heads, part: index, parts: 3 }],
      }));
    },
  },
]);
