/**
 * Rotate the residual stream by a random orthogonal matrix R (function-preserving after the norm gains
 * are folded into the adjacent matrices): with x' = R x, RMSNorm(x') = R·RMSNorm(x) because an
 * orthogonal R keeps the root-mean-square, so matrices reading the residual become W·Rᵀ (q, k, v, gate,
 * up, lm_head), matrices writing it become R·W (o, down) and embedding rows e become R e (E·Rᵀ).
 *
 * What is preserved: the logits, exactly in real arithmetic (to float32 rounding here), for every
 * input. What changes: every weight of the residual basis; norm gains become 1 (folded); a tied
 * embedding becomes an untied head. Attention heads and MLP neurons keep their bases (q·kᵀ and the
 * SwiGLU are untouched), which is what basis-free comparison methods can still exploit.
 * R is dim×dim float64, built in O(dim³): meant for small models.
 */
import { foldNorms } from "./fold-norms.js";
import { derive, type LlamaModel, layerOf } from "./llama-model.js";
import { mulLeft, mulTransposedRight } from "./matrix.js";
import { randomOrthogonal } from "./random.js";
import { randomFor } from "./seeds.js";

const READS_RESIDUAL = new Set(["attn.q", "attn.k", "attn.v", "mlp.gate", "mlp.up", "lm_head", "embed"]);

export function rotateResidual(model: LlamaModel, seed: number): LlamaModel {
  const folded = foldNorms(model);
  const { dim } = model.config;
  let rotation: Float64Array | undefined;
  const r = () => (rotation ??= randomOrthogonal(dim, randomFor(seed, "rotation")));
  return derive(folded, {
    step: `rotate(seed=${seed})`,
    async tensor(name, read) {
      const part = layerOf(name)?.part ?? name;
      if (READS_RESIDUAL.has(part)) return mulTransposedRight(await read(name), dim, r());
      if (part === "attn.o" || part === "mlp.down") {
        return mulLeft(r(), dim, await read(name), folded.shapes.get(name)![1]!);
      }
      return undefined;
    },
  });
}
