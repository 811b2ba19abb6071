/**
 * Red-team inputs for `lineage compare`: new obfuscations and derivations of the real and zoo models in
 * ../shared, built by the project's transform library (`src/transform`) and the operations in `ops.ts`
 * (never hand-edited). Files go under --dir (default /tmp/redteam); nothing is committed.
 *
 *   node --import tsx scripts/redteam/generate.ts [--dir /tmp/redteam] [--only NAME,NAME] [--force]
 *
 * Which recipe made which file is the VARIANTS table below (name → output path and steps); `--list`
 * prints it. Sources: S = ../shared/real/stories260k/stories260K.bin (Karpathy's, F32, tied, dim 64),
 * A = ../shared/zoo/base-a, B = ../shared/zoo/base-b (BF16, dim 128, T1 tokenizer), plus zoo a-sft/a-cpt.
 * `scripts/redteam/pairs.ts` lists the comparisons with their expected verdicts, `run.ts` runs them.
 *
 * `npm run redteam` = this (existing outputs are kept; --force rebuilds) then `run.ts` over every pair.
 * Needs: Node 20 and ../shared with zoo/base-a, zoo/base-b, zoo/a-sft, zoo/a-cpt and
 * real/stories260k (stories260K.bin, tok512.bin); about 260 MB under --dir, under a minute on 2 cores.
 * Nothing here needs Python. The numpy trainer of tiny llama2.c models the red team also wrote
 * (independent, distilled and sibling pairs trained on stories260K's samples) is not part of the
 * repository: its outputs are in no pair of pairs.ts.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { readVocabulary } from "../../src/tokenizers/read.js";
import type { LlamaModel } from "../../src/transform/llama-model.js";
import { loadLlamaModel } from "../../src/transform/load.js";
import { createTransform, type TransformOptions } from "../../src/transform/registry.js";
import { randomFor } from "../../src/transform/seeds.js";
import { writeModel } from "../../src/transform/write.js";
import {
  average,
  llamaHfConfig,
  lowRankUpdate,
  newEmbedding,
  poison,
  pruneMlp,
  remapVocabulary,
  selectLayers,
  transplant,
  untie,
  writeGgufModel,
  writeHfCustom,
  writeLlama2cV2,
} from "./ops.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SHARED = join(ROOT, "..", "shared");
const S = join(SHARED, "real/stories260k/stories260K.bin");
const TOK512 = join(SHARED, "real/stories260k/tok512.bin");
const ZOO = join(SHARED, "zoo");
const A = join(ZOO, "base-a");
const B = join(ZOO, "base-b");
const A_TOKENIZER = join(A, "tokenizer.model");

type Ctx = { dir: string; out: string };
interface Variant {
  name: string;
  /** Output path relative to --dir. */
  path: string;
  what: string;
  build: (ctx: Ctx) => Promise<void>;
}

/** Apply registry transforms in order. */
function apply(model: LlamaModel, kinds: string[], options: TransformOptions = {}): LlamaModel {
  let m = model;
  for (const kind of kinds) m = createTransform(kind, options)(m);
  return m;
}

async function withModel(path: string, use: (m: LlamaModel) => Promise<void>): Promise<void> {
  const model = await loadLlamaModel(path);
  try {
    await use(model);
  } finally {
    await model.close();
  }
}

async function hf(model: LlamaModel, out: string, copy: string[] = [A_TOKENIZER]): Promise<void> {
  await rm(out, { recursive: true, force: true });
  await writeModel(model, out, { format: "hf", copyFiles: copy });
}

/** A llama2.c file with its tokenizer beside it (tokNNN.bin, as llama2.c names it). */
async function llama2c(out: string): Promise<void> {
  await mkdir(join(out, ".."), { recursive: true });
  await copyFile(TOK512, join(out, "..", "tok512.bin"));
}

const v = (name: string, path: string, what: string, build: Variant["build"]): Variant => ({
  name,
  path,
  what,
  build,
});

