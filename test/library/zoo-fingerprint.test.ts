import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { ModelFingerprint } from "../../src/fingerprint/model-fingerprint.js";
import { fingerprintModel } from "../../src/fingerprint/weights-from-path.js";
import { matchFingerprints, type Relation } from "../../src/fingerprint/weights-match.js";
import { shared, skipUnlessShared } from "../helpers.js";

/** The zoo pairs the brief names, with the relation the fingerprint must find (zoo/LINEAGE.md). */
const EXPECTED: [string, Relation][] = [
  ["a-cpt", "derived"],
  ["a-dus", "derived"],
  ["a-moe", "derived"],
  ["a-vx", "derived"],
  ["gguf/base-a-q4_0.gguf", "same-weights"],
  ["base-b", "independent"],
  ["a-distill", "independent"],
  ["neox-c", "independent"],
];

describe("fingerprint separation on the zoo (against base-a)", skipUnlessShared("zoo", "base-a"), () => {
  const fingerprints = new Map<string, ModelFingerprint>();
  before(async () => {
    for (const name of ["base-a", ...EXPECTED.map(([n]) => n)]) {
      fingerprints.set(name, await fingerprintModel(shared("zoo", name)!));
    }
  });

  it("matches every descendant strongly and no independent model", () => {
    const reference = fingerprints.get("base-a")!;
    const derived: number[] = [];
    const independent: number[] = [];
    for (const [name, relation] of EXPECTED) {
      const match = matchFingerprints(fingerprints.get(name)!, reference, { permutations: 30 });
      assert.equal(match.relation, relation, `${name}: similarity ${match.similarity}`);
      (relation === "independent" ? independent : derived).push(match.similarity);
    }
    // The margin the thresholds sit in: descendants ≥ 0.7, independent models ≤ 0.3.
    assert.ok(Math.min(...derived) > 0.7, `weakest descendant ${Math.min(...derived)}`);
    assert.ok(Math.max(...independent) < 0.3, `strongest independent ${Math.max(...independent)}`);
  });

  it("follows depth up-scaling to the copied layers", () => {
    const match = matchFingerprints(fingerprints.get("a-dus")!, fingerprints.get("base-a")!, {
      permutations: 10,
    });
    assert.deepEqual(
      match.layers.map((l) => l.referenceLayer),
      [0, 1, 2, 1, 2, 3],
    );
  });
});
