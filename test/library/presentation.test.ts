import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildFingerprint } from "../../src/fingerprint/build.js";
import { FingerprintLibrary } from "../../src/library/library.js";
import { matchLibrary } from "../../src/library/match.js";
import { layersText, listLines, matchLines, printable } from "../../src/library/presentation.js";
import { asCanonical, randomModel, rotated } from "./synthetic-model.js";

describe("library terminal output", () => {
  it("says whose weights a suspect carries, ranks the rest, and keeps control characters out", async () => {
    const base = randomModel(21);
    const { model, vocabulary } = asCanonical(base);
    const library = FingerprintLibrary.open(":memory:");
    library.add({
      name: "base",
      family: "x\u001b[31m",
      sourcePath: "/m/base",
      fingerprint: await buildFingerprint(model, vocabulary),
    });
    const other = asCanonical(randomModel(22));
    library.add({
      name: "other",
      sourcePath: "/m/other",
      family: "llama",
      fingerprint: await buildFingerprint(other.model, other.vocabulary),
    });
    const suspect = asCanonical(rotated(base, 3));
    const lines = matchLines(
      "suspect",
      matchLibrary(await buildFingerprint(suspect.model, suspect.vocabulary), library.entries()),
    );
    assert.match(
      lines[0]!,
      /^suspect holds the same weights as base \(\d+ of \d+ sampled hidden units at the same index, p = \S+e-\d+\)\.$/,
    );
    assert.match(lines[3]!, /^base\s+same-weights\s+\S+e-\d+\s+\d+\/\d+\s+1\.000/);
    assert.match(lines[4]!, /^other\s+independent \(same blueprint\)/);
    assert.deepEqual(
      listLines(library.list()).map((l) => l.split(/\s+/).slice(0, 2)),
      [
        ["NAME", "FAMILY"],
        ["base", "x\ufffd[31m"],
        ["other", "llama"],
      ],
    );
    assert.deepEqual(listLines([]), ["The library is empty. Add a model with `lineage library add MODEL`."]);
    assert.equal(printable("a\u0007b"), "a\ufffdb");
    library.close();
  });

  it("prints the layer map per suspect layer, also when the suspect is shallower", () => {
    const pairs = (map: [number, number][]) =>
      map.map(([suspectLayer, referenceLayer]) => ({ suspectLayer, referenceLayer, sameIndexShare: 0 }));
    const identity = pairs([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    assert.equal(layersText({ layers: identity, suspectDepth: 3 }), "0,1,2");
    const upScaled = pairs([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 1],
      [4, 2],
      [5, 3],
    ]);
    assert.equal(layersText({ layers: upScaled, suspectDepth: 6 }), "0,1,2,1,2,3");
    // A 3-layer suspect against a 4-layer reference: the map lists reference layers, two of them on
    // suspect layer 1, none on suspect layer 2 (the old cell read "0,1,2,3" here).
    const shallower = pairs([
      [0, 0],
      [1, 1],
      [1, 2],
      [0, 3],
    ]);
    assert.equal(layersText({ layers: shallower, suspectDepth: 3 }), "0+3,1+2,-");
    assert.equal(layersText({ layers: [], suspectDepth: 0 }), "—");
  });
});
