/**
 * Sampled indices come in runs of consecutive indices (so sampled rows are few byte ranges), are
 * exactly k of the population, deterministic per salt, and nested across population sizes up to one
 * cut run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { SAMPLE_RUN, sampleIndices } from "../../src/fingerprint/sample.js";
import { planRowRuns } from "../../src/formats/row-reads.js";

function runsOf(indices: readonly number[]): number {
  let runs = 0;
  for (let i = 0; i < indices.length; i++) if (i === 0 || indices[i] !== indices[i - 1]! + 1) runs++;
  return runs;
}

test("k distinct ascending indices below m, in about k / SAMPLE_RUN runs, the same for the same salt", () => {
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
        // Runs touch (adjacent runs merge), so at most one run per SAMPLE_RUN block plus the cut one.
        assert.ok(runsOf(sample) <= Math.ceil(k / SAMPLE_RUN) + 1);
        assert.deepEqual(sampleIndices(m, k, salt), sample);
      },
    ),
  );
});

test("nested across sizes: m's sample below m′ lies in m′'s sample, but for one cut run", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 20000 }),
      fc.integer({ min: 1, max: 500 }),
      fc.nat(),
      (m, k, fraction) => {
        const smaller = 1 + (fraction % (m - 1));
        const inner = new Set(sampleIndices(smaller, k, "nest"));
        const missing = sampleIndices(m, k, "nest").filter((i) => i < smaller && !inner.has(i));
        assert.ok(missing.length < SAMPLE_RUN, `${missing.length} indices of the larger sample missing`);
      },
    ),
  );
});

test("a sample of 128 rows of a 4 KiB-row matrix is a few reads, even with a 1 MiB merge gap", () => {
  const rows = sampleIndices(5632, 128, "mlp");
  const local = planRowRuns(rows, 4096, { gapBytes: 64 * 1024 });
  const remote = planRowRuns(rows, 4096, { gapBytes: 1024 * 1024 });
  const bytes = (runs: { first: number; end: number }[]) =>
    runs.reduce((s, r) => s + (r.end - r.first) * 4096, 0);
  assert.ok(
    local.length <= 9 && bytes(local) <= 2 * 128 * 4096,
    `local: ${local.length} reads, ${bytes(local)} bytes`,
  );
  assert.ok(bytes(remote) <= 0.5 * 5632 * 4096, `remote: ${bytes(remote)} bytes`);
});
