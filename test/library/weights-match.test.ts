import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseFingerprint } from "../../src/fingerprint/model-fingerprint.js";
import { buildFingerprint } from "../../src/fingerprint/weights-build.js";
import { matchFingerprints } from "../../src/fingerprint/weights-match.js";
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

describe("weight fingerprint matching on synthetic models", () => {
  const base = randomModel(1);

  it("finds the same weights under rotation, norm folding and renumbered token ids", async () => {
    const reference = await fingerprint(base);
    const suspect = await fingerprint(renumbered(rotated(base, 7), 9));
    const match = matchFingerprints(suspect, reference, { permutations: 100 });
    assert.equal(match.relation, "same-weights");
    assert.ok(match.similarity > 0.99, `similarity ${match.similarity}`);
    assert.ok(match.embedding !== null && match.embedding.observed > 0.99);
    assert.ok(match.pValue < 1e-10);
    assert.equal(match.tokenizer?.sameTokenSet, true);
    assert.equal(match.tokenizer?.sameVocabulary, false);
  });

  it("calls a noised copy derived, and an independent model independent", async () => {
    const reference = await fingerprint(base);
    const derived = matchFingerprints(await fingerprint(noised(base, 0.4, 3)), reference, {
      permutations: 100,
    });
    assert.equal(derived.relation, "derived");
    assert.ok(derived.similarity > 0.5 && derived.similarity < 0.98, `similarity ${derived.similarity}`);
    const independent = matchFingerprints(await fingerprint(randomModel(2)), reference, {
      permutations: 100,
    });
    assert.equal(independent.relation, "independent");
    assert.ok(Math.abs(independent.similarity) < 0.2, `similarity ${independent.similarity}`);
    assert.ok(independent.permutationPValue > 0.01, `p ${independent.permutationPValue}`);
  });

  it("maps duplicated layers of a depth-up-scaled copy to their source layers", async () => {
    const reference = await fingerprint(base);
    const deeper = { ...base, shape: { ...base.shape, layers: 4 }, tensors: new Map(base.tensors) };
    for (const [name, t] of base.tensors) {
      if (name.startsWith("layers.1.")) deeper.tensors.set(name.replace("layers.1.", "layers.3."), t);
    }
    const match = matchFingerprints(await fingerprint(deeper), reference, { permutations: 50 });
    assert.deepEqual(
      match.layers.map((l) => l.referenceLayer),
      [0, 1, 2, 1],
    );
    assert.equal(match.relation, "same-weights");
  });

  it("round-trips through JSON and rejects a damaged or foreign document", async () => {
    const fp = await fingerprint(base);
    const again = parseFingerprint(JSON.parse(JSON.stringify(fp)));
    assert.equal(matchFingerprints(again, fp, { permutations: 20 }).relation, "same-weights");
    assert.throws(() => parseFingerprint({ ...fp, version: 99 }), /version 99 is not supported/);
    assert.throws(() => parseFingerprint({ format: "other" }), /not a lineage fingerprint/);
    const damaged = JSON.parse(JSON.stringify(fp));
    damaged.layers[0].qk.n = 3;
    assert.throws(
      () => parseFingerprint(damaged),
      (e: Error & { field?: string }) => e.field === "layers[0].qk",
    );
    const truncated = JSON.parse(JSON.stringify(fp));
    truncated.embedding.data = truncated.embedding.data.slice(0, 100);
    assert.throws(
      () => parseFingerprint(truncated),
      (e: Error & { field?: string }) => e.field === "embedding",
    );
  });
});
