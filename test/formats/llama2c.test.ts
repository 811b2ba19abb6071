import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { LLAMA2C_MAGIC } from "../../src/formats/llama2c/header.js";
import { Llama2cStore } from "../../src/formats/llama2c/store.js";
import {
  encodeLlama2cHeader,
  type Llama2cHeaderFields,
  writeLlama2c,
} from "../../src/formats/llama2c/writer.js";
import { fixture } from "../helpers.js";
import { rejectsWith, tempDir, writeBytes } from "./build.js";

const STORIES = fixture("stories260k", "stories260K.bin");
const TRANSPOSED = fixture("stories260k", "stories260K.transpose.bin");

function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

test("stories260K: header, Meta names, nn.Linear shapes and oracle values", async () => {
  const store = await Llama2cStore.open(STORIES);
  assert.deepEqual(store.metadata, {
    version: 0,
    dim: 64,
    hidden_dim: 172,
    n_layers: 5,
    n_heads: 8,
    n_kv_heads: 4,
    vocab_size: 512,
    seq_len: 512,
    shared_classifier: true,
  });
  assert.equal(store.tensors.length, 1 + 5 * 9 + 1 + 2);
  const shape = (name: string) => store.get(name)?.shape;
  assert.deepEqual(shape("tok_embeddings.weight"), [512, 64]);
  assert.deepEqual(shape("layers.0.attention_norm.weight"), [64]);
  assert.deepEqual(shape("layers.4.attention.wq.weight"), [64, 64]);
  assert.deepEqual(shape("layers.4.attention.wk.weight"), [32, 64]);
  assert.deepEqual(shape("layers.4.attention.wv.weight"), [32, 64]);
  assert.deepEqual(shape("layers.4.attention.wo.weight"), [64, 64]);
  assert.deepEqual(shape("layers.2.feed_forward.w1.weight"), [172, 64]);
  assert.deepEqual(shape("layers.2.feed_forward.w2.weight"), [64, 172]);
  assert.deepEqual(shape("layers.2.feed_forward.w3.weight"), [172, 64]);
  assert.deepEqual(shape("freqs_cis_real"), [512, 4]);
  assert.equal(store.get("output.weight"), undefined, "shared classifier: no output.weight");
  // Values computed independently with Python's struct from export.py's documented order (on the real
  // file, sha256 b0a507e7…; the scrambled copy once committed here had other attention/MLP values).
  assert.equal((await store.read("tok_embeddings.weight"))[1 * 64 + 2], Math.fround(0.6062895059585571));
  assert.equal(
    (await store.read("layers.3.attention.wk.weight"))[5 * 64 + 7],
    Math.fround(-0.026324177160859108),
  );
  assert.equal(
    (await store.read("layers.4.feed_forward.w2.weight"))[63 * 172 + 171],
    Math.fround(-0.0035068716388195753),
  );
  assert.deepEqual(
    [...(await store.read("norm.weight")).subarray(0, 3)],
    [2.4583089351654053, 1.3673226833343506, 1.7504382133483887].map(Math.fround),
  );
  // freqs: cos/sin(position · θ_j) with θ_1 = 10000^(-2/8) = 0.1 at position 1.
  assert.ok(Math.abs((await store.read("freqs_cis_real"))[1 * 4 + 1]! - Math.cos(0.1)) < 1e-6);
  assert.ok(Math.abs((await store.read("freqs_cis_imag"))[1 * 4 + 1]! - Math.sin(0.1)) < 1e-6);
  await store.close();
});

test("the transposed copy has the same header and shapes, and its wq is the transpose of the original's", async () => {
  const a = await Llama2cStore.open(STORIES);
  const b = await Llama2cStore.open(TRANSPOSED);
  assert.deepEqual(b.metadata, a.metadata);
  assert.deepEqual(
    b.tensors.map((t) => [t.name, t.shape]),
    a.tensors.map((t) => [t.name, t.shape]),
  );
  for (const layer of [0, 4]) {
    const name = `layers.${layer}.attention.wq.weight`;
    const wqA = await a.read(name);
    const wqB = await b.read(name);
    assert.notDeepEqual(wqB, wqA);
    assert.deepEqual(wqB, transpose(wqA, 64, 64));
  }
  await a.close();
  await b.close();
});

