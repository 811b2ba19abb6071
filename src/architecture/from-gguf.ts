/** Family and hyper-parameters from GGUF metadata (`general.architecture`, `{arch}.…` keys, vocabulary). */
import { type Figures, firstInteger } from "./figures.js";

/** GGUF `general.architecture` → our family name (others are kept as they are). */
const FAMILY_BY_GGUF_ARCH: Readonly<Record<string, string>> = {
  llama: "llama",
  gptneox: "gpt-neox",
  gpt2: "gpt2",
  falcon: "falcon",
  phi3: "phi3",
  qwen2: "qwen2",
  qwen2moe: "qwen2-moe",
  baichuan: "baichuan",
};

export interface GgufFigures {
  /** `general.architecture` as written. */
  architecture: string | undefined;
  family: string | undefined;
  figures: Figures;
}

function lengthOf(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (ArrayBuffer.isView(value) && "length" in value) return (value as unknown as { length: number }).length;
  return undefined;
}

export function figuresFromGguf(metadata: Readonly<Record<string, unknown>>): GgufFigures {
  const arch =
    typeof metadata["general.architecture"] === "string" ? metadata["general.architecture"] : undefined;
  const key = (name: string) => [`${arch}.${name}`];
  const numHeads = firstInteger(metadata, key("attention.head_count"));
  const numExperts = firstInteger(metadata, key("expert_count"));
  const hiddenSize = firstInteger(metadata, key("embedding_length"));
  let family = arch === undefined ? undefined : (FAMILY_BY_GGUF_ARCH[arch] ?? arch);
  // llama.cpp writes Mixtral as `llama` with experts.
  if (family === "llama" && numExperts !== undefined) family = "mixtral";
  return {
    architecture: arch,
    family,
    figures: {
      hiddenSize,
      numLayers: firstInteger(metadata, key("block_count")),
      numHeads,
      numKvHeads: firstInteger(metadata, key("attention.head_count_kv")) ?? numHeads,
      intermediateSize: firstInteger(metadata, key("feed_forward_length")),
      vocabSize: lengthOf(metadata["tokenizer.ggml.tokens"]) ?? firstInteger(metadata, key("vocab_size")),
      numExperts,
      headDim:
        firstInteger(metadata, key("attention.key_length")) ??
        (hiddenSize !== undefined && numHeads !== undefined && hiddenSize % numHeads === 0
          ? hiddenSize / numHeads
          : undefined),
    },
  };
}
