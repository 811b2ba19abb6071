/**
 * The compare benchmark's generator (scripts/bench) must make what docs/bench.md says it makes:
 *   - the permuted copy is exactly src/transform's permuteHidden ∘ permuteHeads ∘ permuteMlp of the
 *     reference (same seed), and computes the same function (forward pass: same logits);
 *   - the rotated copy computes the same function up to BF16 rounding;
 *   - the noised copy is the reference plus noise of the stated size;
 *   - an independent model is unrelated tensor by tensor, yet its anchor-token Gram matrix correlates
 *     with the reference's (a shared "language"), so it is not trivially orthogonal;
 *   - FP8 checkpoints hold E4M3 codes and 128 × 128 block scales that decode back to the values.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type ModelShape, PRESETS } from "../../scripts/bench/blueprint.js";
import { ModelWriter, type Variant } from "../../scripts/bench/generate-model.js";
import { Generator } from "../../scripts/bench/generator-wasm.js";
import { correlation } from "../../src/fingerprint/weights-linalg.js";
import { SafetensorsStore } from "../../src/formats/safetensors/store.js";
import { llamaForward } from "../../src/transform/forward.js";
import { readAllTensors } from "../../src/transform/llama-model.js";
import { loadLlamaModel } from "../../src/transform/load.js";
import { permuteHeads } from "../../src/transform/permute-heads.js";
import { permuteHidden } from "../../src/transform/permute-hidden.js";
import { permuteMlp } from "../../src/transform/permute-mlp.js";
import { fixture } from "../helpers.js";

const TOKENIZER = fixture("zoo", "base-a", "tokenizer.model");
const SMALL: ModelShape = {
  ...PRESETS.zoo!.shape,
  hidden: 64,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  mlp: 96,
  vocab: 300,
};
const TOKENS = [1, 17, 250, 3, 99];

let dir: string;
let generator: Generator;
const paths = new Map<string, string>();

async function make(name: string, shape: ModelShape, variant: Variant): Promise<string> {
  const folder = join(dir, name);
  await new ModelWriter(generator, shape, variant).write(folder, TOKENIZER);
  paths.set(name, folder);
  return folder;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "lineage-bench-generator-"));
  generator = await Generator.create();
  await make("reference", SMALL, { seed: 1 });
  await make("permuted", SMALL, { seed: 1, permute: { seed: 3, rotate: false } });
  await make("rotated", SMALL, { seed: 1, permute: { seed: 3, rotate: true } });
  await make("noised", SMALL, { seed: 1, noise: { ratio: 0.1, seed: 7 } });
  await make("independent", SMALL, { seed: 2 });
});

after(() => rm(dir, { recursive: true, force: true }));

async function tensors(name: string) {
  const model = await loadLlamaModel(paths.get(name)!);
  try {
    return { config: model.config, weights: await readAllTensors(model) };
  } finally {
    await model.close();
  }
}

function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

test("the permuted copy is src/transform's permutation of the reference, value for value", async () => {
  const reference = await loadLlamaModel(paths.get("reference")!);
  try {
    const expected = await readAllTensors(permuteMlp(permuteHeads(permuteHidden(reference, 3), 3), 3));
    const { weights } = await tensors("permuted");
    for (const [name, values] of expected) assert.deepEqual(weights.get(name), values, name);
  } finally {
    await reference.close();
  }
});

test("permuted and rotated copies compute the reference's function (forward pass)", async () => {
  const reference = await tensors("reference");
  const logits = llamaForward(reference.config, reference.weights, TOKENS);
  const scale = maxAbs(logits);
  for (const [name, tolerance] of [
    ["permuted", 1e-9],
    ["rotated", 0.02],
  ] as const) {
    const copy = await tensors(name);
    const other = llamaForward(copy.config, copy.weights, TOKENS);
    let worst = 0;
    for (let i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs(other[i]! - logits[i]!));
    assert.ok(worst <= tolerance * scale, `${name}: max logit difference ${worst} vs scale ${scale}`);
    assert.ok(correlation(other, logits) > 0.999, name);
  }
  // And the rotation changed the weights themselves (norm gains folded to 1, matrices mixed).
  const rotated = await tensors("rotated");
  assert.ok(rotated.weights.get("layers.0.attn_norm")!.every((v) => v === 1));
  const q = reference.weights.get("layers.0.attn.q")!;
  assert.ok(Math.abs(correlation(rotated.weights.get("layers.0.attn.q")!, q)) < 0.2);
});

test("the noised copy is the reference plus ~10% noise; an independent model is unrelated", async () => {
  const reference = await tensors("reference");
  const noised = await tensors("noised");
  const independent = await tensors("independent");
  for (const name of ["layers.1.mlp.up", "layers.0.attn.k", "embed"]) {
    const r = reference.weights.get(name)!;
    const n = noised.weights.get(name)!;
    let diff = 0;
    let size = 0;
    for (let i = 0; i < r.length; i++) {
      diff += (n[i]! - r[i]!) ** 2;
      size += r[i]! ** 2;
    }
    const ratio = Math.sqrt(diff / size);
    assert.ok(ratio > 0.05 && ratio < 0.2, `${name}: noise ratio ${ratio}`);
    assert.ok(Math.abs(correlation(independent.weights.get(name)!, r)) < 0.05, `${name}: independent`);
  }
});

test("independent models share a 'language': their anchor Gram matrices correlate", async () => {
  const gram = (embed: Float32Array) => {
    const d = SMALL.hidden;
    const out: number[] = [];
    for (let i = 0; i < 120; i++) {
      for (let j = i + 1; j < 120; j++) {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += embed[i * d + t]! * embed[j * d + t]!;
        out.push(dot);
      }
    }
    return out;
  };
  const a = gram((await tensors("reference")).weights.get("embed")!);
  const b = gram((await tensors("independent")).weights.get("embed")!);
  const r = correlation(a, b);
  assert.ok(r > 0.3 && r < 0.95, `Gram correlation ${r}`);
});

test("norm gains are not all 1 and vary per tensor", async () => {
  const { weights } = await tensors("reference");
  const gain = weights.get("layers.0.mlp_norm")!;
  assert.ok(Math.max(...gain) / Math.min(...gain) > 1.5);
  assert.notDeepEqual(gain, weights.get("layers.1.mlp_norm"));
});

test("FP8 (DeepSeek-V3 layout): E4M3 codes with 128×128 block scales decode back to the values", async () => {
  const shape: ModelShape = {
    ...PRESETS["deepseek-v3"]!.shape,
    hidden: 256,
    layers: 1,
    heads: 2,
    kvHeads: 2,
    mlp: 384,
    vocab: 300,
    experts: 4,
    expertMlp: 192,
    mla: { qLoraRank: 96, kvLoraRank: 64, qkNopeHeadDim: 32, qkRopeHeadDim: 16, vHeadDim: 32 },
  };
  const folder = await make("fp8", shape, { seed: 5 });
  const store = await SafetensorsStore.open([join(folder, "model.safetensors")]);
  try {
    const name = "model.layers.0.mlp.experts.2.down_proj.weight";
    assert.equal(store.get(name)?.dtype, "F8_E4M3");
    assert.deepEqual(store.get(name)?.shape, [256, 192]);
    assert.deepEqual(store.get(name.replace(".weight", ".weight_scale_inv"))?.shape, [2, 2]);
    assert.equal(store.get("model.layers.0.mlp.gate.weight")?.dtype, "BF16");
    assert.equal(store.get("model.layers.0.mlp.gate.e_score_correction_bias")?.dtype, "F32");
    const codes = await store.read(name);
    const scales = await store.read(name.replace(".weight", ".weight_scale_inv"));
    const values = codes.map(
      (v, i) => v * scales[Math.floor(i / 192 / 128) * 2 + Math.floor((i % 192) / 128)]!,
    );
    // The same tensor regenerated as BF16 (no FP8): the FP8 values agree to E4M3's 3-bit mantissa.
    const bf16 = await make("fp8-as-bf16", { ...shape, fp8: false }, { seed: 5 });
    const reference = await SafetensorsStore.open([join(bf16, "model.safetensors")]);
    try {
      const exact = await reference.read(name);
      let err = 0;
      let size = 0;
      for (let i = 0; i < exact.length; i++) {
        err += (values[i]! - exact[i]!) ** 2;
        size += exact[i]! ** 2;
      }
      assert.ok(Math.sqrt(err / size) < 0.05, `relative error ${Math.sqrt(err / size)}`);
      assert.ok(Math.max(...codes.map(Math.abs)) <= 448);
    } finally {
      await reference.close();
    }
  } finally {
    await store.close();
  }
});
