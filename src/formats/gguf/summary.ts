/**
 * The model facts gguf-dump users look for in a GGUF header, read from its key-values: the name, the
 * context length, RoPE settings, the file type and the tokenizer model. Absent keys stay undefined.
 */
import { fileTypeName } from "./file-type.js";

export interface GgufModelSummary {
  /** `general.name`. */
  name: string | undefined;
  architecture: string | undefined;
  /** `{arch}.context_length`: the context the model was trained for. */
  contextLength: number | undefined;
  rope: {
    /** `{arch}.rope.freq_base` (θ). */
    freqBase: number | undefined;
    /** `{arch}.rope.dimension_count`: rotated dimensions per head. */
    dimensionCount: number | undefined;
    /** `{arch}.rope.scaling.type`: none, linear, yarn, longrope. */
    scalingType: string | undefined;
    scalingFactor: number | undefined;
    originalContextLength: number | undefined;
  };
  /** `general.file_type` as llama.cpp names it (`Q4_K_M`, `F16`, …). */
  fileType: string | undefined;
  /** `tokenizer.ggml.model`: llama (SentencePiece), gpt2 (byte-level BPE), bert (WordPiece), t5 (Unigram), … */
  tokenizerModel: string | undefined;
  /** `tokenizer.ggml.pre`: the pre-tokenizer llama.cpp applies. */
  tokenizerPre: string | undefined;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);
const number = (value: unknown) =>
  typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : undefined;

export function ggufModelSummary(metadata: Readonly<Record<string, unknown>>): GgufModelSummary {
  const arch = text(metadata["general.architecture"]);
  const key = (name: string) => metadata[`${arch}.${name}`];
  const fileType = number(metadata["general.file_type"]);
  return {
    name: text(metadata["general.name"]),
    architecture: arch,
    contextLength: number(key("context_length")),
    rope: {
      freqBase: number(key("rope.freq_base")),
      dimensionCount: number(key("rope.dimension_count")),
      scalingType: text(key("rope.scaling.type")),
      scalingFactor: number(key("rope.scaling.factor")),
      originalContextLength: number(key("rope.scaling.original_context_length")),
    },
    fileType: fileType === undefined ? undefined : fileTypeName(fileType),
    tokenizerModel: text(metadata["tokenizer.ggml.model"]),
    tokenizerPre: text(metadata["tokenizer.ggml.pre"]),
  };
}

/** How a `tokenizer.ggml.model` value is spoken of: llama.cpp's names say little to a reader. */
export const GGUF_TOKENIZER_MODELS: Readonly<Record<string, string>> = {
  llama: "SentencePiece",
  gpt2: "byte-level BPE",
  bert: "WordPiece",
  t5: "SentencePiece Unigram",
  rwkv: "RWKV greedy",
  plamo2: "PLaMo-2 Aho-Corasick",
  no_vocab: "no vocabulary",
};
