/**
 * GPT-2: `transformer.` prefix optional (the original checkpoint has none). Conv1D weights are stored
 * transposed ([in, out]), so every projection is transposed back; `c_attn` is q | k | v after that.
 * Position embeddings (`wpe`) and attention-mask buffers have no canonical name and stay unrecognised.
 */
import type { LayoutTransform } from "../canonical-model.js";
import { namePattern, patternRule, renamed, splitContiguous, withSuffix } from "../rule.js";

const LAYER = "(?:transformer.)?h.{L}";

function conv1d(template: string) {
  return {
    pattern: namePattern(`${LAYER}.${template.split("=")[0]}`),
    map: ({ layer, suffix }: Record<string, string | undefined>) => {
      const canonical = withSuffix(`layers.${layer}.${template.split("=")[1]}`, suffix);
      return suffix === "bias" ? renamed(canonical) : renamed(canonical, { kind: "transpose" });
    },
  };
}

export const gpt2Rule = patternRule("gpt2", [
  { pattern: namePattern("(?:transformer.)?wte"), map: () => renamed("embed") },
  {
    pattern: namePattern("(?:transformer.)?ln_f"),
    map: ({ suffix }) => renamed(withSuffix("final_norm", suffix)),
  },
  {
    pattern: namePattern(`${LAYER}.ln_1`),
    map: ({ layer, suffix }) => renamed(withSuffix(`layers.${layer}.attn_norm`, suffix)),
  },
  {
    pattern: namePattern(`${LAYER}.ln_2`),
    map: ({ layer, suffix }) => renamed(withSuffix(`layers.${layer}.mlp_norm`, suffix)),
  },
  conv1d("attn.c_proj=attn.o"),
  conv1d("mlp.c_fc=mlp.up"),
  conv1d("mlp.c_proj=mlp.down"),
  {
    pattern: namePattern(`${LAYER}.attn.c_attn`),
    map: ({ layer, suffix }, tensor) => {
      const fused = tensor.shape[tensor.shape.length - 1]!;
      const before: LayoutTransform[] = suffix === "bias" ? [] : [{ kind: "transpose" }];
      const rows = fused / 3;
      return splitContiguous(
        ["q", "k", "v"].map((part) => [withSuffix(`layers.${layer}.attn.${part}`, suffix), rows] as const),
        before,
      );
    },
  },
]);
