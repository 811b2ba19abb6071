/**
 * Named pipes and other non-regular files where a model, tokenizer, config or library file is expected:
 * refused by a stat before anything opens them (opening a FIFO blocks until a writer comes: a hang).
 * Each test has a timeout so that a regression fails instead of hanging the suite.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { InputNotFoundError } from "../../src/errors.js";
import { readGgufHeader } from "../../src/formats/gguf/header.js";
import { readJsonObject } from "../../src/formats/json-file.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { readOllamaManifest } from "../../src/formats/ollama-store.js";
import { sniffFile } from "../../src/formats/sniff.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture } from "../helpers.js";
import { f32Safetensors, rejectsWith, tempDir, writeBytes } from "./build.js";

const LIMIT = { timeout: 20_000 };

function mkfifo(path: string): string {
  execFileSync("mkfifo", [path]);
  return path;
}

const FIFO = /not a regular file: a named pipe/;

test(
  "a named pipe given as a model file is refused, a regular file of the same bytes opens",
  LIMIT,
  async () => {
    const dir = await tempDir();
    const regular = join(dir, "m.gguf");
    await copyFile(fixture("zoo", "gguf", "base-a-q4_0.gguf"), regular);
    const source = await openModelSource(regular);
    assert.equal(source.format, "gguf");
    await source.store.close();
    assert.equal((await readGgufHeader(regular)).tensors.length > 0, true);
    const pipe = mkfifo(join(dir, "ff.gguf"));
    await rejectsWith(openModelSource(pipe), InputNotFoundError, { file: pipe, message: FIFO });
    await rejectsWith(sniffFile(pipe), InputNotFoundError, { file: pipe, message: FIFO });
    await rejectsWith(readGgufHeader(pipe), InputNotFoundError, { file: pipe, message: FIFO });
    await rejectsWith(readJsonObject(pipe), InputNotFoundError, { file: pipe, message: FIFO });
    await rejectsWith(readOllamaManifest(pipe), InputNotFoundError, { file: pipe, message: FIFO });
  },
);

test("a named pipe inside a model folder (config, tokenizer) is refused by name", LIMIT, async () => {
  const dir = join(await tempDir(), "m");
  await mkdir(dir);
  await writeBytes(join(dir, "model.safetensors"), f32Safetensors({ "model.embed_tokens.weight": [3, 4] }));
  await copyFile(fixture("zoo", "base-a", "tokenizer.model"), join(dir, "tokenizer.model"));
  const vocab = await readVocabulary(dir);
  assert.ok(vocab.tokens.length > 0);
  const source = await openModelSource(dir);
  await source.store.close();
  const config = mkfifo(join(dir, "config.json"));
  await rejectsWith(openModelSource(dir), InputNotFoundError, { file: config, message: FIFO });
  const other = join(await tempDir(), "t");
  await mkdir(other);
  const tokenizer = mkfifo(join(other, "tokenizer.model"));
  await rejectsWith(readVocabulary(other), InputNotFoundError, { file: tokenizer, message: FIFO });
  await rejectsWith(readVocabulary(join(dir, "config.json")), InputNotFoundError, { file: config });
});
