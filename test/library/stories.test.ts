import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fingerprintModel, suspectReadings } from "../../src/fingerprint/from-path.js";
import { TRANSPOSED_READING_NOTE } from "../../src/fingerprint/model-fingerprint.js";
import type { LibraryEntry } from "../../src/library/library.js";
import { matchLibrary } from "../../src/library/match.js";
import { fixture } from "../helpers.js";

function entry(name: string, fingerprint: LibraryEntry["fingerprint"]): LibraryEntry {
  return {
    name,
    sourcePath: name,
    family: null,
    notes: null,
    createdAt: "",
    fingerprintVersion: 1,
    fingerprint,
  };
}

describe("real llama2.c model stories260K and its transposed copy", () => {
  it("recognises the transposed re-layout as the same weights, and a zoo model as independent", async () => {
    const entries = [
      entry("stories260K", await fingerprintModel(fixture("stories260k", "stories260K.bin"))),
      entry("base-a", await fingerprintModel(fixture("zoo", "base-a"))),
    ];
    const readings = await suspectReadings(fixture("stories260k", "stories260K.transpose.bin"));
    assert.equal(readings.length, 2, "llama2.c cannot show transposed storage: both readings are tried");
    const ranked = matchLibrary(readings, entries);
    assert.deepEqual(
      ranked.map((m) => [m.name, m.relation]),
      [
        ["stories260K", "same-weights"],
        ["base-a", "independent"],
      ],
    );
    assert.ok(ranked[0]!.match.notes.some((n) => n.includes(TRANSPOSED_READING_NOTE)));
    // Read only as stored, the re-laid-out layer matrices do not line up: only the embedding (stored
    // as it was) shows the shared weights. The second reading is what finds the copy.
    const asStored = matchLibrary(readings[0]!, entries);
    assert.equal(asStored.find((m) => m.name === "stories260K")!.relation, "shares-weights");
  });
});
