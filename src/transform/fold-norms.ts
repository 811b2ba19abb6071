/**
 * Fold RMSNorm gains into the matrices that read the normalised vector (function-preserving):
 * W' = W·diag(g) for q, k, v (attention norm), gate, up (MLP norm) and lm_head (final norm); every
 * gain becomes 1. A tied embedding is untied, since the head now differs from the embedding. This is
 * what makes a rotation of the residual stream function-preserving (see rotate.ts).
 */
import { derive, type LlamaModel, layerOf } from "./llama-model.js";
import { scaleCols } from "./matrix.js";

const NORM_OF: Record<string, string> = {
  "attn.q": "attn_norm",
  "attn.k": "attn_norm",
  "attn.v": "attn_norm",
  "mlp.gate": "mlp_norm",
  "mlp.up": "mlp_norm",
};

export function foldNorms(model: LlamaModel): LlamaModel {
  const { dim } = model.config;
  const shapes = new Map(model.shapes);
  shapes.set("lm_head", [model.config.vocabSize, dim]);
  const tied = model.config.tiedEmbeddings;
  return derive(model, {
    step: "fold-norms",
    config: { tiedEmbeddings: false },
    shapes,
    async tensor(name, read) {
      if (name === "lm_head") {
        return scaleCols(await read(tied ? "embed" : "lm_head"), dim, await read("final_norm"));
      }
      if (name === "final_norm") return new Float32Array(dim).fill(1);
      const where = layerOf(name);
      if (where === undefined) return undefined;
      if (where.part === "attn_norm" || where.part === "mlp_norm") return new Float32Array(dim).fill(1);
      const norm = NORM_OF[where.part];
      if (norm === undefined) return undefined;
      return scaleCols(await read(name), dim, await read(`layers.${where.layer}.${norm}`));
    },
  });
}
