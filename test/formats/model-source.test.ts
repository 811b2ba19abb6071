import assert from "node:assert/strict";
import { copyFile, mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError, InputNotFoundError } from "../../src/errors.js";
import { Llama2cStore } from "../../src/formats/llama2c/store.js";
import { writeLlama2c } from "../../src/formats/llama2c/writer.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture } from "../helpers.js";
import { f32Safetensors, rejectsWith, tempDir, writeBytes } from "./build.js";

const CONFIG = JSON.stringify({ model_type: "llama", hidden_size: 4 });

async function hfFolder(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeBytes(join(dir, "config.json"), CONFIG);
  await writeBytes(join(dir, "generation_config.json"), '{"bos_token_id": 1}');
  await writeBytes(join(dir, "tokenizer.json"), "{}");
  await writeBytes(join(dir, "model.safetensors"), f32Safetensors({ "model.embed_tokens.weight": [3, 4] }));
  return dir;
}

test("HF folder: config, generation config, tokenizer files and the safetensors store", async () => {
  const dir = await hfFolder(join(await tempDir(), "m"));
  const source = await openModelSource(dir);
  assert.equal(source.format, "safetensors");
  assert.equal(source.config?.model_type, "llama");
  assert.equal(source.configPath, join(dir, "config.json"));
  assert.equal(source.generationConfig?.bos_token_id, 1);
  assert.deepEqual(source.tokenizerFiles, [join(dir, "tokenizer.json")]);
  assert.deepEqual(source.weightFiles, [join(dir, "model.safetensors")]);
  assert.equal(source.indexPath, undefined);
  assert.equal(source.folder, dir);
  assert.deepEqual([...(await source.store.read("model.embed_tokens.weight"))].slice(0, 3), [0, 1, 2]);
  await source.store.close();
});

test("the zoo folder base-a and its GGUF copy open", async () => {
  const a = await openModelSource(fixture("zoo", "base-a"));
  assert.equal(a.format, "safetensors");
  assert.equal(a.store.tensors.length, 39);
  assert.equal(a.config?.num_hidden_layers, 4);
  assert.ok(a.tokenizerFiles.some((f) => f.endsWith("tokenizer.model")));
  await a.store.close();
  const g = await openModelSource(fixture("zoo", "gguf"));
  assert.equal(g.format, "gguf");
  assert.equal(g.weightFiles[0], join(fixture("zoo", "gguf"), "base-a-q4_0.gguf"));
  await g.store.close();
});

test("files are recognised by content: GGUF and safetensors under other names, llama2.c .bin", async () => {
  const dir = await tempDir();
  const gguf = join(dir, "weights.dat");
  await copyFile(fixture("zoo", "gguf", "base-a-q4_0.gguf"), gguf);
  const st = await writeBytes(join(dir, "weights.bin"), f32Safetensors({ x: [2] }));
  for (const [path, format] of [
    [gguf, "gguf"],
    [st, "safetensors"],
    [fixture("stories260k", "stories260K.bin"), "llama2c"],
  ] as const) {
    const source = await openModelSource(path);
    assert.equal(source.format, format, path);
    assert.equal(source.folder, undefined);
    await source.store.close();
  }
});

test("a folder with one llama2.c checkpoint and its tokenizer; several checkpoints are ambiguous", async () => {
  const dir = await tempDir();
  await copyFile(fixture("stories260k", "stories260K.bin"), join(dir, "stories260K.bin"));
  await copyFile(fixture("stories260k", "tok512.bin"), join(dir, "tok512.bin"));
  const source = await openModelSource(dir);
  assert.equal(source.format, "llama2c");
  assert.deepEqual(source.tokenizerFiles, [join(dir, "tok512.bin")]);
  await source.store.close();
  await rejectsWith(openModelSource(fixture("stories260k")), FormatError, {
    message: /3 llama2\.c checkpoints/,
  });
});

test("sharded folder opens through its index; shards not in the index are refused", async () => {
  const dir = await tempDir();
  await writeBytes(join(dir, "model-00001-of-00002.safetensors"), f32Safetensors({ a: [2] }));
  await writeBytes(join(dir, "model-00002-of-00002.safetensors"), f32Safetensors({ b: [2] }));
  const index = await writeBytes(
    join(dir, "model.safetensors.index.json"),
    JSON.stringify({
      weight_map: { a: "model-00001-of-00002.safetensors", b: "model-00002-of-00002.safetensors" },
    }),
  );
  const source = await openModelSource(dir);
  assert.equal(source.indexPath, index);
  assert.equal(source.weightFiles.length, 2);
  await source.store.close();
  await writeBytes(join(dir, "model-extra.safetensors"), f32Safetensors({ c: [2] }));
  await rejectsWith(openModelSource(dir), FormatError, { file: index, message: /model-extra/ });
});

