/** Hyper-parameters from a llama2.c header (as the Llama2cStore exposes it in `metadata`). */
import { type Figures, firstInteger } from "./figures.js";

export function figuresFromLlama2c(metadata: Readonly<Record<string, unknown>>): Figures {
  const hiddenSize = firstInteger(metadata, ["dim"]);
  const numHeads = firstInteger(metadata, ["n_heads"]);
  const shared = metadata.shared_classifier;
  return {
    hiddenSize,
    numLayers: firstInteger(metadata, ["n_layers"]),
    numHeads,
    numKvHeads: firstInteger(metadata, ["n_kv_heads"]) ?? numHeads,
    intermediateSize: firstInteger(metadata, ["hidden_dim"]),
    vocabSize: firstInteger(metadata, ["vocab_size"]),
    numExperts: undefined,
    headDim:
      hiddenSize !== undefined && numHeads !== undefined && hiddenSize % numHeads === 0
        ? hiddenSize / numHeads
        : undefined,
    tieWordEmbeddings: typeof shared === "boolean" ? shared : undefined,
  };
}
