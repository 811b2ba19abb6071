/**
 * Rescale pairs of matrices by reciprocal factors (function-preserving), per layer:
 * - MLP: up rows × c_j, down columns ÷ c_j (SwiGLU is linear in the up branch);
 * - attention values: v rows × c, o columns ÷ c for every query head reading that value head;
 * - queries/keys: for each key head and RoPE pair, q rows (every query head of the group) × c and
 *   k rows ÷ c (both rows of a pair share c, so the rotation commutes);
 * - norm gains: g × s with the columns of the matrices reading the norm ÷ s (final norm too unless
 *   the head is tied to the embedding).
 * Factors are log-uniform in [1/range, range] with a random sign (positive for norm gains).
 */
import { derive, headDim, type LlamaModel, layerOf } from "./llama-model.js";
import { scaleCols, scaleRows } from "./matrix.js";
import type { Random } from "./random.js";
import { ropePairs } from "./rope-order.js";
import { randomFor } from "./seeds.js";

export interface RescaleOptions {
  seed: number;
  /** Largest factor (default 4). */
  range?: number;
}

function factors(random: Random, n: number, range: number, signed: boolean): Float64Array {
  return Float64Array.from({ length: n }, () => {
    const magnitude = Math.exp((2 * random.next() - 1) * Math.log(range));
    return signed && random.next() < 0.5 ? -magnitude : magnitude;
  });
}

const inverse = (values: Float64Array) => values.map((v) => 1 / v);

export function rescale(model: LlamaModel, options: RescaleOptions): LlamaModel {
  const { seed } = options;
  const range = options.range ?? 4;
  const { dim, hiddenDim, nHeads, nKvHeads, ropeOrder, tiedEmbeddings } = model.config;
  const hs = headDim(model.config);
  const group = nHeads / nKvHeads;
  const draw = (label: string, n: number, signed: boolean) =>
    factors(randomFor(seed, label), n, range, signed);
  /** Per key/value row factor c for q·k (equal within a RoPE pair). */
  const qk = (layer: number) => {
    const pairFactors = draw(`qk.${layer}`, nKvHeads * (hs / 2), true);
    const k = new Float64Array(nKvHeads * hs);
    ropePairs(hs, ropeOrder).forEach(([a, b], j) => {
      for (let head = 0; head < nKvHeads; head++) {
        const c = pairFactors[head * (hs / 2) + j]!;
        k[head * hs + a] = c;
        k[head * hs + b] = c;
      }
    });
    return k;
  };
  /** Expand per-key/value-head rows to the query heads sharing them. */
  const toQueryHeads = (kv: Float64Array) =>
    Float64Array.from(
      { length: nHeads * hs },
      (_, r) => kv[Math.floor(Math.floor(r / hs) / group) * hs + (r % hs)]!,
    );
  const norm = (label: string) => draw(label, dim, false);
  return derive(model, {
    step: `rescale(seed=${seed}, range=${range})`,
    async tensor(name, read) {
      if (name === "final_norm" && !tiedEmbeddings) return scaleCols(await read(name), dim, norm("final"));
      if (name === "lm_head") return scaleCols(await read(name), dim, inverse(norm("final")));
      const where = layerOf(name);
      if (where === undefined) return undefined;
      const l = where.layer;
      const attnIn = () => inverse(norm(`attn_norm.${l}`));
      const mlpIn = () => inverse(norm(`mlp_norm.${l}`));
      const values = () => draw(`v.${l}`, nKvHeads * hs, true);
      const neurons = () => draw(`mlp.${l}`, hiddenDim, true);
      switch (where.part) {
        case "attn_norm":
          return scaleCols(await read(name), dim, norm(`attn_norm.${l}`));
        case "mlp_norm":
          return scaleCols(await read(name), dim, norm(`mlp_norm.${l}`));
        case "attn.q":
          return scaleCols(scaleRows(await read(name), dim, toQueryHeads(qk(l))), dim, attnIn());
        case "attn.k":
          return scaleCols(scaleRows(await read(name), dim, inverse(qk(l))), dim, attnIn());
        case "attn.v":
          return scaleCols(scaleRows(await read(name), dim, values()), dim, attnIn());
        case "attn.o":
          return scaleCols(await read(name), dim, inverse(toQueryHeads(values())));
        case "mlp.gate":
          return scaleCols(await read(name), dim, mlpIn());
        case "mlp.up":
          return scaleCols(scaleRows(await read(name), dim, neurons()), dim, mlpIn());
        case "mlp.down":
          return scaleCols(await read(name), hiddenDim, inverse(neurons()));
        default:
          return undefined;
      }
    },
  });
}
