/** Hugging Face Llama layout, shared by Mistral, Qwen2 (q/k/v biases), Baichuan's unfused parts, Phi-3's. */
import { namePattern, patternRule, rename } from "../rule.js";

/** `model.` as HF writes it; `language_model.model.` inside multimodal (LLaVA-style) checkpoints. Required,
 * so Meta-style bare names (`norm.weight`, `layers.0…`) are left to the Meta rule. */
export const HF_PREFIX = "(?:language_model.)?model.";

export const hfLlamaRule = patternRule("hf-llama", [
  rename(namePattern(`${HF_PREFIX}embed_tokens`), "embed"),
  rename(namePattern("(?:language_model.)?lm_head"), "lm_head"),
  rename(namePattern(`${HF_PREFIX}norm`), "final_norm"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.input_layernorm`), "layers.{layer}.attn_norm"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.post_attention_layernorm`), "layers.{layer}.mlp_norm"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.self_attn.q_proj`), "layers.{layer}.attn.q"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.self_attn.k_proj`), "layers.{layer}.attn.k"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.self_attn.v_proj`), "layers.{layer}.attn.v"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.self_attn.o_proj`), "layers.{layer}.attn.o"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.mlp.gate_proj`), "layers.{layer}.mlp.gate"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.mlp.up_proj`), "layers.{layer}.mlp.up"),
  rename(namePattern(`${HF_PREFIX}layers.{L}.mlp.down_proj`), "layers.{layer}.mlp.down"),
]);