test("Hugging Face cache: repo folder via refs/main, snapshot folder, symlinks into blobs", async () => {
  const root = join(await tempDir(), "models--org--tiny");
  const blobs = join(root, "blobs");
  const snapshot = join(root, "snapshots", "abc123");
  await mkdir(blobs, { recursive: true });
  await mkdir(snapshot, { recursive: true });
  await mkdir(join(root, "refs"));
  await writeBytes(join(root, "refs", "main"), "abc123\n");
  await hfFolder(join(blobs, "src"));
  for (const name of ["config.json", "model.safetensors", "tokenizer.json"]) {
    await symlink(join("..", "..", "blobs", "src", name), join(snapshot, name));
  }
  const viaRepo = await openModelSource(root);
  assert.deepEqual(viaRepo.hfCache, { repo: "org/tiny", revision: "abc123" });
  assert.equal(viaRepo.folder, snapshot);
  assert.equal(viaRepo.config?.model_type, "llama");
  assert.equal(viaRepo.store.tensors.length, 1);
  await viaRepo.store.close();
  const viaSnapshot = await openModelSource(snapshot);
  assert.equal(viaSnapshot.hfCache, undefined);
  assert.equal(viaSnapshot.store.tensors.length, 1);
  await viaSnapshot.store.close();
  // A ref to a missing snapshot, and a broken blob symlink.
  await writeBytes(join(root, "refs", "main"), "def456");
  await rejectsWith(openModelSource(root), InputNotFoundError, { file: join(root, "snapshots", "def456") });
  await writeBytes(join(root, "refs", "main"), "../../etc");
  await rejectsWith(openModelSource(root), FormatError, { file: join(root, "refs", "main") });
  await symlink(join("..", "..", "blobs", "gone"), join(snapshot, "generation_config.json"));
  await rejectsWith(openModelSource(snapshot), InputNotFoundError, {
    file: join(snapshot, "generation_config.json"),
  });
});

test("PyTorch checkpoints are read as PyTorch (see test/pytorch); broken ones name the file", async () => {
  const dir = await tempDir();
  await writeBytes(join(dir, "config.json"), CONFIG);
  const zip = await writeBytes(join(dir, "pytorch_model.bin"), Buffer.from("PK\x03\x04 torch zip", "latin1"));
  await rejectsWith(openModelSource(dir), FormatError, { file: zip, message: /not a readable zip/ });
  const legacy = await writeBytes(
    join(await tempDir(), "model.pt"),
    Uint8Array.from([0x80, 0x02, 0x8a, 0x0a]),
  );
  await rejectsWith(openModelSource(legacy), FormatError, { file: legacy, field: "magic" });
});

test("wrong paths and unusable folders: InputNotFoundError / FormatError naming the path", async () => {
  const dir = await tempDir();
  const missing = join(dir, "nope");
  await rejectsWith(openModelSource(missing), InputNotFoundError, { file: missing });
  await rejectsWith(openModelSource(dir), FormatError, { file: dir, message: /no weight files/ });
  const notModel = await writeBytes(join(dir, "notes.txt"), "hello world, not a model");
  await rejectsWith(openModelSource(notModel), FormatError, { file: notModel, field: "format" });
  const folder = await hfFolder(join(dir, "badconfig"));
  const config = await writeBytes(join(folder, "config.json"), "{ not json");
  await rejectsWith(openModelSource(folder), FormatError, { file: config, message: /invalid JSON/ });
  await writeBytes(config, "[1, 2]");
  await rejectsWith(openModelSource(folder), FormatError, { file: config, message: /object/ });
  await writeBytes(config, CONFIG);
  await (await openModelSource(folder)).store.close();
});

test("an index file path and a versioned (ak42) llama2.c file open directly", async () => {
  const dir = await tempDir();
  await writeBytes(join(dir, "model-00001-of-00001.safetensors"), f32Safetensors({ a: [2] }));
  const index = await writeBytes(
    join(dir, "model.safetensors.index.json"),
    JSON.stringify({ weight_map: { a: "model-00001-of-00001.safetensors" } }),
  );
  const sharded = await openModelSource(index);
  assert.equal(sharded.indexPath, index);
  assert.deepEqual(sharded.weightFiles, [join(dir, "model-00001-of-00001.safetensors")]);
  await sharded.store.close();
  const stories = await Llama2cStore.open(fixture("stories260k", "stories260K.bin"));
  const v2 = join(dir, "model-q8.bin");
  await writeLlama2c(
    v2,
    {
      dim: 64,
      hiddenDim: 172,
      nLayers: 5,
      nHeads: 8,
      nKvHeads: 4,
      vocabSize: 512,
      seqLen: 512,
      version: 2,
      sharedClassifier: true,
      groupSize: 64,
    },
    (name) => stories.read(name),
  );
  await stories.close();
  const source = await openModelSource(v2);
  assert.equal(source.format, "llama2c");
  assert.equal(source.store.metadata.version, 2);
  assert.equal(source.store.get("layers.0.attention.wq.weight")?.dtype, "Q8_G64");
  await source.store.close();
});

