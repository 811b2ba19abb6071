/** The library's fingerprints on the zoo: every labelled relation to base-a found from stored fingerprints alone. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { fingerprintModel } from "../../src/fingerprint/from-path.js";
import { matchFingerprints, type Relation } from "../../src/fingerprint/match.js";
import type { ModelFingerprint } from "../../src/fingerprint/model-fingerprint.js";
import { shared, skipUnlessShared } from "../helpers.js";

/** The zoo's models against base-a, with the relation a fingerprint must find (zoo/LINEAGE.md): a
 * change the fingerprints show (layers, experts, tokens) is `derived`; one they cannot name is
 * `shares-weights`, never `derived` (a Q4_0 copy is not a fine-tune). */
const EXPECTED: [string, Relation][] = [
  // Same structure, signatures moved: fingerprints cannot tell a fine-tune from a quantized copy.
  ["a-sft", "shares-weights"],
  ["a-cpt", "shares-weights"],
  ["a-dus", "derived"],
  ["a-moe", "derived"],
  ["a-vx", "derived"],
  ["gguf/base-a-q8_0.gguf", "same-weights"],
  ["gguf/base-a-q4_0.gguf", "shares-weights"],
  ["base-b", "independent"],
  ["a-distill", "independent"],
  ["neox-c", "independent"],
];

describe("fingerprints of the zoo (against base-a)", skipUnlessShared("zoo", "base-a"), () => {
  const fingerprints = new Map<string, ModelFingerprint>();
  before(async () => {
    for (const name of ["base-a", ...EXPECTED.map(([n]) => n)])
      fingerprints.set(name, await fingerprintModel(shared("zoo", name)!));
  });

  it("finds every descendant and no independent model", () => {
    const reference = fingerprints.get("base-a")!;
    for (const [name, relation] of EXPECTED) {
      const match = matchFingerprints(fingerprints.get(name)!, reference);
      assert.equal(
        match.relation,
        relation,
        `${name}: log10 p ${match.log10P}, similarity ${match.similarity}`,
      );
      if (relation === "independent") assert.ok(match.log10P >= -3);
      else assert.ok(match.log10P <= -6);
    }
  });

  it("follows depth up-scaling to the copied layers", () => {
    const match = matchFingerprints(fingerprints.get("a-dus")!, fingerprints.get("base-a")!);
    assert.deepEqual(
      match.layers.map((l) => l.referenceLayer),
      [0, 1, 2, 1, 2, 3],
    );
  });
});
