/**
 * Add Gaussian noise relative to each tensor's own spread (lossy; the Llama3-V situation):
 * W' = W + σ·std(W)·N(0, 1), independently per tensor, reproducible from the seed.
 */
import { derive, type LlamaModel } from "./llama-model.js";
import { meanAndStd } from "./matrix.js";
import { randomFor } from "./seeds.js";

export interface NoiseOptions {
  seed: number;
  /** Relative standard deviation σ (e.g. 0.01 = 1% of each tensor's std). */
  sigma: number;
  /** Also perturb norm gains (default true). */
  norms?: boolean;
}

export function addNoise(model: LlamaModel, options: NoiseOptions): LlamaModel {
  const { seed, sigma } = options;
  const norms = options.norms ?? true;
  return derive(model, {
    step: `noise(seed=${seed}, sigma=${sigma})`,
    async tensor(name, read) {
      if (name.startsWith("freqs_cis_")) return undefined;
      if (!norms && model.shapes.get(name)?.length === 1) return undefined;
      const values = await read(name);
      const scale = sigma * meanAndStd(values).std;
      const random = randomFor(seed, name);
      return values.map((v) => v + scale * random.gaussian());
    },
  });
}
