/**
 * Magnitude pruning of MLP neurons: each layer keeps the neurons with the largest ‖up row‖·‖down
 * column‖ (a multiple of 32), in their original order, as structured pruning tools (LLM-Pruner,
 * Minitron width pruning) leave them.
 */
import { derive, type LlamaModel, layerOf, llamaShapes } from "./llama-model.js";

/** Drop MLP neurons: keep the `keep` share with the largest ‖up row‖·‖down column‖ (magnitude pruning). */
export async function pruneMlp(model: LlamaModel, keep: number): Promise<LlamaModel> {
  const { dim, hiddenDim, nLayers } = model.config;
  const kept = Math.round((hiddenDim * keep) / 32) * 32 || 32;
  const chosen: number[][] = [];
  for (let l = 0; l < nLayers; l++) {
    const up = await model.read(`layers.${l}.mlp.up`);
    const down = await model.read(`layers.${l}.mlp.down`);
    const score = Array.from({ length: hiddenDim }, (_, j) => {
      let u = 0;
      let d = 0;
      for (let c = 0; c < dim; c++) u += up[j * dim + c]! ** 2;
      for (let r = 0; r < dim; r++) d += down[r * hiddenDim + j]! ** 2;
      return { j, s: Math.sqrt(u * d) };
    });
    chosen.push(
      score
        .sort((x, y) => y.s - x.s)
        .slice(0, kept)
        .map((x) => x.j)
        .sort((x, y) => x - y),
    );
  }
  const config = { ...model.config, hiddenDim: kept };
  return derive(model, {
    step: `prune-mlp(keep=${kept}/${hiddenDim})`,
    config: { hiddenDim: kept },
    shapes: llamaShapes(config),
    async tensor(name, read) {
      const where = layerOf(name);
      if (where === undefined || !where.part.startsWith("mlp.") || where.part === "mlp_norm")
        return undefined;
      const keepRows = chosen[where.layer]!;
      const values = await read(name);
      if (where.part === "mlp.down") {
        const out = new Float32Array(dim * kept);
        for (let r = 0; r < dim; r++)
          for (const [k, j] of keepRows.entries()) out[r * kept + k] = values[r * hiddenDim + j]!;
        return out;
      }
      const out = new Float32Array(kept * dim);
      for (const [k, j] of keepRows.entries()) out.set(values.subarray(j * dim, (j + 1) * dim), k * dim);
      return out;
    },
  });
}
