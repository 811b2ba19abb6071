import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError, InputNotFoundError } from "../../src/errors.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture } from "../helpers.js";
import { llama2cTokenizer, SPM_SPECIALS, sentencePieceModel, tempFolder } from "./build.js";

const tokenizerJson = JSON.stringify({
  added_tokens: [{ id: 2, content: "<|end|>", special: true }],
  pre_tokenizer: { type: "ByteLevel" },
  model: { type: "BPE", vocab: { a: 0, b: 1 }, merges: [] },
});

test("a model folder: tokenizer.model is read (zoo base-a has T1)", async () => {
  const vocab = await readVocabulary(fixture("zoo", "base-a"));
  assert.equal(vocab.source.format, "sentencepiece");
  assert.equal(vocab.tokens.length, 3000);
});

test("a folder prefers tokenizer.json (with tokenizer_config.json roles) over tokenizer.model", async () => {
  const folder = tempFolder({
    "tokenizer.json": tokenizerJson,
    "tokenizer_config.json": JSON.stringify({ eos_token: "<|end|>", bos_token: "a" }),
    "tokenizer.model": sentencePieceModel(SPM_SPECIALS),
  });
  const vocab = await readVocabulary(folder);
  assert.equal(vocab.source.format, "tokenizer.json");
  assert.deepEqual(vocab.special, { bos: 0, eos: 2 });
  const direct = await readVocabulary(join(folder, "tokenizer.json"));
  assert.deepEqual(direct.special, { bos: 0, eos: 2 });
  assert.equal((await readVocabulary(join(folder, "tokenizer.model"))).source.format, "sentencepiece");
});

test("files by name and by content: .gguf magic, tok512.bin, a renamed SentencePiece model", async () => {
  assert.equal((await readVocabulary(fixture("vocab", "gpt-2.gguf"))).source.format, "gguf");
  assert.equal((await readVocabulary(fixture("stories260k", "tok512.bin"))).tokens.length, 512);
  const folder = tempFolder({
    "spm.proto": sentencePieceModel(SPM_SPECIALS),
    "ranks.txt": "YQ== 0\nYg== 1\n",
  });
  assert.equal((await readVocabulary(join(folder, "spm.proto"))).source.format, "sentencepiece");
  assert.equal((await readVocabulary(join(folder, "ranks.txt"))).source.format, "tiktoken");
});

test("a llama2.c checkpoint reads the tokNNN.bin beside it (stories260K.bin → tok512.bin)", async () => {
  const vocab = await readVocabulary(fixture("stories260k", "stories260K.bin"));
  assert.equal(vocab.source.file, fixture("stories260k", "tok512.bin"));
  assert.equal(vocab.tokens.length, 512);
});

test("a checkpoint without a tokenizer beside it, or a .bin that is neither, is a clear error", async () => {
  const folder = tempFolder({});
  copyFileSync(fixture("stories260k", "stories260K.bin"), join(folder, "model.bin"));
  await assert.rejects(readVocabulary(join(folder, "model.bin")), (error: unknown) => {
    return error instanceof InputNotFoundError && /tok512\.bin/.test(error.message);
  });
  const junk = tempFolder({ "weights.bin": new Uint8Array(64).fill(0xff) });
  await assert.rejects(readVocabulary(join(junk, "weights.bin")), FormatError);
  // control: the same folder with a tokenizer.bin is read
  const ok = tempFolder({ "tokenizer.bin": llama2cTokenizer(8, [[0, "<unk>"]]) });
  copyFileSync(fixture("stories260k", "stories260K.bin"), join(ok, "model.bin"));
  assert.equal((await readVocabulary(join(ok, "model.bin"))).tokens.length, 1);
});

test("missing paths, empty folders and unknown files are refused", async () => {
  await assert.rejects(readVocabulary("/nonexistent/tokenizer.json"), InputNotFoundError);
  const empty = tempFolder({});
  await assert.rejects(
    readVocabulary(empty),
    (error: unknown) => error instanceof FormatError && error.file === empty,
  );
  mkdirSync(join(empty, "sub"));
  const unknown = tempFolder({ "notes.txt": "hello world" });
  await assert.rejects(readVocabulary(join(unknown, "notes.txt")), FormatError);
  await assert.rejects(
    readVocabulary(join(tempFolder({ "tokenizer.json": "{oops" }), "tokenizer.json")),
    FormatError,
  );
});

test("a folder with one .gguf and no tokenizer file reads the GGUF's vocabulary", async () => {
  const folder = tempFolder({});
  copyFileSync(fixture("zoo", "gguf", "base-a-q4_0.gguf"), join(folder, "model.gguf"));
  assert.equal((await readVocabulary(folder)).source.format, "gguf");
});