async function roundTrip(
  fields: Llama2cHeaderFields,
): Promise<{ path: string; store: Llama2cStore; src: Llama2cStore }> {
  const src = await Llama2cStore.open(STORIES);
  const path = join(await tempDir(), `v${fields.version}.bin`);
  await writeLlama2c(path, fields, (name) =>
    name === "output.weight"
      ? src.read("tok_embeddings.weight").then((v) => v.map((x) => -x))
      : src.read(name),
  );
  return { path, store: await Llama2cStore.open(path), src };
}

const BASE = { dim: 64, hiddenDim: 172, nLayers: 5, nHeads: 8, nKvHeads: 4, vocabSize: 512, seqLen: 512 };

test("legacy writer reproduces stories260K byte for byte; unshared classifier adds output.weight", async () => {
  const same = await roundTrip({ ...BASE, version: 0, sharedClassifier: true, groupSize: undefined });
  assert.deepEqual(await readFile(same.path), await readFile(STORIES));
  const unshared = await roundTrip({ ...BASE, version: 0, sharedClassifier: false, groupSize: undefined });
  assert.equal(unshared.store.metadata.shared_classifier, false);
  const output = await unshared.store.read("output.weight");
  assert.deepEqual(
    output,
    (await unshared.src.read("tok_embeddings.weight")).map((x) => -x),
  );
  for (const s of [same, unshared]) {
    await s.store.close();
    await s.src.close();
  }
});

test("versioned export: v1 float32 is exact, v2 Q8_0 is within half a quantization step", async () => {
  const v1 = await roundTrip({ ...BASE, version: 1, sharedClassifier: true, groupSize: undefined });
  assert.equal(v1.store.header.version, 1);
  assert.equal(v1.store.get("freqs_cis_real"), undefined, "v1 carries no rotary tables");
  for (const name of ["tok_embeddings.weight", "layers.2.attention.wv.weight", "norm.weight"]) {
    assert.deepEqual(await v1.store.read(name), await v1.src.read(name));
  }
  const v2 = await roundTrip({ ...BASE, version: 2, sharedClassifier: false, groupSize: 32 });
  assert.equal(v2.store.get("layers.1.feed_forward.w1.weight")?.dtype, "Q8_G32");
  assert.equal(v2.store.get("layers.1.ffn_norm.weight")?.dtype, "F32");
  assert.deepEqual(
    await v2.store.read("layers.1.ffn_norm.weight"),
    await v2.src.read("layers.1.ffn_norm.weight"),
  );
  for (const name of ["tok_embeddings.weight", "layers.1.feed_forward.w1.weight", "output.weight"]) {
    const original =
      name === "output.weight"
        ? (await v2.src.read("tok_embeddings.weight")).map((x) => -x)
        : await v2.src.read(name);
    const decoded = await v2.store.read(name);
    for (let g = 0; g < original.length / 32; g++) {
      const group = original.subarray(g * 32, (g + 1) * 32);
      const step = Math.max(...group.map(Math.abs)) / 127;
      for (let i = g * 32; i < (g + 1) * 32; i++) {
        assert.ok(Math.abs(decoded[i]! - original[i]!) <= step / 2 + 1e-7, `${name}[${i}]`);
      }
    }
  }
  for (const s of [v1, v2]) {
    await s.store.close();
    await s.src.close();
  }
});

