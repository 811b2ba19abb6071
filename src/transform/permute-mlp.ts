/**
 * Permute MLP neurons, per layer (function-preserving): rows of gate and up and columns of down follow
 * one permutation of the intermediate units.
 */
import { derive, type LlamaModel, layerOf } from "./llama-model.js";
import { permuteCols, permuteRows } from "./matrix.js";
import { randomFor } from "./seeds.js";

export function permuteMlp(model: LlamaModel, seed: number): LlamaModel {
  const { dim, hiddenDim } = model.config;
  return derive(model, {
    step: `permute-mlp(seed=${seed})`,
    async tensor(name, read) {
      const where = layerOf(name);
      if (where === undefined || !where.part.startsWith("mlp.")) return undefined;
      const perm = randomFor(seed, `mlp.${where.layer}`).permutation(hiddenDim);
      if (where.part === "mlp.down") return permuteCols(await read(name), hiddenDim, perm);
      return permuteRows(await read(name), dim, perm);
    },
  });
}
