/** Which naming rules apply to which weight format, in the order they are tried. */
import type { TensorInfo, WeightFormat } from "../formats/tensor-store.js";
import type { NamingRule } from "./rule.js";
import { baichuanRule } from "./rules/baichuan.js";
import { falconRule } from "./rules/falcon.js";
import { ggufRule } from "./rules/gguf.js";
import { gptNeoxRule } from "./rules/gpt-neox.js";
import { gpt2LinearRule, gpt2Rule } from "./rules/gpt2.js";
import { hfLlamaRule } from "./rules/hf-llama.js";
import { metaRule } from "./rules/meta.js";
import { mixtralRule } from "./rules/mixtral.js";
import { phi3Rule } from "./rules/phi3.js";
import { yiRule } from "./rules/yi.js";

/** Hugging Face conventions (plus Meta's, used by consolidated safetensors). Specific rules come first. */
export const SAFETENSORS_RULES: readonly NamingRule[] = [
  yiRule,
  mixtralRule,
  baichuanRule,
  phi3Rule,
  hfLlamaRule,
  gptNeoxRule,
  gpt2Rule,
  falconRule,
  metaRule,
];

/** GPT-2 names with `nn.Linear` projections (nanoGPT, makemore): `c_attn` stored [3·hidden, hidden]. */
function gpt2StoredAsLinear(tensors: readonly TensorInfo[]): boolean {
  const cAttn = tensors.find((tensor) => /(^|\.)h\.\d+\.attn\.c_attn\.weight$/.test(tensor.name));
  const shape = cAttn?.shape;
  return shape !== undefined && shape.length === 2 && shape[0] === 3 * shape[1]!;
}

export function rulesFor(format: WeightFormat, tensors: readonly TensorInfo[] = []): readonly NamingRule[] {
  if ((format === "safetensors" || format === "pytorch") && gpt2StoredAsLinear(tensors)) {
    return SAFETENSORS_RULES.map((rule) => (rule === gpt2Rule ? gpt2LinearRule : rule));
  }
  switch (format) {
    case "gguf":
      return [ggufRule];
    case "llama2c":
      return [metaRule];
    case "safetensors":
    case "pytorch":
      return SAFETENSORS_RULES;
  }
}