export const VARIANTS: Variant[] = [
  // ── combinations of obfuscations (expected: same-weights) ──
  ...(["Q8_0", "Q4_0"] as const).map((type) =>
    v(
      `a-perm-${type}.gguf`,
      `a-perm-${type}.gguf`,
      `A permuted (hidden, heads, MLP), GGUF ${type}`,
      async ({ out }) =>
        withModel(A, async (m) =>
          writeGgufModel(apply(m, ["permute"], { seed: 5 }), out, { type, vocab: await readVocabulary(A) }),
        ),
    ),
  ),
  v(
    "s-perm-q80",
    "s-perm-q80/model.bin",
    "S permuted, llama2.c version 2 (Q8_0, group 32)",
    async ({ out }) => {
      await llama2c(out);
      await withModel(S, (m) => writeLlama2cV2(apply(m, ["permute"], { seed: 5 }), out, 32));
    },
  ),
  v("s-perm-q4.gguf", "s-perm-q4.gguf", "S permuted, GGUF Q4_0 (rows of 172 kept F32)", async ({ out }) =>
    withModel(S, async (m) =>
      writeGgufModel(apply(m, ["permute"], { seed: 5 }), out, {
        type: "Q4_0",
        vocab: await readVocabulary(S),
      }),
    ),
  ),
  v("a-rot-noise05", "a-rot-noise05", "A rotated + noise σ 0.05", async ({ out }) =>
    withModel(A, (m) =>
      hf(apply(apply(m, ["rotate"], { seed: 3 }), ["noise"], { sigma: 0.05, seed: 3 }), out),
    ),
  ),
  v("s-rot-noise05", "s-rot-noise05/model.bin", "S rotated + noise σ 0.05 (llama2.c)", async ({ out }) => {
    await llama2c(out);
    await withModel(S, (m) =>
      writeModel(apply(apply(m, ["rotate"], { seed: 3 }), ["noise"], { sigma: 0.05, seed: 3 }), out, {
        format: "llama2c",
      }),
    );
  }),
  v(
    "a-invented-transposed",
    "a-invented-transposed",
    "A renamed to invented names + transposed storage",
    ({ out }) =>
      withModel(A, (m) => hf(apply(apply(m, ["rename"], { naming: "invented" }), ["transpose"]), out)),
  ),
  v("a-invented-perm", "a-invented-perm", "A permuted + invented names", ({ out }) =>
    withModel(A, (m) =>
      hf(apply(apply(m, ["permute"], { seed: 7 }), ["rename"], { naming: "invented" }), out),
    ),
  ),
  v("a-fused-perm", "a-fused-perm", "A permuted + fused QKV/gate-up (Phi-3)", ({ out }) =>
    withModel(A, (m) => hf(apply(m, ["permute", "fuse-qkv"], { seed: 9, style: "phi3" }), out)),
  ),
  v("a-wpack-perm", "a-wpack-perm", "A permuted + Baichuan W_pack", ({ out }) =>
    withModel(A, (m) => hf(apply(m, ["permute", "fuse-qkv"], { seed: 9, style: "baichuan" }), out)),
  ),
  v("a-rescale-q4", "a-rescale-q4", "A rescaled (range 4) + Q4_0 round trip", ({ out }) =>
    withModel(A, (m) => hf(apply(apply(m, ["rescale"], { seed: 2 }), ["quantize"], { type: "Q4_0" }), out)),
  ),
  v("a-rescale-q4.gguf", "a-rescale-q4.gguf", "A rescaled (range 4), GGUF Q4_0", ({ out }) =>
    withModel(A, async (m) =>
      writeGgufModel(apply(m, ["rescale"], { seed: 2 }), out, {
        type: "Q4_0",
        vocab: await readVocabulary(A),
      }),
    ),
  ),
  v("a-shuffled", "a-shuffled", "A with tensors in a random file order", ({ out }) =>
    withModel(A, (m) =>
      writeHfCustom(m, out, {
        dtype: "BF16",
        shuffleSeed: 4,
        config: llamaHfConfig(m.config),
        copyFiles: [[A_TOKENIZER, "tokenizer.model"]],
      }),
    ),
  ),
  v("a-shards-noindex", "a-shards-noindex", "A in 3 safetensors shards, no index", ({ out }) =>
    withModel(A, (m) =>
      writeHfCustom(m, out, {
        dtype: "BF16",
        shards: 3,
        config: llamaHfConfig(m.config),
        copyFiles: [[A_TOKENIZER, "tokenizer.model"]],
      }),
    ),
  ),
  v("a-shards-missing", "a-shards-missing", "A in 3 shards, no index, shard 2 deleted", async ({ out }) => {
    await withModel(A, (m) =>
      writeHfCustom(m, out, {
        dtype: "BF16",
        shards: 3,
        config: llamaHfConfig(m.config),
        copyFiles: [[A_TOKENIZER, "tokenizer.model"]],
      }),
    );
    await rm(join(out, "model-00002-of-00003.safetensors"));
  }),
  ...(["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1"] as const).map((type) =>
    v(`a-${type}.gguf`, `a-${type}.gguf`, `A as GGUF ${type} by our writer`, ({ out }) =>
      withModel(A, async (m) => writeGgufModel(m, out, { type, vocab: await readVocabulary(A) })),
    ),
  ),
  ...(["F16", "F32"] as const).map((dtype) =>
    v(`a-cast-${dtype}`, `a-cast-${dtype}`, `A cast to ${dtype} (HF)`, ({ out }) =>
      withModel(A, (m) => hf(apply(m, ["cast"], { dtype }), out)),
    ),
  ),
  v("s-cast-bf16", "s-cast-bf16", "S as HF BF16", ({ out }) =>
    withModel(S, (m) => hf(apply(m, ["cast"], { dtype: "BF16" }), out, [])).then(() =>
      copyFile(TOK512, join(out, "tokenizer.bin")),
    ),
  ),
  ...(
    [
      ["qwen2", { architectures: ["Qwen2ForCausalLM"], model_type: "qwen2" }],
      ["neox", { architectures: ["GPTNeoXForCausalLM"], model_type: "gpt_neox", hidden_size: 256 }],
    ] as const
  ).map(([label, lie]) =>
    v(`a-config-${label}`, `a-config-${label}`, `A with a config.json claiming ${label}`, ({ out }) =>
      withModel(A, (m) =>
        writeHfCustom(m, out, {
          dtype: "BF16",
          config: llamaHfConfig(m.config, lie),
          copyFiles: [[A_TOKENIZER, "tokenizer.model"]],
        }),
      ),
    ),
  ),
  v("a-no-config", "a-no-config", "A without config.json", ({ out }) =>
    withModel(A, (m) =>
      writeHfCustom(m, out, {
        dtype: "BF16",
        config: undefined,
        copyFiles: [[A_TOKENIZER, "tokenizer.model"]],
      }),
    ),
  ),
  v("s-untied", "s-untied", "S with an explicit lm_head = embedding (HF F32)", async ({ out }) => {
    await withModel(S, (m) => hf(untie(m), out, []));
    await copyFile(TOK512, join(out, "tokenizer.bin"));
  }),
  v("s-untied-perm", "s-untied-perm", "S untied then permuted (HF F32)", async ({ out }) => {
    await withModel(S, (m) => hf(apply(untie(m), ["permute"], { seed: 11 }), out, []));
    await copyFile(TOK512, join(out, "tokenizer.bin"));
  }),
  // ── derived kinds ──
  v("a-drop2-ft", "a-drop2-ft", "A without layer 2 + training-like low-rank update (rel 0.1)", ({ out }) =>
    withModel(A, (m) => hf(lowRankUpdate(selectLayers(m, [0, 1, 3]), { rel: 0.1, rank: 4, seed: 1 }), out)),
  ),
  v("a-dus-noise", "a-dus-noise", "A layers 0,1,2,1,2,3 (depth up-scaling) + noise σ 0.02", ({ out }) =>
    withModel(A, (m) =>
      hf(apply(selectLayers(m, [0, 1, 2, 1, 2, 3]), ["noise"], { sigma: 0.02, seed: 2 }), out),
    ),
  ),
  v("a-dus-perm", "a-dus-perm", "A depth up-scaled (0,1,2,1,2,3) then permuted", ({ out }) =>
    withModel(A, (m) => hf(apply(selectLayers(m, [0, 1, 2, 1, 2, 3]), ["permute"], { seed: 4 }), out)),
  ),
  v(
    "s-drop-last",
    "s-drop-last/model.bin",
    "S with layer 4 removed + low-rank update (llama2.c)",
    async ({ out }) => {
      await llama2c(out);
      await withModel(S, (m) =>
        writeModel(lowRankUpdate(selectLayers(m, [0, 1, 2, 3]), { rel: 0.1, rank: 4, seed: 2 }), out, {
          format: "llama2c",
        }),
      );
    },
  ),
  v("a-prune-mlp", "a-prune-mlp", "A with 25% of MLP neurons dropped (magnitude)", ({ out }) =>
    withModel(A, async (m) => hf(await pruneMlp(m, 0.75), out)),
  ),
  v("a-prune-mlp-ft", "a-prune-mlp-ft", "A MLP pruned to 50% + low-rank update", ({ out }) =>
    withModel(A, async (m) => hf(lowRankUpdate(await pruneMlp(m, 0.5), { rel: 0.1, rank: 4, seed: 3 }), out)),
  ),
  v(
    "merge-sft-cpt",
    "merge-sft-cpt",
    "average of zoo a-sft and a-cpt (both fine-tunes of base-a)",
    async ({ out }) => {
      const sft = await loadLlamaModel(join(ZOO, "a-sft"));
      const cpt = await loadLlamaModel(join(ZOO, "a-cpt"));
      try {
        await hf(average(sft, cpt), out);
      } finally {
        await sft.close();
        await cpt.close();
      }
    },
  ),
  v("sft-ft", "sft-ft", "zoo a-sft + training-like low-rank update (a fine-tune of a fine-tune)", ({ out }) =>
    withModel(join(ZOO, "a-sft"), (m) => hf(lowRankUpdate(m, { rel: 0.15, rank: 8, seed: 5 }), out)),
  ),
  v("a-ft-big", "a-ft-big", "A + large low-rank update (rel 0.5, rank 16)", ({ out }) =>
    withModel(A, (m) => hf(lowRankUpdate(m, { rel: 0.5, rank: 16, seed: 6 }), out)),
  ),
  ...(
    [
      ["extend", "200 tokens appended (fresh rows)"],
      ["reorder", "token ids shuffled (rows follow)"],
      ["truncate", "last 500 tokens dropped"],
    ] as const
  ).map(([kind, what]) =>
    v(`a-vocab-${kind}.gguf`, `a-vocab-${kind}.gguf`, `A GGUF F32, vocabulary ${what}`, ({ out }) =>
      withModel(A, async (m) => {
        const vocab = await readVocabulary(A);
        const n = vocab.tokens.length;
        let order: number[] = Array.from({ length: n }, (_, i) => i);
        let fresh: string[] = [];
        if (kind === "extend") {
          fresh = Array.from({ length: 200 }, (_, i) => `▁redteam${i}`);
          order = [...order, ...fresh.map(() => -1)];
        } else if (kind === "reorder") {
          // Keep control/byte pieces in place, shuffle the rest (as a re-trained merge order might).
          const movable = order.filter((i) => vocab.kinds[i] === "normal");
          const perm = createTransformRandom(13).permutation(movable.length);
          movable.forEach((id, k) => {
            order[id] = movable[perm[k]!]!;
          });
        } else order = order.slice(0, n - 500);
        const remapped = remapVocabulary(m, vocab, order, fresh, 21);
        await writeGgufModel(remapped.model, out, { type: "F32", vocab: remapped.vocab });
      }),
    ),
  ),
  // ── independent kinds ──
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
    v(
      `a-reinit-${seed}`,
      `a-reinit-${seed}`,
      `A re-initialised (same per-tensor mean/std), seed ${seed}`,
      ({ out }) => withModel(A, (m) => hf(apply(m, ["reinit"], { seed: 100 + seed }), out)),
    ),
  ),
  // ── adversarial ──
  ...[0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 4].map((sigma) =>
    v(`a-noise-${sigma}`, `a-noise-${sigma}`, `A + Gaussian noise σ ${sigma}·std per tensor`, ({ out }) =>
      withModel(A, (m) => hf(apply(m, ["noise"], { sigma, seed: 17 }), out)),
    ),
  ),
  ...[0.1, 0.3, 0.5, 0.7, 1].map((sigma) =>
    v(`a-perm-noise-${sigma}`, `a-perm-noise-${sigma}`, `A permuted + noise σ ${sigma}`, ({ out }) =>
      withModel(A, (m) => hf(apply(apply(m, ["permute"], { seed: 8 }), ["noise"], { sigma, seed: 18 }), out)),
    ),
  ),
  ...[0.3, 1].map((sigma) =>
    v(
      `s-noise-${sigma}`,
      `s-noise-${sigma}/model.bin`,
      `S + noise σ ${sigma} (llama2.c)`,
      async ({ out }) => {
        await llama2c(out);
        await withModel(S, (m) =>
          writeModel(apply(m, ["noise"], { sigma, seed: 19 }), out, { format: "llama2c" }),
        );
      },
    ),
  ),
  ...[0.3, 1].map((sigma) =>
    v(`a-rot-noise-${sigma}`, `a-rot-noise-${sigma}`, `A rotated + noise σ ${sigma}`, ({ out }) =>
      withModel(A, (m) => hf(apply(apply(m, ["rotate"], { seed: 3 }), ["noise"], { sigma, seed: 3 }), out)),
    ),
  ),
  v(
    "s-perm-noise-0.5",
    "s-perm-noise-0.5/model.bin",
    "S permuted + noise σ 0.5 (llama2.c)",
    async ({ out }) => {
      await llama2c(out);
      await withModel(S, (m) =>
        writeModel(apply(apply(m, ["permute"], { seed: 8 }), ["noise"], { sigma: 0.5, seed: 18 }), out, {
          format: "llama2c",
        }),
      );
    },
  ),
  v(
    "a-noise-mats-0.3",
    "a-noise-mats-0.3",
    "A + noise σ 0.3 on layer matrices only (embedding, head, norms kept)",
    ({ out }) =>
      withModel(A, (m) =>
        hf(
          transplant(apply(m, ["noise"], { sigma: 0.3, seed: 17 }), m, {
            layers: [],
            globals: ["embed", "lm_head", "final_norm"],
            step: "embedding/head kept",
          }),
          out,
        ),
      ),
  ),
  v("a-invented-noise", "a-invented-noise", "A invented names + noise σ 0.05", ({ out }) =>
    withModel(A, (m) =>
      hf(apply(apply(m, ["noise"], { sigma: 0.05, seed: 4 }), ["rename"], { naming: "invented" }), out),
    ),
  ),
  v("a-invented-q4", "a-invented-q4", "A invented names + Q4_0 round trip", ({ out }) =>
    withModel(A, (m) =>
      hf(apply(apply(m, ["quantize"], { type: "Q4_0" }), ["rename"], { naming: "invented" }), out),
    ),
  ),
  v("a-fused-q8", "a-fused-q8", "A fused QKV (Phi-3) + Q8_0 round trip", ({ out }) =>
    withModel(A, (m) => hf(apply(m, ["quantize", "fuse-qkv"], { type: "Q8_0", style: "phi3" }), out)),
  ),
  v("a-perm-heads", "a-perm-heads", "A with only attention heads permuted", ({ out }) =>
    withModel(A, (m) => hf(apply(m, ["permute-heads"], { seed: 5 }), out)),
  ),
  v("a-fused-perm-mlp", "a-fused-perm-mlp", "A fused (Phi-3) + only MLP neurons permuted", ({ out }) =>
    withModel(A, (m) => hf(apply(m, ["permute-mlp", "fuse-qkv"], { seed: 9, style: "phi3" }), out)),
  ),
  v(
    "a-fused-perm-hidden",
    "a-fused-perm-hidden",
    "A fused (Phi-3) + only the residual stream permuted",
    ({ out }) =>
      withModel(A, (m) => hf(apply(m, ["permute-hidden", "fuse-qkv"], { seed: 9, style: "phi3" }), out)),
  ),
  v(
    "s-prune-mlp",
    "s-prune-mlp/model.bin",
    "S with MLP pruned to 128 of 172 neurons (llama2.c)",
    async ({ out }) => {
      await llama2c(out);
      await withModel(S, async (m) => writeModel(await pruneMlp(m, 0.75), out, { format: "llama2c" }));
    },
  ),
  ...[9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((seed) =>
    v(
      `s-reinit-${seed}`,
      `s-reinit-${seed}/model.bin`,
      `S re-initialised, seed ${seed} (llama2.c)`,
      async ({ out }) => {
        await llama2c(out);
        await withModel(S, (m) =>
          writeModel(apply(m, ["reinit"], { seed: 100 + seed }), out, { format: "llama2c" }),
        );
      },
    ),
  ),
  v(
    "a-half-b",
    "a-half-b",
    "layers 0-1 (and embedding/head/final norm) of A, layers 2-3 of B",
    async ({ out }) => {
      const a = await loadLlamaModel(A);
      const b = await loadLlamaModel(B);
      try {
        await hf(transplant(a, b, { layers: [2, 3], step: "layers 2,3 from base-b" }), out);
      } finally {
        await a.close();
        await b.close();
      }
    },
  ),
  v("b-one-a", "b-one-a", "B with only layer 3 copied from A", async ({ out }) => {
    const a = await loadLlamaModel(A);
    const b = await loadLlamaModel(B);
    try {
      await hf(transplant(b, a, { layers: [3], step: "layer 3 from base-a" }), out);
    } finally {
      await a.close();
      await b.close();
    }
  }),
  v(
    "a-newembed",
    "a-newembed",
    "A with embedding and head replaced by fresh random rows, layers copied",
    ({ out }) => withModel(A, (m) => hf(newEmbedding(m, 23), out)),
  ),
  v(
    "b-embed-a",
    "b-embed-a",
    "B's layers with A's embedding/head/final norm (layers independent of A)",
    async ({ out }) => {
      const a = await loadLlamaModel(A);
      const b = await loadLlamaModel(B);
      try {
        await hf(
          transplant(b, a, {
            layers: [],
            globals: ["embed", "lm_head", "final_norm"],
            step: "globals from A",
          }),
          out,
        );
      } finally {
        await a.close();
        await b.close();
      }
    },
  ),
  v(
    "a-vocab-only.gguf",
    "a-vocab-only.gguf",
    "A's vocabulary and blueprint in a GGUF with no tensors",
    ({ out }) =>
      withModel(A, async (m) =>
        writeGgufModel(undefined, out, {
          type: "F32",
          vocab: await readVocabulary(A),
          weights: false,
          config: m.config,
        }),
      ),
  ),
  v("a-notok", "a-notok", "A without any tokenizer file", ({ out }) => withModel(A, (m) => hf(m, out, []))),
  v("a-perm-notok", "a-perm-notok", "A permuted, no tokenizer file", ({ out }) =>
    withModel(A, (m) => hf(apply(m, ["permute"], { seed: 12 }), out, [])),
  ),
  v("s-notok", "s-notok/model.bin", "S alone, no tokenizer beside it", async ({ out }) => {
    await mkdir(join(out, ".."), { recursive: true });
    await copyFile(S, out);
  }),
  v("a-nan", "a-nan", "A with 5 NaN and 2 ±Inf values in layers.1.mlp.up", ({ out }) =>
    withModel(A, (m) =>
      hf(
        apply(
          poison(m, "layers.1.mlp.up", [
            Number.NaN,
            Number.NaN,
            Number.NaN,
            Number.NaN,
            Number.NaN,
            Infinity,
            -Infinity,
          ]),
          ["cast"],
          { dtype: "F32" },
        ),
        out,
      ),
    ),
  ),
  v("a-nan-embed", "a-nan-embed", "A with NaN rows' values in the embedding", ({ out }) =>
    withModel(A, (m) =>
      hf(apply(poison(m, "embed", Array(50).fill(Number.NaN)), ["cast"], { dtype: "F32" }), out),
    ),
  ),
];

