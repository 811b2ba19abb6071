/** The family tensor names point to, from the naming conventions that recognised them. */
import type { CanonicalTensor } from "../naming/canonical-model.js";

/** Conventions that identify a family, most specific first. `hf-llama` and `meta` say only "Llama layout". */
const FAMILY_BY_CONVENTION: ReadonlyArray<readonly [string, string]> = [
  ["yi", "yi"],
  ["mixtral", "mixtral"],
  ["baichuan", "baichuan"],
  ["phi3", "phi3"],
  ["gpt-neox", "gpt-neox"],
  ["gpt2", "gpt2"],
  ["falcon", "falcon"],
  ["hf-llama", "llama"],
  ["meta", "llama"],
];

/** Families laid out like Llama (HF `model.layers.{i}.self_attn.q_proj` names): names alone cannot tell them apart. */
export const LLAMA_LAYOUT_FAMILIES = new Set([
  "llama",
  "mistral",
  "qwen2",
  "yi",
  "baichuan",
  "internlm",
  "deepseek",
  // Gemma (v1) is the Llama layout by name; its norm gains differ in convention, not in name.
  "gemma",
]);

export function familyFromNames(tensors: readonly CanonicalTensor[]): string | undefined {
  const conventions = new Set(tensors.map((tensor) => tensor.convention));
  for (const [convention, family] of FAMILY_BY_CONVENTION) {
    if (conventions.has(convention)) {
      // Qwen2 is the Llama layout with q/k/v biases.
      if (family === "llama" && tensors.some((t) => t.canonical.endsWith("attn.q.bias"))) return "qwen2";
      return family;
    }
  }
  return undefined;
}