async function withHeader(
  edit: (bytes: Uint8Array, view: DataView) => void,
  source = STORIES,
): Promise<string> {
  const bytes = new Uint8Array(await readFile(source));
  edit(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return writeBytes(join(await tempDir(), "edited.bin"), bytes);
}

test("bad llama2.c headers: each rejection names the field, beside an accepted control", async () => {
  const control = await withHeader(() => undefined);
  await (await Llama2cStore.open(control)).close();
  const cases: [string, (view: DataView) => void, string | RegExp][] = [
    ["negative dim", (v) => v.setInt32(0, -64, true), "dim"],
    ["absurd dim", (v) => v.setInt32(0, 1 << 30, true), "dim"],
    ["zero layers", (v) => v.setInt32(8, 0, true), "n_layers"],
    ["heads not dividing dim", (v) => v.setInt32(12, 7, true), /n_heads|n_kv_heads/],
    ["kv heads not dividing heads", (v) => v.setInt32(16, 3, true), "n_kv_heads"],
    ["kv heads above heads", (v) => v.setInt32(16, 16, true), "n_kv_heads"],
    ["absurd vocab", (v) => v.setInt32(20, 2 ** 31 - 1, true), "vocab_size"],
    ["huge seq_len", (v) => v.setInt32(24, 1 << 30, true), "seq_len"],
    ["size disagrees (more layers)", (v) => v.setInt32(8, 6, true), "header"],
    ["size disagrees (unshared flag)", (v) => v.setInt32(20, -512, true), "header"],
  ];
  for (const [label, edit, field] of cases) {
    const path = await withHeader((_, view) => edit(view));
    await rejectsWith(Llama2cStore.open(path), FormatError, { file: path, field }).catch((error) => {
      throw new Error(`${label}: ${(error as Error).message}`);
    });
  }
});

test("truncated and padded llama2.c files are rejected with the sizes in the message", async () => {
  const full = await readFile(STORIES);
  const dir = await tempDir();
  const truncated = await writeBytes(join(dir, "t.bin"), full.subarray(0, full.byteLength - 4));
  await rejectsWith(Llama2cStore.open(truncated), FormatError, {
    file: truncated,
    field: "header",
    message: /truncated/,
  });
  const padded = await writeBytes(join(dir, "p.bin"), Buffer.concat([full, Buffer.alloc(4)]));
  await rejectsWith(Llama2cStore.open(padded), FormatError, {
    file: padded,
    field: "header",
    message: /trailing/,
  });
  const tiny = await writeBytes(join(dir, "tiny.bin"), full.subarray(0, 10));
  await rejectsWith(Llama2cStore.open(tiny), FormatError, { file: tiny, field: "header" });
});

test("bad versioned headers: unknown version, bad shared flag, bad group size", async () => {
  const dir = await tempDir();
  const header = (fields: Partial<Llama2cHeaderFields>, edit?: (view: DataView) => void) => {
    const bytes = encodeLlama2cHeader({
      ...BASE,
      version: 2,
      sharedClassifier: true,
      groupSize: 32,
      ...fields,
    });
    edit?.(new DataView(bytes.buffer));
    return bytes;
  };
  const good = await writeBytes(join(dir, "good.bin"), header({}));
  await rejectsWith(Llama2cStore.open(good), FormatError, { field: "header", message: /implies/ });
  const version = await writeBytes(
    join(dir, "v.bin"),
    header({}, (v) => v.setInt32(4, 3, true)),
  );
  await rejectsWith(Llama2cStore.open(version), FormatError, { field: "version" });
  const flag = await writeBytes(
    join(dir, "f.bin"),
    header({}, (v) => v.setUint8(36, 7)),
  );
  await rejectsWith(Llama2cStore.open(flag), FormatError, { field: "shared_classifier" });
  const group = await writeBytes(join(dir, "g.bin"), header({ groupSize: 48 }));
  await rejectsWith(Llama2cStore.open(group), FormatError, { field: "group_size" });
  const magic = new DataView(header({}).buffer).getUint32(0, true);
  assert.equal(magic, LLAMA2C_MAGIC);
});
