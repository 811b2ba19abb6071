/**
 * Every llama.cpp vector file, through both readers: the GGUF itself and a tokenizer.json built from the
 * same vocabulary (gguf-to-tokenizer-json.ts), with merges spelled both ways. The expected ids are
 * llama.cpp's (`.out`), never lineage's own.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createEncoder } from "../../src/tokenizers/encode/create-encoder.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { parseTokenizerJson } from "../../src/tokenizers/readers/tokenizer-json.js";
import { fixture, shared } from "../helpers.js";
import { type MergeSpelling, sizeWithoutFillers, tokenizerJsonFromGguf } from "./gguf-to-tokenizer-json.js";
import { readTokenVectors } from "./vectors.js";

const dir = shared("real", "vocab") ?? fixture("vocab");
const names = readdirSync(dir)
  .filter((file) => file.endsWith(".gguf.inp"))
  .map((file) => file.replace(/\.inp$/, ""));

test("the vector files are there (10 with ../shared, 3 among the fixtures)", () => {
  assert.ok(names.length >= (shared("real", "vocab") === undefined ? 3 : 10), names.join(" "));
});

for (const name of names) {
  test(`${name}: llama.cpp's ids through the GGUF and through a tokenizer.json of the same vocabulary`, async () => {
    const path = join(dir, name);
    const vectors = readTokenVectors(path)!;
    const gguf = await readVocabulary(path);
    const paths: [string, ReturnType<typeof createEncoder>][] = [
      ["gguf", createEncoder(gguf, { parseSpecial: true })],
    ];
    for (const spelling of ["strings", "pairs"] as MergeSpelling[]) {
      const json = parseTokenizerJson(tokenizerJsonFromGguf(gguf, spelling), `${name}.tokenizer.json`);
      assert.equal(json.source.format, "tokenizer.json");
      assert.equal(json.tokens.length, sizeWithoutFillers(gguf), "no token gained or lost");
      assert.deepEqual(json.notes ?? [], [], "every added token keeps its id");
      paths.push([`tokenizer.json (merges as ${spelling})`, createEncoder(json, { parseSpecial: true })]);
    }
    for (const [label, encoder] of paths) {
      vectors.texts.forEach((text, i) => {
        assert.deepEqual(
          encoder.encode(text),
          vectors.ids[i],
          `${name} via ${label}, text ${i}: ${JSON.stringify(text)}`,
        );
      });
    }
  });
}
