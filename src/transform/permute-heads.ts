/**
 * Permute attention heads, per layer (function-preserving): key/value heads are permuted, the query
 * heads that share each key/value head move with it and are shuffled within their group, and the value
 * dimensions inside each head are permuted (q/k dimensions are not: RoPE pairs them). Rows of q, k, v
 * and columns of o follow.
 */
import { derive, type LlamaConfig, type LlamaModel, layerOf } from "./llama-model.js";
import { permuteCols, permuteRows } from "./matrix.js";
import { randomFor } from "./seeds.js";

/** Where each row of q, k, v and each column of o comes from (out[i] = in[map[i]]). */
export interface HeadPermutation {
  qRows: Int32Array;
  kRows: Int32Array;
  vRows: Int32Array;
  oCols: Int32Array;
}

/** Layer `layer`'s head permutation for `seed` (the benchmark's generator draws the same ones). */
export function headPermutation(
  config: Pick<LlamaConfig, "dim" | "nHeads" | "nKvHeads">,
  seed: number,
  layer: number,
): HeadPermutation {
  const { nHeads, nKvHeads } = config;
  const hs = config.dim / nHeads;
  const group = nHeads / nKvHeads;
  const random = randomFor(seed, `heads.${layer}`);
  const kvOrder = random.permutation(nKvHeads);
  const qRows = new Int32Array(nHeads * hs);
  const kRows = new Int32Array(nKvHeads * hs);
  const vRows = new Int32Array(nKvHeads * hs);
  const oCols = new Int32Array(nHeads * hs);
  for (let a = 0; a < nKvHeads; a++) {
    const oldKv = kvOrder[a]!;
    const within = random.permutation(group);
    const valueDims = random.permutation(hs);
    for (let i = 0; i < hs; i++) {
      kRows[a * hs + i] = oldKv * hs + i;
      vRows[a * hs + i] = oldKv * hs + valueDims[i]!;
    }
    for (let b = 0; b < group; b++) {
      const newHead = a * group + b;
      const oldHead = oldKv * group + within[b]!;
      for (let i = 0; i < hs; i++) {
        qRows[newHead * hs + i] = oldHead * hs + i;
        oCols[newHead * hs + i] = oldHead * hs + valueDims[i]!;
      }
    }
  }
  return { qRows, kRows, vRows, oCols };
}

export function permuteHeads(model: LlamaModel, seed: number): LlamaModel {
  const { dim } = model.config;
  const cache = new Map<number, HeadPermutation>();
  const forLayer = (layer: number) => {
    const cached = cache.get(layer);
    if (cached !== undefined) return cached;
    const perm = headPermutation(model.config, seed, layer);
    cache.set(layer, perm);
    return perm;
  };
  return derive(model, {
    step: `permute-heads(seed=${seed})`,
    async tensor(name, read) {
      const where = layerOf(name);
      if (where === undefined) return undefined;
      const perm = () => forLayer(where.layer);
      switch (where.part) {
        case "attn.q":
          return permuteRows(await read(name), dim, perm().qRows);
        case "attn.k":
          return permuteRows(await read(name), dim, perm().kRows);
        case "attn.v":
          return permuteRows(await read(name), dim, perm().vRows);
        case "attn.o":
          return permuteCols(await read(name), dim, perm().oCols);
        default:
          return undefined;
      }
    },
  });
}
