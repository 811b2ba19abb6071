/** Which naming rules apply to which weight format, in the order they are tried. */
import type { WeightFormat } from "../formats/tensor-store.js";
import type { NamingRule } from "./rule.js";
import { baichuanRule } from "./rules/baichuan.js";
import { falconRule } from "./rules/falcon.js";
import { ggufRule } from "./rules/gguf.js";
import { gptNeoxRule } from "./rules/gpt-neox.js";
import { gpt2Rule } from "./rules/gpt2.js";
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

export function rulesFor(format: WeightFormat): readonly NamingRule[] {
  switch (format) {
    case "gguf":
      return [ggufRule];
    case "llama2c":
      return [metaRule];
    case "safetensors":
      return SAFETENSORS_RULES;
  }
}
