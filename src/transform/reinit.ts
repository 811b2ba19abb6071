/**
 * A fresh re-initialisation with the same blueprint: the "independent" control. Each tensor is drawn
 * from N(mean, std) of the original tensor (norm gains included), so per-tensor and per-layer
 * statistics match the original while the values share nothing with it — the situation in which raw
 * statistics (std profiles, norm-weight cosines) wrongly suggest a copy.
 */
import { derive, type LlamaModel } from "./llama-model.js";
import { meanAndStd } from "./matrix.js";
import { randomFor } from "./seeds.js";

export function reinitialize(model: LlamaModel, seed: number): LlamaModel {
  return derive(model, {
    step: `reinit(seed=${seed})`,
    async tensor(name, read) {
      if (name.startsWith("freqs_cis_")) return undefined;
      const values = await read(name);
      const { mean, std } = meanAndStd(values);
      const random = randomFor(seed, name);
      return values.map(() => mean + std * random.gaussian());
    },
  });
}
