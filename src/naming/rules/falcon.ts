/**
 * Falcon: `transformer.word_embeddings`, `transformer.h.{i}.self_attention.query_key_value`,
 * `self_attention.dense`, `mlp.dense_h_to_4h` / `dense_4h_to_h`, norms `input_layernorm` (7B, one norm
 * shared by the parallel attention and MLP) or `ln_attn` / `ln_mlp` (new decoder architecture).
 *
 * QKV is grouped: rows viewed as (kvHeads, heads/kvHeads + 2, headDim) hold each group's queries, then
 * its key, then its value. With kvHeads = 1 this is the multi-query layout (q … | k | v), and with
 * kvHeads = heads it is the per-head interleaved layout of non-multi-query Falcon-RW, so one rule covers
 * all three given the right KV head count (the architecture summary derives it from config.json).
 */
import {
  headDimOf,
  namePattern,
  patternRule,
  rename,
  requireFigure,
  UnmappableError,
  withSuffix,
} from "../rule.js";

const LAYER = "transformer.h.{L}";

export const falconRule = patternRule("falcon", [
  rename(namePattern("transformer.word_embeddings"), "embed"),
  rename(namePattern("transformer.ln_f"), "final_norm"),
  rename(namePattern(`${LAYER}.input_layernorm`), "layers.{layer}.attn_norm"),
  rename(namePattern(`${LAYER}.ln_attn`), "layers.{layer}.attn_norm"),
  rename(namePattern(`${LAYER}.ln_mlp`), "layers.{layer}.mlp_norm"),
  rename(namePattern(`${LAYER}.post_attention_layernorm`), "layers.{layer}.mlp_norm"),
  rename(namePattern(`${LAYER}.self_attention.dense`), "layers.{layer}.attn.o"),
  rename(namePattern(`${LAYER}.mlp.dense_h_to_4h`), "layers.{layer}.mlp.up"),
  rename(namePattern(`${LAYER}.mlp.dense_4h_to_h`), "layers.{layer}.mlp.down"),
  {
    pattern: namePattern(`${LAYER}.self_attention.query_key_value`),
    map: ({ layer, suffix }, tensor, context) => {
      const heads = requireFigure(context.numHeads, "the head count");
      const groups = requireFigure(context.numKvHeads, "the KV head count");
      const perGroup = heads / groups;
      const headDim = headDimOf(context);
      if (!Number.isInteger(perGroup) || tensor.shape[0] !== (heads + 2 * groups) * headDim) {
        throw new UnmappableError(
          `rows ${tensor.shape[0]} do not fit ${heads} heads, ${groups} KV heads of ${headDim}`,
        );
      }
      const parts = perGroup + 2;
      const slice = (part: number, partCount: number) => [
        { kind: "slice-rows-interleaved" as const, heads: groups, part, parts, partCount },
      ];
      return [
        { canonical: withSuffix(`layers.${layer}.attn.q`, suffix), transforms: slice(0, perGroup) },
        { canonical: withSuffix(`layers.${layer}.attn.k`, suffix), transforms: slice(perGroup, 1) },
        { canonical: withSuffix(`layers.${layer}.attn.v`, suffix), transforms: slice(perGroup + 1, 1) },
      ];
    },
  },
]);
