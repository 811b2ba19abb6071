/**
 * Which GGUF architectures llama.cpp's converter (convert_hf_to_gguf.py, now the `conversion/` package)
 * stores with Q and K rows permuted from Hugging Face's half-split rotary order into Meta's interleaved
 * order (`LlamaModel.permute`: rows viewed as (heads, 2, headDim/2) are swapped to (heads, headDim/2, 2)).
 * Keyed by `general.architecture`; the canonical view undoes the permutation for these and only these.
 *
 * Read from the converter's class hierarchy (llama.cpp master, 2026):
 *   - LlamaModel (`undo_permute = True`, permutes q_proj/k_proj weights and biases), writing `llama`
 *     for Llama, Mistral, Mixtral, Mistral3, Voxtral, Janus-Pro, IQuestCoder…, and its subclasses that
 *     keep `modify_tensors`: ArceeModel `arcee`, SmolLM3Model `smollm3`, LlamaEmbedNemotronModel
 *     `llama-embed`, GraniteModel `granite`, GraniteMoeModel `granitemoe`, GraniteHybridModel
 *     `granitehybrid` (sets `undo_permute = True`);
 *   - subclasses that do NOT permute: Llama4Model `llama4` and ApertusModel `apertus`
 *     (`undo_permute = False`), AfmoeModel `afmoe` (calls ModelBase.modify_tensors, skipping
 *     LlamaModel's); so they are absent here;
 *   - classes with their own copy of the permutation: DeciModel `deci` (per-layer head counts),
 *     MiniCPMModel `minicpm` (weights only), BaichuanModel `baichuan` (the q and k parts of W_pack),
 *     XverseModel `xverse`, OlmoModel `olmo` (weights only), ChameleonModel `chameleon`, LLaDAModel
 *     `llada`, DeepseekModel `deepseek`, InternLM2Model `internlm2` (from its grouped wqkv),
 *     BailingMoeModel `bailingmoe` (from query_key_value);
 *   - GraniteSwitchModel `graniteswitch` permutes the q and k row blocks inside its fused `attn_qkv`.
 * Every other architecture (qwen2, phi3, gemma, falcon, gptneox, olmo2, …) keeps the Hugging Face order.
 */

export interface RopePermutation {
  /** Q/K stored in separate `attn_q` / `attn_k` tensors are permuted. */
  separate: boolean;
  /** The q and k blocks of a fused `attn_qkv` are permuted. */
  fused: boolean;
}

const SEPARATE: RopePermutation = { separate: true, fused: false };

export const LLAMA_CPP_ROPE_PERMUTED: ReadonlyMap<string, RopePermutation> = new Map([
  ["llama", SEPARATE],
  ["arcee", SEPARATE],
  ["smollm3", SEPARATE],
  ["llama-embed", SEPARATE],
  ["granite", SEPARATE],
  ["granitemoe", SEPARATE],
  ["granitehybrid", SEPARATE],
  ["deci", SEPARATE],
  ["minicpm", SEPARATE],
  ["baichuan", SEPARATE],
  ["xverse", SEPARATE],
  ["olmo", SEPARATE],
  ["chameleon", SEPARATE],
  ["llada", SEPARATE],
  ["deepseek", SEPARATE],
  ["internlm2", SEPARATE],
  ["bailingmoe", SEPARATE],
  ["graniteswitch", { separate: false, fused: true }],
]);
