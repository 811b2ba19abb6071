/**
 * Partial reuse: a model built from parts of two models (`transplant`: some layers, or the embedding,
 * head and final norm, from a donor), or a model whose embedding and head were replaced by fresh values
 * while its layers were kept (`newEmbedding`). The situations in which only some of a model's weights
 * are shared with another one.
 */
import { derive, type LlamaModel, layerOf } from "./llama-model.js";
import { meanAndStd } from "./matrix.js";
import { randomFor } from "./seeds.js";

/** Tensors of `donor` in the listed layers (and `globals`: embed, lm_head, final_norm), the rest from model. */
export function transplant(
  model: LlamaModel,
  donor: LlamaModel,
  options: { layers: readonly number[]; globals?: readonly string[]; step: string },
): LlamaModel {
  return derive(model, {
    step: options.step,
    tensor(name) {
      const where = layerOf(name);
      const fromDonor =
        where === undefined ? (options.globals ?? []).includes(name) : options.layers.includes(where.layer);
      return fromDonor ? donor.read(name) : undefined;
    },
  });
}

/** Replace embed (and lm_head) by fresh Gaussian values of the same mean/std: layers copied, new embedding. */
export function newEmbedding(model: LlamaModel, seed: number): LlamaModel {
  return derive(model, {
    step: `new-embedding(seed=${seed})`,
    async tensor(name, read) {
      if (name !== "embed" && name !== "lm_head") return undefined;
      const values = await read(name);
      const { mean, std } = meanAndStd(values);
      const random = randomFor(seed, `embed.${name}`);
      return values.map(() => mean + std * random.gaussian());
    },
  });
}
