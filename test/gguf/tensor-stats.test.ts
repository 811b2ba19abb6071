import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import {
  statsOf,
  statsOfChunks,
  statsOfTensor,
  TensorStatsAccumulator,
} from "../../src/fingerprint/tensor-stats.js";
import { createEncoder } from "../../src/formats/gguf/encode.js";
import { GgufStore } from "../../src/formats/gguf/store.js";
import { encodeGguf } from "../../src/formats/gguf/writer.js";

/** Plain two-pass float64 reference. */
function reference(values: number[]) {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const variance = finite.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return {
    count: values.length,
    finiteCount: n,
    mean,
    std: Math.sqrt(variance),
    min: finite.reduce((a, b) => Math.min(a, b), Infinity),
    max: finite.reduce((a, b) => Math.max(a, b), -Infinity),
    rms: Math.sqrt(finite.reduce((a, b) => a + b * b, 0) / n),
    nanCount: values.filter(Number.isNaN).length,
    infCount: values.filter((v) => v === Infinity || v === -Infinity).length,
  };
}

function close(actual: number, expected: number, scale: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, scale), `${what}: ${actual} vs ${expected}`);
}

test("known values: mean, population std, min, max, rms, NaN and Inf counts", () => {
  const stats = statsOf(new Float32Array([1, 2, 3, 4, Number.NaN, Number.POSITIVE_INFINITY, -Infinity]));
  assert.deepEqual(stats, {
    count: 7,
    finiteCount: 4,
    mean: 2.5,
    std: Math.sqrt(1.25),
    min: 1,
    max: 4,
    rms: Math.sqrt(7.5),
    nanCount: 1,
    infCount: 2,
  });
});

test("no finite values: counts are kept, the rest is NaN; an empty stream is all zero counts", () => {
  const stats = statsOf(new Float32Array([Number.NaN, Infinity]));
  assert.equal(stats.count, 2);
  assert.equal(stats.nanCount, 1);
  assert.equal(stats.infCount, 1);
  assert.ok(Number.isNaN(stats.mean) && Number.isNaN(stats.std) && Number.isNaN(stats.min));
  assert.equal(statsOf(new Float32Array(0)).count, 0);
});

test("any cut into chunks gives the two-pass reference (property)", async () => {
  const value = fc.oneof(
    { weight: 20, arbitrary: fc.float({ min: -1000, max: 1000, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity) },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(value, { minLength: 1, maxLength: 300 }),
      fc.array(fc.nat(300)),
      async (raw, cuts) => {
        const values = new Float32Array(raw);
        const points = [...new Set(cuts.map((c) => c % (values.length + 1)))].sort((a, b) => a - b);
        const edges = [0, ...points, values.length];
        const chunks = edges.slice(1).map((end, i) => values.subarray(edges[i], end));
        const stats = await statsOfChunks(chunks);
        const expected = reference([...values]);
        assert.equal(stats.count, expected.count);
        assert.equal(stats.finiteCount, expected.finiteCount);
        assert.equal(stats.nanCount, expected.nanCount);
        assert.equal(stats.infCount, expected.infCount);
        if (expected.finiteCount === 0) return;
        assert.equal(stats.min, expected.min);
        assert.equal(stats.max, expected.max);
        close(stats.mean, expected.mean, 1000, "mean");
        close(stats.std, expected.std, 1000, "std");
        close(stats.rms, expected.rms, 1000, "rms");
      },
    ),
    { numRuns: 300, seed: 7 },
  );
});

test("accurate for a narrow distribution far from zero (norm weights ≈ 1 ± 1e-4)", () => {
  const values = new Float32Array(200_000);
  for (let i = 0; i < values.length; i++) values[i] = 1 + 1e-4 * Math.sin(i);
  const expected = reference([...values]);
  const accumulator = new TensorStatsAccumulator();
  for (let i = 0; i < values.length; i += 4096) accumulator.add(values, i, Math.min(values.length, i + 4096));
  const stats = accumulator.result();
  assert.ok(Math.abs(stats.std - expected.std) / expected.std < 1e-9, `${stats.std} vs ${expected.std}`);
});

test("merging accumulators equals one pass over everything", () => {
  const a = new Float32Array([1, 5, 9]);
  const b = new Float32Array([-2, Number.NaN, 4]);
  const merged = new TensorStatsAccumulator().add(a).merge(new TensorStatsAccumulator().add(b)).result();
  const whole = statsOf(new Float32Array([...a, ...b]));
  for (const key of Object.keys(whole) as (keyof typeof whole)[]) close(merged[key], whole[key], 10, key);
});

test("statsOfTensor streams a GGUF tensor in chunks and matches the whole read", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lineage-stats-"));
  after(() => rm(dir, { recursive: true, force: true }));
  const values = new Float32Array(64 * 256);
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.37) * 0.02 + 0.001;
  const path = join(dir, "m.gguf");
  await writeFile(
    path,
    encodeGguf({
      tensors: [{ name: "w", dtype: "Q8_0", shape: [64, 256], data: createEncoder("Q8_0")(values) }],
    }),
  );
  const store = await GgufStore.open(path);
  const whole = statsOf(await store.read("w"));
  let chunks = 0;
  for await (const chunk of store.readChunks("w", { chunkBytes: 34 * 10 })) {
    assert.ok(chunk.length <= 320);
    chunks++;
  }
  assert.equal(chunks, Math.ceil(512 / 10));
  const streamed = await statsOfTensor(store, "w", { chunkBytes: 34 * 10 });
  for (const key of Object.keys(whole) as (keyof typeof whole)[]) close(streamed[key], whole[key], 1, key);
  await store.close();
});
