/** The benchmark's synthetic fingerprint library (scripts/bench/synthetic-library.ts): every entry must
 * load and match like a stored fingerprint, and only the real one may look related to its model. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { synthesizeLibrary } from "../../scripts/bench/synthetic-library.js";
import { buildFingerprint } from "../../src/fingerprint/build.js";
import { exportEntries } from "../../src/library/exchange.js";
import { FingerprintLibrary } from "../../src/library/library.js";
import { matchLibrary } from "../../src/library/match.js";
import { asCanonical, randomModel } from "../library/synthetic-model.js";

describe("synthetic fingerprint library for bench:compare", () => {
  const dir = mkdtempSync(join(tmpdir(), "lineage-synthetic-library-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes entries that load, keep ascending sample indices, and match as unrelated", async () => {
    const { model, vocabulary } = asCanonical(randomModel(5));
    const fingerprint = await buildFingerprint(model, vocabulary, { createdAt: "2026-01-01T00:00:00Z" });
    const exported = exportEntries(
      [
        {
          name: "reference",
          sourcePath: "/models/reference",
          family: null,
          notes: null,
          createdAt: "2026-01-01T00:00:00Z",
          fingerprintVersion: fingerprint.version,
          fingerprint,
        },
      ],
      "2026-01-01T00:00:00Z",
    );
    const file = join(dir, "library.db");
    assert.ok(synthesizeLibrary(JSON.parse(JSON.stringify(exported)), "export.json", file, 6, 2) > 0);

    const library = FingerprintLibrary.open(file);
    try {
      // Loading parses every stored set: a shuffled `indices` array is refused here.
      const entries = library.entries();
      assert.equal(entries.length, 6);
      const synthetic = entries.find((e) => e.name === "synthetic-00001")!;
      for (const [i, set] of synthetic.fingerprint.sets.entries())
        assert.deepEqual(set.indices, fingerprint.sets[i]!.indices, set.id);
      // The real entry is the model itself; the shuffled ones share nothing with it.
      const matches = matchLibrary(fingerprint, entries);
      assert.equal(matches[0]!.name, "reference");
      assert.equal(matches[0]!.relation, "same-weights");
      for (const m of matches.slice(1)) {
        assert.ok(m.relation === "independent" || m.relation === "inconclusive", `${m.name}: ${m.relation}`);
      }
    } finally {
      library.close();
    }
  });
});