test("a bare .safetensors path takes the config.json and tokenizer files beside it: the same figures as its folder", async () => {
  const folder = await openModelSource(fixture("zoo", "base-a"));
  const file = await openModelSource(fixture("zoo", "base-a", "model.safetensors"));
  try {
    assert.deepEqual(file.config, folder.config);
    assert.equal(file.configPath, folder.configPath);
    assert.deepEqual(file.tokenizerFiles, folder.tokenizerFiles);
    assert.equal(file.folder, undefined);
  } finally {
    await folder.store.close();
    await file.store.close();
  }
  const [a, b] = await Promise.all([
    openCanonicalModel(fixture("zoo", "base-a")),
    openCanonicalModel(fixture("zoo", "base-a", "model.safetensors")),
  ]);
  try {
    assert.deepEqual(b.architecture, a.architecture);
    assert.deepEqual(
      (await readVocabulary(fixture("zoo", "base-a", "model.safetensors"))).tokens.length,
      3000,
    );
  } finally {
    await a.close();
    await b.close();
  }
  // Control: a safetensors file alone in its folder has no configuration.
  const dir = await tempDir();
  await copyFile(fixture("zoo", "base-a", "model.safetensors"), join(dir, "model.safetensors"));
  const alone = await openModelSource(join(dir, "model.safetensors"));
  assert.equal(alone.config, undefined);
  await alone.store.close();
});

test("a folder of several models of different formats is refused with their list, never one picked", async () => {
  // stories260k/ held a GGUF and llama2.c checkpoints: the GGUF was read, the others ignored.
  const mixed = await tempDir();
  await copyFile(fixture("stories260k", "stories260K.bin"), join(mixed, "stories260K.bin"));
  await copyFile(fixture("stories260k", "tok512.bin"), join(mixed, "tok512.bin"));
  await copyFile(fixture("zoo", "gguf", "base-a-q4_0.gguf"), join(mixed, "stories260K.gguf"));
  await rejectsWith(openModelSource(mixed), FormatError, {
    file: mixed,
    message: /folder holds 2 models \(stories260K\.gguf, stories260K\.bin\): name the one you mean/,
  });
  // llama2c-independent/ held a llama2.c .bin and a PyTorch .pt: the .bin was read.
  const binAndPt = await tempDir();
  await copyFile(fixture("stories260k", "stories260K.bin"), join(binAndPt, "m.bin"));
  await copyFile(fixture("pytorch", "legacy.pt"), join(binAndPt, "m-ckpt.pt"));
  await rejectsWith(openModelSource(binAndPt), FormatError, {
    message: /folder holds 2 models \(m\.bin, m-ckpt\.pt\)/,
  });
  // Two safetensors that are not shards of one set were merged into one store.
  const two = await tempDir();
  await writeBytes(join(two, "a.safetensors"), f32Safetensors({ x: [2] }));
  await writeBytes(join(two, "b.safetensors"), f32Safetensors({ y: [2] }));
  await rejectsWith(openModelSource(two), FormatError, {
    message: /folder holds 2 models \(a\.safetensors, b\.safetensors\)/,
  });
  // Each alone is one model.
  for (const dir of [mixed, binAndPt]) {
    const only = await tempDir();
    await copyFile(fixture("stories260k", "stories260K.bin"), join(only, "m.bin"));
    const source = await openModelSource(only);
    assert.equal(source.format, "llama2c", dir);
    await source.store.close();
  }
});

test("one model in several files is one model: shards, an HF folder with safetensors and pytorch_model.bin", async () => {
  const shards = await tempDir();
  await writeBytes(join(shards, "model-00001-of-00002.safetensors"), f32Safetensors({ a: [2] }));
  await writeBytes(join(shards, "model-00002-of-00002.safetensors"), f32Safetensors({ b: [2] }));
  const sharded = await openModelSource(shards);
  assert.equal(sharded.store.tensors.length, 2);
  await sharded.store.close();
  // transformers' save_pretrained may write both formats; its Trainer adds training_args.bin (a pickle).
  const hf = await hfFolder(join(await tempDir(), "hf"));
  await copyFile(fixture("pytorch", "legacy.pt"), join(hf, "pytorch_model.bin"));
  await copyFile(fixture("pytorch", "legacy.pt"), join(hf, "training_args.bin"));
  await copyFile(fixture("pytorch", "legacy.pt"), join(hf, "optimizer.pt"));
  const source = await openModelSource(hf);
  assert.equal(source.format, "safetensors");
  assert.deepEqual(source.weightFiles, [join(hf, "model.safetensors")]);
  await source.store.close();
});
