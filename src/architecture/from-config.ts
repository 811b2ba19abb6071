/**
 * Family and hyper-parameters from a Hugging Face config.json. Key spellings differ by family
 * (`hidden_size` / `n_embd` / `d_model`, `num_key_value_heads` / `num_kv_heads` / `n_head_kv` …).
 */
import { type Figures, firstInteger } from "./figures.js";

/** config.json `model_type` → our family name; unknown types are kept as they are (lower-cased). */
const FAMILY_BY_MODEL_TYPE: Readonly<Record<string, string>> = {
  llama: "llama",
  mistral: "mistral",
  mixtral: "mixtral",
  qwen2: "qwen2",
  qwen2_moe: "qwen2-moe",
  yi: "yi",
  gpt_neox: "gpt-neox",
  gpt2: "gpt2",
  falcon: "falcon",
  refinedweb: "falcon",
  refinedwebmodel: "falcon",
  phi3: "phi3",
  baichuan: "baichuan",
};

/** `architectures[0]` prefixes → family, for configs without `model_type`. */
const FAMILY_BY_CLASS: ReadonlyArray<readonly [string, string]> = [
  ["Mixtral", "mixtral"],
  ["Mistral", "mistral"],
  ["Qwen2Moe", "qwen2-moe"],
  ["Qwen2", "qwen2"],
  ["Yi", "yi"],
  ["Llama", "llama"],
  ["GPTNeoX", "gpt-neox"],
  ["GPT2", "gpt2"],
  ["Falcon", "falcon"],
  ["RW", "falcon"],
  ["Phi3", "phi3"],
  ["Baichuan", "baichuan"],
];

export interface ConfigFigures {
  family: string | undefined;
  /** `model_type` exactly as written. */
  modelType: string | undefined;
  /** `architectures[0]` as written. */
  architectureClass: string | undefined;
  figures: Figures;
}

function familyOf(modelType: string | undefined, architectureClass: string | undefined): string | undefined {
  if (modelType !== undefined)
    return FAMILY_BY_MODEL_TYPE[modelType.toLowerCase()] ?? modelType.toLowerCase();
  if (architectureClass === undefined) return undefined;
  return FAMILY_BY_CLASS.find(([prefix]) => architectureClass.startsWith(prefix))?.[1];
}

/** Falcon's KV head count: grouped (new decoder architecture), multi-query (1) or one per head. */
function falconKvHeads(
  config: Readonly<Record<string, unknown>>,
  heads: number | undefined,
): number | undefined {
  if (config.new_decoder_architecture === true) return firstInteger(config, ["num_kv_heads", "n_head_kv"]);
  // FalconConfig defaults multi_query to true.
  if (config.multi_query !== false) return 1;
  return heads;
}

export function figuresFromConfig(config: Readonly<Record<string, unknown>>): ConfigFigures {
  const modelType = typeof config.model_type === "string" ? config.model_type : undefined;
  const classes = Array.isArray(config.architectures) ? config.architectures : [];
  const architectureClass = typeof classes[0] === "string" ? classes[0] : undefined;
  const family = familyOf(modelType, architectureClass);
  const hiddenSize = firstInteger(config, ["hidden_size", "n_embd", "d_model", "dim"]);
  const numHeads = firstInteger(config, ["num_attention_heads", "n_head", "n_heads"]);
  const numKvHeads =
    family === "falcon"
      ? falconKvHeads(config, numHeads)
      : (firstInteger(config, ["num_key_value_heads", "num_kv_heads", "n_kv_heads"]) ?? numHeads);
  let intermediateSize = firstInteger(config, ["intermediate_size", "n_inner", "ffn_hidden_size", "ffn_dim"]);
  // GPT-2 (`n_inner: null`) and Falcon use four times the hidden size when the config says nothing.
  if (
    intermediateSize === undefined &&
    (family === "gpt2" || family === "falcon") &&
    hiddenSize !== undefined
  ) {
    intermediateSize = 4 * hiddenSize;
  }
  const headDim =
    firstInteger(config, ["head_dim"]) ??
    (hiddenSize !== undefined && numHeads !== undefined && hiddenSize % numHeads === 0
      ? hiddenSize / numHeads
      : undefined);
  const tie = config.tie_word_embeddings;
  return {
    family,
    modelType,
    architectureClass,
    figures: {
      hiddenSize,
      numLayers: firstInteger(config, ["num_hidden_layers", "n_layer", "n_layers", "num_layers"]),
      numHeads,
      numKvHeads,
      intermediateSize,
      vocabSize: firstInteger(config, ["vocab_size", "padded_vocab_size"]),
      numExperts: firstInteger(config, ["num_local_experts", "num_experts", "n_routed_experts"]),
      headDim,
      tieWordEmbeddings: typeof tie === "boolean" ? tie : undefined,
    },
  };
}
