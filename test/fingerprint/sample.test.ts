/**
 * Sampled indices are exactly k of the population, chosen by hash alone (deterministic per salt),
 * and nested across population sizes: the sample of m restricted to indices below m′ is a subset of
 * the sample of m′ (what lets a pruned model's fingerprint line up with its base's).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { sampleIndices } from "../../src/fingerprint/sample.js";

test("k distinct ascending indices below m, the same for the same salt", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20000 }),
      fc.integer({ min: 0, max: 3000 }),
      fc.string(),
      (m, k, salt) => {
        const sample = sampleIndices(m, k, salt);
        assert.equal(sample.length, Math.min(m, k));
        for (let i = 0; i < sample.length; i++) {
          assert.ok(Number.isInteger(sample[i]) && sample[i]! >= 0 && sample[i]! < m);
          if (i > 0) assert.ok(sample[i]! > sample[i - 1]!);
        }
        assert.deepEqual(sampleIndices(m, k, salt), sample);
      },
    ),
  );
});

test("another salt gives another sample", () => {
  assert.notDeepEqual(sampleIndices(5632, 128, "mlp"), sampleIndices(5632, 128, "attn"));
});

test("nested across sizes: m's sample below m′ lies in m′'s sample", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 20000 }),
      fc.integer({ min: 1, max: 500 }),
      fc.nat(),
      (m, k, fraction) => {
        const smaller = 1 + (fraction % (m - 1));
        const inner = new Set(sampleIndices(smaller, k, "nest"));
        const missing = sampleIndices(m, k, "nest").filter((i) => i < smaller && !inner.has(i));
        assert.deepEqual(missing, []);
      },
    ),
  );
});

test("indices are spread over the population, not bunched (rows from every part of a matrix)", () => {
  const sample = sampleIndices(4096, 256, "spread");
  const quarters = [0, 0, 0, 0];
  for (const i of sample) quarters[Math.floor(i / 1024)]!++;
  for (const q of quarters) assert.ok(q > 32 && q < 96, `quarters ${quarters.join(",")}`);
});
