/** Fingerprint matching (the index test on stored unit sets) on synthetic models built here. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildFingerprint } from "../../src/fingerprint/build.js";
import { matchFingerprints } from "../../src/fingerprint/match.js";
import { parseFingerprint } from "../../src/fingerprint/model-fingerprint.js";
import {
  asCanonical,
  noised,
  randomModel,
  renumbered,
  rotated,
  type SyntheticModel,
} from "./synthetic-model.js";

async function fingerprint(model: SyntheticModel) {
  const { model: canonical, vocabulary } = asCanonical(model);
  return buildFingerprint(canonical, vocabulary, { createdAt: "2026-01-01T00:00:00Z" });
}

describe("fingerprint matching on synthetic models", () => {
  const base = randomModel(1);

  it("finds the same weights under rotation, norm folding and renumbered token ids", async () => {
    const reference = await fingerprint(base);
    const match = matchFingerprints(await fingerprint(renumbered(rotated(base, 7), 9)), reference);
    assert.equal(match.relation, "same-weights", JSON.stringify(match.notes));
    assert.ok(match.similarity > 0.999, `similarity ${match.similarity}`);
    assert.ok(match.log10P < -10, `log10 p ${match.log10P}`);
    // Every layer unit at its own index; the residual stream was rotated, so its dimensions are not.
    assert.deepEqual(
      match.layers.map((l) => l.sameIndexShare),
      [1, 1, 1],
    );
    assert.equal(match.tokenizer?.sameTokenSet, true);
    assert.equal(match.tokenizer?.sameVocabulary, false);
  });

  it("calls a noised copy shares-weights (not derived: no training is visible), and an independent model independent with a large p-value", async () => {
    const reference = await fingerprint(base);
    const derived = matchFingerprints(await fingerprint(noised(base, 0.4, 3)), reference);
    assert.equal(derived.relation, "shares-weights");
    assert.ok(derived.similarity < 0.999, `similarity ${derived.similarity}`);
    for (const seed of [2, 3, 4]) {
      const independent = matchFingerprints(await fingerprint(randomModel(seed)), reference);
      assert.equal(independent.relation, "independent", `seed ${seed}: log10 p ${independent.log10P}`);
      assert.ok(independent.log10P >= -3);
      assert.ok(independent.matches <= independent.sets * 4, `${independent.matches} same-index matches`);
    }
  });

  it("maps duplicated layers of a depth-up-scaled copy to their source layers, and calls it derived", async () => {
    const reference = await fingerprint(base);
    const deeper = { ...base, shape: { ...base.shape, layers: 4 }, tensors: new Map(base.tensors) };
    for (const [name, t] of base.tensors) {
      if (name.startsWith("layers.1.")) deeper.tensors.set(name.replace("layers.1.", "layers.3."), t);
    }
    const match = matchFingerprints(await fingerprint(deeper), reference);
    assert.deepEqual(
      match.layers.map((l) => l.referenceLayer),
      [0, 1, 2, 1],
    );
    assert.equal(match.relation, "derived");
  });

  it("round-trips through JSON and rejects a damaged or foreign document", async () => {
    const fp = await fingerprint(base);
    const again = parseFingerprint(JSON.parse(JSON.stringify(fp)));
    assert.equal(matchFingerprints(again, fp).relation, "same-weights");
    assert.throws(
      () => parseFingerprint({ ...fp, version: 1 }),
      /version 1 is not supported .*add the model again/,
    );
    assert.throws(() => parseFingerprint({ format: "other" }), /not a lineage fingerprint/);
    const damaged = JSON.parse(JSON.stringify(fp));
    damaged.sets[1].indices = [3, 2, 1];
    assert.throws(
      () => parseFingerprint(damaged),
      (e: Error & { field?: string }) => e.field === "sets[1]",
    );
    const truncated = JSON.parse(JSON.stringify(fp));
    truncated.sets[0].parts[0].values.data = truncated.sets[0].parts[0].values.data.slice(0, 100);
    assert.throws(
      () => parseFingerprint(truncated),
      (e: Error & { field?: string }) => e.field === "sets[0].parts[0].values",
    );
  });
});