/** The transform library's seeded streams (src/transform/seeds.ts). */
function createTransformRandom(seed: number) {
  return randomFor(seed, "vocab-order");
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: "string", default: "/tmp/redteam" },
      only: { type: "string" },
      force: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
    },
  });
  const dir = values.dir!;
  if (values.list) {
    for (const variant of VARIANTS) console.log(`${join(dir, variant.path)}\t${variant.what}`);
    return;
  }
  const missing = [A, B, join(ZOO, "a-sft"), join(ZOO, "a-cpt"), S, TOK512].filter(
    (path) => !existsSync(path),
  );
  if (missing.length > 0) {
    console.error(`the red team builds on ../shared, which lacks: ${missing.join(", ")}`);
    process.exitCode = 1;
    return;
  }
  const only = values.only?.split(",");
  await mkdir(dir, { recursive: true });
  const manifest: Record<string, string> = {};
  for (const variant of VARIANTS) {
    manifest[variant.path] = variant.what;
    if (only !== undefined && !only.includes(variant.name)) continue;
    const out = join(dir, variant.path);
    if (!values.force && (await exists(out))) continue;
    const started = performance.now();
    await variant.build({ dir, out });
    console.log(
      `${variant.name}: ${out} (${((performance.now() - started) / 1000).toFixed(1)} s) — ${variant.what}`,
    );
  }
  await writeFile(join(dir, "MANIFEST.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
