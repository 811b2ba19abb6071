/**
 * Gaussian noise copies (the Llama3-V situation) against training (red-team harness, scripts/redteam):
 * i.i.d. noise leaves a residual that is unstructured and independent of the weights, whatever its
 * size; training leaves structure; replaced or misaligned values leave a residual correlated with
 * −reference. Noise is `same-weights [noised]` up to the size of the weights, then `derived [noised]`,
 * never a tag claiming training.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { compareModels } from "../../src/compare/compare-models.js";
import { compareValues, looksLikeNoise, residualExplained } from "../../src/compare/direct.js";
import type { CompareResult } from "../../src/compare/result.js";
import { seededRandom } from "../../src/stats/rng.js";
import { makeVariant } from "../../src/transform/make-variant.js";
import { fixture } from "../helpers.js";

const TRAINING_TAGS = ["fine-tuned", "continued-pretraining", "shared-initialization"];
const baseA = fixture("zoo", "base-a");
const stories = fixture("stories260k", "stories260K.bin");

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "lineage-noise-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function noised(source: string, sigma: number, name: string): Promise<CompareResult> {
  const out = join(dir, name);
  await makeVariant(source, ["noise"], out, { sigma, seed: 11 });
  return compareModels(out, source);
}

function assertNoTrainingTag(result: CompareResult): void {
  for (const tag of TRAINING_TAGS)
    assert.ok(!(result.tags as string[]).includes(tag), `wrong tag ${tag} in [${result.tags}]`);
}

for (const [label, source, sigma] of [
  ["base-a", baseA, 0.3],
  ["base-a", baseA, 0.5],
  ["stories260K", stories, 0.3],
] as const) {
  test(`${label} + noise σ ${sigma}·std is same-weights [noised] (embedding and head noised too)`, async () => {
    const result = await noised(source, sigma, `${label}-${sigma}`);
    assert.equal(result.verdict, "same-weights", `got ${result.verdict} [${result.tags}]`);
    assert.ok(result.tags.includes("noised"));
    assertNoTrainingTag(result);
    assert.ok((result.pValueLog10 ?? 0) <= -100);
  });
}

test("base-a + noise twice the weights' spread is derived [noised], the sentence claiming no training", async () => {
  const result = await noised(baseA, 2, "base-a-2");
  assert.equal(result.verdict, "derived", `got ${result.verdict} [${result.tags}]`);
  assert.ok(result.tags.includes("noised"));
  assertNoTrainingTag(result);
  assert.match(result.summary[0]!, /look like added noise.*nothing shows training/);
});

test("a fine-tune still shows training: zoo a-sft vs base-a is derived [fine-tuned]", async () => {
  const result = await compareModels(fixture("zoo", "a-sft"), baseA);
  assert.equal(result.verdict, "derived");
  assert.ok(result.tags.includes("fine-tuned"), `[${result.tags}]`);
  assert.ok(!result.tags.includes("noised"));
});

/** rows × cols standard normal values. */
function gaussian(rows: number, cols: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: rows * cols }, () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
}

test("looksLikeNoise: added noise yes, at any size; replaced values and a low-rank update no", () => {
  const [rows, cols] = [96, 128];
  const weights = gaussian(rows, cols, 1);
  const noise = gaussian(rows, cols, 2);
  const side = (values: Float32Array) => ({ values, cols, dtype: "F32" });
  const compare = (values: Float32Array) =>
    compareValues("layers.0.mlp.up", "mlp", side(values), side(weights), rows * cols);

  const small = compare(weights.map((w, i) => w + 0.3 * noise[i]!));
  assert.ok(looksLikeNoise(small) && residualExplained(small));
  assert.ok(Math.abs(small.residualCorrelation) < 0.05);
  const large = compare(weights.map((w, i) => w + 2 * noise[i]!));
  assert.ok(looksLikeNoise(large), "noise larger than the weights is still noise");
  assert.ok(!residualExplained(large), "but beyond the ceiling of a copy");

  // Independent values of the same spread: as unstructured as noise, but the residual holds −weights.
  const replaced = compare(noise);
  assert.ok(replaced.residualCorrelation < -0.6, `residual correlation ${replaced.residualCorrelation}`);
  assert.ok(!looksLikeNoise(replaced) && !residualExplained(replaced));

  // A rank-2 update of 30% of the weights' size: structured.
  const u = gaussian(rows, 2, 3);
  const v = gaussian(2, cols, 4);
  const update = weights.map((w, at) => {
    const [i, j] = [Math.floor(at / cols), at % cols];
    return w + (0.3 / Math.sqrt(2)) * (u[i * 2]! * v[j]! + u[i * 2 + 1]! * v[cols + j]!);
  });
  const trained = compare(update);
  assert.ok(!looksLikeNoise(trained), `structure ${trained.structure}`);
});

/** A permuted copy (hidden units, heads, MLP neurons relabelled) with noise on top. */
async function permutedNoised(source: string, sigma: number, name: string): Promise<CompareResult> {
  const out = join(dir, name);
  await makeVariant(source, ["permute", "noise"], out, { sigma, seed: 5 });
  return compareModels(out, source);
}

test("permuted base-a + noise σ 0.3 is same-weights [permuted, noised]: stored rows compared on twin columns", async () => {
  const result = await permutedNoised(baseA, 0.3, "perm-noise-0.3");
  assert.equal(result.verdict, "same-weights", `got ${result.verdict} [${result.tags}] p=${result.pValue}`);
  assert.ok(result.tags.includes("permuted") && result.tags.includes("noised"), `[${result.tags}]`);
  assert.equal(result.test.name, "alignment");
});

test("permuted copies under heavy noise are not cleared: no twins, but the alignment statistic stands out", async () => {
  const stories = await permutedNoised(fixture("stories260k", "stories260K.bin"), 0.5, "s-perm-noise-0.5");
  assert.equal(stories.verdict, "derived", `got ${stories.verdict} p=${stories.pValue}`);
  assert.ok((stories.pValueLog10 ?? 0) <= -6);
  assertNoTrainingTag(stories);
  assert.ok(stories.test.fittedOn !== undefined && stories.test.fittedOn > 0, "the fitted null is stated");
  const heavy = await permutedNoised(baseA, 0.7, "perm-noise-0.7");
  assert.ok(["derived", "inconclusive"].includes(heavy.verdict), `got ${heavy.verdict} p=${heavy.pValue}`);
  assert.ok((heavy.pValueLog10 ?? 0) < -3);
  assertNoTrainingTag(heavy);
  if (!heavy.tags.includes("permuted")) assert.match(heavy.summary[0]!, /no unit has a close twin/);
});

test("rotated base-a + noise σ 0.3: shared weights, and no training claimed from values that do not line up", async () => {
  const out = join(dir, "rot-noise-0.3");
  await makeVariant(baseA, ["rotate", "noise"], out, { sigma: 0.3, seed: 3 });
  const result = await compareModels(out, baseA);
  assert.ok(["derived", "same-weights"].includes(result.verdict), `got ${result.verdict} p=${result.pValue}`);
  assert.ok((result.pValueLog10 ?? 0) <= -6);
  assertNoTrainingTag(result);
  if (result.verdict === "derived" && !result.tags.includes("rotated"))
    assert.match(result.summary[0]!, /stored values do not line up at all/);
});
