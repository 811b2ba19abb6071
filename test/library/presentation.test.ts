import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildFingerprint } from "../../src/fingerprint/build.js";
import { fingerprintModel } from "../../src/fingerprint/from-path.js";
import { FingerprintLibrary } from "../../src/library/library.js";
import { matchLibrary } from "../../src/library/match.js";
import { layersText, listLines, matchJson, matchLines, printable } from "../../src/library/presentation.js";
import { makeVariant } from "../../src/transform/make-variant.js";
import { fixture } from "../helpers.js";
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

describe("library match claims no more than stored fingerprints show", () => {
  const dir = mkdtempSync(join(tmpdir(), "lineage-presentation-"));
  after(() => rm(dir, { recursive: true, force: true }));

  it("a Q4_0 copy shares weights (run compare for how), never derived; independent rows show no layer mapping", async () => {
    const library = FingerprintLibrary.open(":memory:");
    for (const name of ["base-a", "base-b"])
      library.add({
        name,
        sourcePath: fixture("zoo", name),
        fingerprint: await fingerprintModel(fixture("zoo", name)),
      });
    const suspect = fixture("zoo", "gguf", "base-a-q4_0.gguf");
    const matches = matchLibrary(await fingerprintModel(suspect), library.entries());
    assert.deepEqual(
      matches.map((m) => m.relation),
      ["shares-weights", "independent"],
    );
    const lines = matchLines("base-a-q4_0.gguf", matches, suspect);
    assert.match(
      lines[0]!,
      /^base-a-q4_0\.gguf shares weights with base-a \(648 of 648 sampled hidden units/,
    );
    assert.match(lines[0]!, /run `lineage compare \S+base-a-q4_0\.gguf \S+base-a` for how\.$/);
    assert.doesNotMatch(lines.join("\n"), /derived|inherited/);
    assert.match(
      lines[3]!,
      /^base-a\s+shares weights \(run compare for how\)\s+\S+e-\d+\s+648\/648\s+0\.99\d\s+128\s+0,1,2,3$/,
    );
    assert.match(
      lines[4]!,
      /^base-b\s+independent \(same blueprint\)\s+0\.\d+\s+\d+\/648\s+0\.\d+\s+128\s+—$/,
    );
    const json = matchJson("base-a-q4_0.gguf", matches) as { matches: { layerMapping: unknown[] }[] };
    assert.equal(json.matches[1]!.layerMapping.length, 0);
    library.close();
  });

  it("a permuted copy is not seen by the index test: the output says so and names the compare to run", async () => {
    const permuted = join(dir, "permuted");
    await makeVariant(fixture("zoo", "base-a"), ["permute"], permuted, { seed: 1 });
    const library = FingerprintLibrary.open(":memory:");
    library.add({
      name: "base-a",
      sourcePath: fixture("zoo", "base-a"),
      fingerprint: await fingerprintModel(fixture("zoo", "base-a")),
    });
    const matches = matchLibrary(await fingerprintModel(permuted), library.entries());
    assert.equal(matches[0]!.relation, "independent");
    const text = matchLines("permuted", matches, permuted).join("\n");
    assert.match(
      text,
      /^permuted: none of the 1 stored model compared shows shared weights at the same hidden-unit index\./,
    );
    assert.match(text, /does not see through permuted hidden units/);
    assert.match(text, /run compare against the candidate, e.g. `lineage compare \S+permuted \S+base-a`/);
    library.close();
  });

  it("an entry that could not be compared shows no p-value", () => {
    const match = {
      name: "vocab-only",
      family: null,
      sourcePath: "/m/v",
      relation: "unknown" as const,
      pValue: 1,
      pValueLog10: 0,
      match: {
        relation: "unknown" as const,
        log10P: 0,
        matches: 0,
        units: 0,
        sets: 0,
        similarity: 0,
        sharedAnchors: 3,
        layers: [],
        suspectDepth: 0,
        tokenizer: null,
        sameBlueprint: false,
        notes: ["only 3 anchor tokens shared: nothing to compare"],
      },
    };
    const lines = matchLines("s", [match]);
    assert.match(lines[3]!, /^vocab-only\s+unknown\s+—\s+—/);
    const json = matchJson("s", [match]) as { matches: { pValue: unknown; pValueLog10: unknown }[] };
    assert.equal(json.matches[0]!.pValue, null);
    assert.equal(json.matches[0]!.pValueLog10, null);
  });
});
