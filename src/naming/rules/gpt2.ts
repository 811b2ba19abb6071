/**
 * GPT-2: `transformer.` prefix optional (the original checkpoint has none). Conv1D weights are stored
 * transposed ([in, out]), so every projection is transposed back; `c_attn` is q | k | v after that.
 * Learned position embeddings (`wpe`, [positions, hidden]) are `pos_embed`; attention-mask buffers have
 * no canonical name and stay unrecognised (they are not parameters).
 *
 * nanoGPT and makemore use the same names with `nn.Linear` projections, stored [out, in] like every
 * other convention (nanoGPT model.py: `self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd)`):
 * `gpt2LinearRule` reads them without the transpose. Which one a checkpoint uses is told by the shape of
 * `c_attn` ([hidden, 3·hidden] for Conv1D, [3·hidden, hidden] for Linear): see `rule-sets.ts`.
 */
import type { LayoutTransform } from "../canonical-model.js";
import {
  namePattern,
  type PatternEntry,
  patternRule,
  renamed,
  splitContiguous,
  withSuffix,
} from "../rule.js";

const LAYER = "(?:transformer.)?h.{L}";

function projection(template: string, conv1d: boolean) {
  return {
    pattern: namePattern(`${LAYER}.${template.split("=")[0]}`),
    map: ({ layer, suffix }: Record<string, string | undefined>) => {
      const canonical = withSuffix(`layers.${layer}.${template.split("=")[1]}`, suffix);
      return suffix === "bias" || !conv1d ? renamed(canonical) : renamed(canonical, { kind: "transpose" });
    },
  };
}

const gpt2Entries = (conv1d: boolean): PatternEntry[] => [
  { pattern: namePattern("(?:transformer.)?wte"), map: () => renamed("embed") },
  { pattern: namePattern("(?:transformer.)?wpe"), map: () => renamed("pos_embed") },
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
  projection("attn.c_proj=attn.o", conv1d),
  projection("mlp.c_fc=mlp.up", conv1d),
  projection("mlp.c_proj=mlp.down", conv1d),
  {
    pattern: namePattern(`${LAYER}.attn.c_attn`),
    map: ({ layer, suffix }, tensor) => {
      const fused = conv1d || suffix === "bias" ? tensor.shape[tensor.shape.length - 1]! : tensor.shape[0]!;
      const before: LayoutTransform[] = suffix === "bias" || !conv1d ? [] : [{ kind: "transpose" }];
      const rows = fused / 3;
      return splitContiguous(
        ["q", "k", "v"].map((part) => [withSuffix(`layers.${layer}.attn.${part}`, suffix), rows] as const),
        before,
      );
    },
  },
];

export const gpt2Rule = patternRule("gpt2", gpt2Entries(true));
export const gpt2LinearRule = patternRule("gpt2", gpt2Entries(false));
