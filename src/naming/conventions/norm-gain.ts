/**
 * Norm gains are exposed in ONE convention in the canonical view: the effective multiplier g of
 * y = g · x / rms(x) (or of a LayerNorm). Some families store g − 1 instead ("zero-centred" gains that
 * the forward pass turns into 1 + w), and llama.cpp's converter adds the 1 when it writes their GGUF,
 * so the same model is stored as w in one file and 1 + w in the other. This table says which stored
 * form needs the 1 added back.
 *
 * Stored w, effective 1 + w (Hugging Face checkpoints, by config.json `model_type`):
 *   - gemma, gemma2, gemma3, gemma3_text: GemmaRMSNorm / Gemma2RMSNorm / Gemma3RMSNorm compute
 *     `x * (1.0 + self.weight)` (transformers: modeling_gemma.py, modeling_gemma2.py, modeling_gemma3.py);
 *   - recurrent_gemma: RecurrentGemmaRMSNorm, the same formula;
 *   - nemotron: NemotronLayerNorm1P, `weight + 1` (layernorm1p);
 *   - qwen3_next: Qwen3NextRMSNorm, `x * (1.0 + self.weight)` (not its gated linear-attention norm,
 *     which the canonical scheme does not name).
 * llama.cpp writes the effective 1 + w into the GGUF for the same families: `data_torch + 1` on every
 * `norm.weight` in GemmaModel / Gemma2Model, `norm_shift` 1.0 in Gemma3Model, "layernorm1p" in
 * NemotronModel, and Qwen3NextModel except `linear_attn.norm.weight` (llama.cpp conversion/gemma.py,
 * nemotron.py, qwen.py). Gemma 4 returns to plain gains (`norm_shift` 0.0) and is not listed. GGUF
 * gains therefore need nothing; only the HF forms below get +1.
 */

/** config.json `model_type` → what to add to a stored norm gain to get the effective multiplier. */
export const NORM_GAIN_OFFSET_BY_MODEL_TYPE: Readonly<Record<string, number>> = {
  gemma: 1,
  gemma2: 1,
  gemma3: 1,
  gemma3_text: 1,
  recurrent_gemma: 1,
  nemotron: 1,
  qwen3_next: 1,
};

/** config.json `architectures[0]` → offset, for configs without `model_type`. */
export const NORM_GAIN_OFFSET_BY_CLASS: Readonly<Record<string, number>> = {
  GemmaForCausalLM: 1,
  Gemma2ForCausalLM: 1,
  Gemma3ForCausalLM: 1,
  Gemma3ForConditionalGeneration: 1,
  RecurrentGemmaForCausalLM: 1,
  NemotronForCausalLM: 1,
  Qwen3NextForCausalLM: 1,
};

/** Canonical norm gains (weights, not biases) the offset applies to. */
export const NORM_GAIN = /(^|\.)(attn_norm|mlp_norm|final_norm)$/;

/** The offset for a Hugging Face config, or 0 when its gains are stored as the multiplier itself. */
export function normGainOffset(config: Readonly<Record<string, unknown>> | undefined): number {
  if (config === undefined) return 0;
  const modelType = typeof config.model_type === "string" ? config.model_type.toLowerCase() : undefined;
  if (modelType !== undefined) return NORM_GAIN_OFFSET_BY_MODEL_TYPE[modelType] ?? 0;
  const classes = Array.isArray(config.architectures) ? config.architectures : [];
  return typeof classes[0] === "string" ? (NORM_GAIN_OFFSET_BY_CLASS[classes[0]] ?? 0) : 0;
}
