import type { PerLayerFigures } from "./figures.js";

/** The blueprint of a model, in our own camelCase, whatever format it came from. */
export interface ArchitectureSummary {
  /** Family as we recognise it: `llama`, `mixtral`, `gpt-neox`, `gpt2`, `falcon`, `phi3`, `qwen2`,
   * `baichuan`, `yi` (Llama blueprint with Yi names), … or `unknown`. */
  family: string;
  hiddenSize: number | undefined;
  numLayers: number | undefined;
  numHeads: number | undefined;
  numKvHeads: number | undefined;
  intermediateSize: number | undefined;
  vocabSize: number | undefined;
  /** Experts per MoE layer (undefined for dense models). */
  numExperts: number | undefined;
  headDim: number | undefined;
  tieWordEmbeddings: boolean | undefined;
  /** Figures set layer by layer that differ between layers (GGUF per-layer arrays); the matching
   * scalar figure above is then undefined. Absent when every layer has the same figures. */
  perLayer?: PerLayerFigures;
  /** Where each figure came from, e.g. `config.json`, `gguf metadata`, `tensor shapes`, `llama2.c header`. */
  sources: string[];
}
