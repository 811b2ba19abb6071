/**
 * Models that hold no weights at all: llama.cpp's vocabulary files (`ggml-vocab-*.gguf`: tokenizer
 * metadata and hyper-parameters, zero tensors) and other metadata-only files. There is nothing to
 * compare in them, and a comparison must say so instead of finding "no similarity".
 */
import type { ModelSource } from "../formats/model-source.js";

/** Why `source` has no weights to compare, or undefined when it stores at least one tensor. */
export function noWeightsReason(source: ModelSource): string | undefined {
  if (source.store.tensors.length > 0) return undefined;
  if (source.format === "gguf" && source.store.metadata["tokenizer.ggml.tokens"] !== undefined) {
    return "a vocabulary-only GGUF: tokenizer and hyper-parameter metadata, no tensors (llama.cpp ships these to test tokenizers)";
  }
  return "no tensors: a metadata-only file";
}
