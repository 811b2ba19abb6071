/**
 * Meta's original Llama names, also used by llama2.c and Mistral's consolidated checkpoints:
 * `tok_embeddings`, `layers.{i}.attention.wq|wk|wv|wo`, `attention_norm`, `ffn_norm`,
 * `feed_forward.w1` (gate) `| w2` (down) `| w3` (up), `norm`, `output`. Q and K rows are in Meta's
 * rotary order (adjacent pairs) and are unpermuted into Hugging Face order.
 */
import { namePattern, patternRule, rename, requireFigure, withSuffix } from "../rule.js";

const LAYER = "layers.{L}";

export const metaRule = patternRule("meta", [
  rename(namePattern("tok_embeddings"), "embed"),
  rename(namePattern("output"), "lm_head"),
  rename(namePattern("norm"), "final_norm"),
  rename(namePattern(`${LAYER}.attention_norm`), "layers.{layer}.attn_norm"),
  rename(namePattern(`${LAYER}.ffn_norm`), "layers.{layer}.mlp_norm"),
  {
    pattern: namePattern(`${LAYER}.attention.w(?<which>[qk])`),
    map: ({ layer, suffix, which }, _tensor, context) => {
      const heads = requireFigure(context.numHeads, "the head count");
      const ropeHeads = which === "k" ? (context.numKvHeads ?? heads) : heads;
      return [
        {
          canonical: withSuffix(`layers.${layer}.attn.${which}`, suffix),
          transforms: [{ kind: "unpermute-rope", heads: ropeHeads }],
        },
      ];
    },
  },
  rename(namePattern(`${LAYER}.attention.wv`), "layers.{layer}.attn.v"),
  rename(namePattern(`${LAYER}.attention.wo`), "layers.{layer}.attn.o"),
  rename(namePattern(`${LAYER}.feed_forward.w1`), "layers.{layer}.mlp.gate"),
  rename(namePattern(`${LAYER}.feed_forward.w2`), "layers.{layer}.mlp.down"),
  rename(namePattern(`${LAYER}.feed_forward.w3`), "layers.{layer}.mlp.up"),
  rename(namePattern(`${LAYER}.feed_forward.gate`), "layers.{layer}.moe.router"),
  rename(namePattern(`${LAYER}.feed_forward.experts.{E}.w1`), "layers.{layer}.moe.experts.{expert}.gate"),
  rename(namePattern(`${LAYER}.feed_forward.experts.{E}.w2`), "layers.{layer}.moe.experts.{expert}.down"),
  rename(namePattern(`${LAYER}.feed_forward.experts.{E}.w3`), "layers.{layer}.moe.experts.{expert}.up"),
]);
