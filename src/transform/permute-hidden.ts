/**
 * Permute the hidden units of the residual stream (function-preserving): with x' = P x, every matrix
 * reading the residual (q, k, v, gate, up, lm_head) has its columns permuted, every matrix writing it
 * (o, down) its rows, embedding columns and every norm weight are permuted the same way.
 */
import { derive, type LlamaModel, layerOf } from "./llama-model.js";
import { permuteCols, permuteRows } from "./matrix.js";
import { randomFor } from "./seeds.js";

const READS_RESIDUAL = new Set(["attn.q", "attn.k", "attn.v", "mlp.gate", "mlp.up"]);

export function permuteHidden(model: LlamaModel, seed: number): LlamaModel {
  const { dim } = model.config;
  const perm = randomFor(seed, "hidden").permutation(dim);
  return derive(model, {
    step: `permute-hidden(seed=${seed})`,
    async tensor(name, read) {
      const part = layerOf(name)?.part ?? name;
      if (part === "attn.o" || part === "mlp.down")
        return permuteRows(await read(name), model.shapes.get(name)![1]!, perm);
      if (
        READS_RESIDUAL.has(part) ||
        ["embed", "lm_head", "attn_norm", "mlp_norm", "final_norm"].includes(part)
      ) {
        return permuteCols(await read(name), dim, perm);
      }
      return undefined;
    },
  });
}
