import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { ConflictError, FormatError, InputNotFoundError, UsageError } from "../../src/errors.js";
import { buildFingerprint } from "../../src/fingerprint/build.js";
import type { ModelFingerprint } from "../../src/fingerprint/model-fingerprint.js";
import { exportEntries, parseExport } from "../../src/library/exchange.js";
import { FingerprintLibrary } from "../../src/library/library.js";
import { libraryPath } from "../../src/library/location.js";
import { matchLibrary } from "../../src/library/match.js";
import { SCHEMA_VERSION } from "../../src/library/schema.js";
import { asCanonical, noised, randomModel, type SyntheticModel } from "./synthetic-model.js";

async function fingerprint(model: SyntheticModel): Promise<ModelFingerprint> {
  const { model: canonical, vocabulary } = asCanonical(model);
  return buildFingerprint(canonical, vocabulary, { createdAt: "2026-01-01T00:00:00Z" });
}

describe("fingerprint library", () => {
  let dir: string;
  let base: SyntheticModel;
  let fpBase: ModelFingerprint;
  let fpOther: ModelFingerprint;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "lineage-library-"));
    base = randomModel(11);
    fpBase = await fingerprint(base);
    fpOther = await fingerprint(randomModel(12));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("stores, lists, reads back and removes fingerprints across reopenings, in WAL mode", () => {
    const file = join(dir, "nested", "lib.db");
    const library = FingerprintLibrary.open(file);
    library.add({
      name: "base",
      sourcePath: "/models/base",
      family: "llama",
      notes: "seed 11",
      fingerprint: fpBase,
    });
    library.add({ name: "other", sourcePath: "/models/other", fingerprint: fpOther });
    library.close();
    const again = FingerprintLibrary.open(file);
    assert.deepEqual(
      again.list().map((e) => [e.name, e.family, e.notes]),
      [
        ["base", "llama", "seed 11"],
        ["other", null, null],
      ],
    );
    assert.deepEqual(again.get("base").fingerprint, JSON.parse(JSON.stringify(fpBase)));
    again.remove("other");
    assert.deepEqual(
      again.list().map((e) => e.name),
      ["base"],
    );
    again.close();
    const db = new Database(file, { readonly: true });
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    const row = db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number };
    assert.equal(row.v, SCHEMA_VERSION);
    db.close();
  });

  it("refuses unknown names and duplicate names, and replaces on request", () => {
    const library = FingerprintLibrary.open(join(dir, "names.db"));
    library.add({ name: "base", sourcePath: "a", fingerprint: fpBase });
    assert.throws(
      () => library.get("missing"),
      (e: unknown) =>
        e instanceof InputNotFoundError && /no fingerprint named "missing" \(known: base\)/.test(e.message),
    );
    assert.throws(() => library.remove("missing"), InputNotFoundError);
    assert.throws(
      () => library.add({ name: "base", sourcePath: "b", fingerprint: fpOther }),
      (e: unknown) => e instanceof ConflictError && /already has a fingerprint named "base"/.test(e.message),
    );
    assert.throws(
      () => library.add({ name: "bad\u0007name", sourcePath: "b", fingerprint: fpOther }),
      UsageError,
    );
    library.add({ name: "base", sourcePath: "b", fingerprint: fpOther }, { replace: true });
    assert.equal(library.get("base").sourcePath, "b");
    library.close();
  });

  it("refuses a corrupt file, a foreign database and a newer schema with FormatError", () => {
    const garbage = join(dir, "garbage.db");
    writeFileSync(garbage, Buffer.alloc(4096, 0x5a));
    assert.throws(
      () => FingerprintLibrary.open(garbage),
      (e: unknown) => e instanceof FormatError && e.file === garbage && /SQLITE_NOTADB/.test(e.message),
    );
    const foreign = join(dir, "foreign.db");
    const db = new Database(foreign);
    db.exec("CREATE TABLE invoices (id INTEGER)");
    db.close();
    assert.throws(
      () => FingerprintLibrary.open(foreign),
      /not a lineage library: it holds tables \(invoices\)/,
    );
    const newer = join(dir, "newer.db");
    FingerprintLibrary.open(newer).close();
    const db2 = new Database(newer);
    db2.prepare("INSERT INTO schema_migrations VALUES (?, 'future', 'now')").run(SCHEMA_VERSION + 1);
    db2.close();
    assert.throws(
      () => FingerprintLibrary.open(newer),
      (e: unknown) => e instanceof FormatError && e.field === "schema_migrations",
    );
  });

  it("exports and imports entries as JSON, and rejects a foreign or damaged export", () => {
    const source = FingerprintLibrary.open(join(dir, "export.db"));
    source.add({
      name: "base",
      sourcePath: "/m/base",
      family: "llama",
      fingerprint: fpBase,
      createdAt: "2026-02-02T00:00:00Z",
    });
    const document = JSON.parse(JSON.stringify(exportEntries(source.entries())));
    source.close();
    const target = FingerprintLibrary.open(join(dir, "import.db"));
    for (const entry of parseExport(document, "x.json")) target.add(entry);
    const imported = target.get("base");
    assert.equal(imported.createdAt, "2026-02-02T00:00:00Z");
    assert.deepEqual(imported.fingerprint, JSON.parse(JSON.stringify(fpBase)));
    target.close();
    assert.throws(() => parseExport({ format: "something" }, "x.json"), /not a lineage library export/);
    const damaged = structuredClone(document);
    damaged.entries[0].fingerprint.version = 7;
    assert.throws(
      () => parseExport(damaged, "x.json"),
      (e: unknown) => e instanceof FormatError && e.field === "version",
    );
  });

  it("ranks the suspect's base first and calls the others independent", async () => {
    const library = FingerprintLibrary.open(join(dir, "match.db"));
    library.add({ name: "other", sourcePath: "o", fingerprint: fpOther });
    library.add({ name: "base", sourcePath: "b", fingerprint: fpBase });
    const ranked = matchLibrary(await fingerprint(noised(base, 0.3, 5)), library.entries());
    library.close();
    assert.deepEqual(
      ranked.map((m) => [m.name, m.relation]),
      [
        ["base", "shares-weights"],
        ["other", "independent"],
      ],
    );
  });

  it("streams entries for matching: one parsed at a time, the same ranking as the whole list", async () => {
    const file = join(dir, "stream.db");
    const library = FingerprintLibrary.open(file);
    library.add({ name: "a-base", sourcePath: "b", fingerprint: fpBase });
    library.add({ name: "b-other", sourcePath: "o", fingerprint: fpOther });
    const suspect = await fingerprint(noised(base, 0.3, 5));
    const listed = matchLibrary(suspect, library.entries());
    const streamed = matchLibrary(suspect, library.each());
    assert.deepEqual(
      streamed.map((m) => [m.name, m.relation, m.pValueLog10]),
      listed.map((m) => [m.name, m.relation, m.pValueLog10]),
    );
    library.close();
    // Damage the second entry: the whole list fails, the stream yields the first before it fails.
    const db = new Database(file);
    db.prepare("UPDATE fingerprints SET fingerprint = '{' WHERE name = 'b-other'").run();
    db.close();
    const reopened = FingerprintLibrary.open(file);
    assert.throws(() => reopened.entries(), FormatError);
    const stream = reopened.each();
    assert.equal(stream.next().value?.name, "a-base");
    assert.throws(() => stream.next(), /stored fingerprint is not valid JSON/);
    reopened.close();
  });

  it("finds its location from the option, then LINEAGE_LIBRARY, then the home folder", () => {
    assert.equal(libraryPath("/x/lib.db", { LINEAGE_LIBRARY: "/y/lib.db" }), "/x/lib.db");
    assert.equal(libraryPath(undefined, { LINEAGE_LIBRARY: "/y/lib.db" }), "/y/lib.db");
    assert.match(libraryPath(undefined, {}), /\.lineage\/library\.db$/);
  });
});
