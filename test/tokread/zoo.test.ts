/** Every zoo model folder's tokenizer reads, and relates to T1 / T2 as LINEAGE.md says. */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { compareVocabularies } from "../../src/tokenizers/compare/compare-vocabularies.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { readCappedFile } from "../../src/tokenizers/readers/read-capped.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

/** LINEAGE.md: a-vx uses T1x (T1 + 300 pieces), neox-c uses T2, every other model T1. */
const EXPECTED: Record<string, [reference: string, relation: string]> = {
  "a-vx": ["T1.model", "extended"],
  "neox-c": ["T2.model", "identical"],
};

test(
  "every zoo model folder's tokenizer.model: T1 (identical), T1x (extended) or T2",
  skipUnlessShared("zoo"),
  async () => {
    const zoo = shared("zoo")!;
    const folders = readdirSync(zoo, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !["tokenizers", "gguf"].includes(entry.name))
      .map((entry) => entry.name);
    assert.ok(folders.length >= 11);
    for (const folder of folders) {
      const [reference, relation] = EXPECTED[folder] ?? ["T1.model", "identical"];
      const c = compareVocabularies(
        await readVocabulary(join(zoo, folder)),
        await readVocabulary(join(zoo, "tokenizers", reference)),
      );
      assert.equal(c.relation, relation, `${folder}: ${c.explanation}`);
    }
  },
);

test("whole-file reads are refused above their cap, before reading; accepted below it", async () => {
  const path = fixture("zoo", "tokenizers", "T1.model");
  await assert.rejects(readCappedFile(path, 1000, "SentencePiece model"), (error: unknown) => {
    return (
      error instanceof FormatError &&
      error.file === path &&
      /larger than any real SentencePiece model/.test(error.message)
    );
  });
  assert.equal((await readCappedFile(path, 1 << 20, "SentencePiece model")).byteLength, 279493);
});
