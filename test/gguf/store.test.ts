import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError, UsageError } from "../../src/errors.js";
import { dequantize } from "../../src/formats/gguf/dequant.js";
import { createEncoder, WRITABLE_TYPES } from "../../src/formats/gguf/encode.js";
import { requireGgmlType } from "../../src/formats/gguf/ggml-types.js";
import { GgufStore } from "../../src/formats/gguf/store.js";
import { encodeGguf, gguf, writeGguf } from "../../src/formats/gguf/writer.js";
import { fixture } from "../helpers.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-gguf-"));
after(() => rm(dir, { recursive: true, force: true }));

function le16(values: number[]): Uint8Array {
  return new Uint8Array(new Uint16Array(values).buffer);
}

test("GgufStore reads F32, F16 and BF16 tensors in PyTorch shape order", async () => {
  const path = join(dir, "plain.gguf");
  await writeFile(
    path,
    encodeGguf({
      tensors: [
        {
          name: "f32",
          dtype: "F32",
          shape: [2, 2],
          data: new Uint8Array(new Float32Array([1, -2, 0.5, 3]).buffer),
        },
        { name: "f16", dtype: "F16", shape: [3], data: le16([0x3c00, 0xc000, 0x3800]) },
        { name: "bf16", dtype: "BF16", shape: [1, 2], data: le16([0x3f80, 0xc040]) },
      ],
    }),
  );
  const store = await GgufStore.open(path);
  assert.equal(store.format, "gguf");
  assert.deepEqual(store.files, [path]);
  assert.deepEqual(
    store.tensors.map((t) => [t.name, t.dtype, t.shape]),
    [
      ["f32", "F32", [2, 2]],
      ["f16", "F16", [3]],
      ["bf16", "BF16", [1, 2]],
    ],
  );
  assert.deepEqual(await store.read("f32"), new Float32Array([1, -2, 0.5, 3]));
  assert.deepEqual(await store.read("f16"), new Float32Array([1, -2, 0.5]));
  assert.deepEqual(await store.read("bf16"), new Float32Array([1, -3]));
  assert.equal(store.get("f16")?.byteLength, 6);
  await assert.rejects(store.read("missing"), FormatError);
  await store.close();
  await store.close();
});

test("GgufStore lists the committed zoo Q4_0 GGUF with metadata", async () => {
  const store = await GgufStore.open(fixture("zoo", "gguf", "base-a-q4_0.gguf"));
  assert.equal(store.metadata["general.architecture"], "llama");
  assert.equal(store.tensors.length, 39);
  const q = store.get("blk.0.attn_q.weight");
  assert.equal(q?.dtype, "Q4_0");
  assert.deepEqual(q?.shape, [128, 128]);
  await store.close();
});

test("writeGguf streams tensors of every writable type and GgufStore reads them back", async () => {
  const path = join(dir, "written.gguf");
  const values = new Float32Array(64 * 3);
  for (let i = 0; i < values.length; i++) values[i] = Math.cos(i) * 0.1;
  const tensors = WRITABLE_TYPES.map((dtype) => ({
    name: `w.${dtype}`,
    dtype,
    shape: [3, 64],
    // Two chunks per tensor, as a streaming producer would give them.
    data: async function* () {
      const bytes = createEncoder(dtype)(values);
      yield bytes.subarray(0, 10);
      yield bytes.subarray(10);
    },
  }));
  await writeGguf(path, { metadata: [["general.architecture", gguf.str("llama")]], tensors, alignment: 64 });
  const store = await GgufStore.open(path);
  assert.equal(store.header.alignment, 64);
  for (const dtype of WRITABLE_TYPES) {
    const back = await store.read(`w.${dtype}`);
    assert.deepEqual(store.get(`w.${dtype}`)?.shape, [3, 64]);
    assert.deepEqual(back, dequantize(createEncoder(dtype)(values), requireGgmlType(dtype)));
    if (dtype === "F32") assert.deepEqual(back, values);
  }
  await store.close();
});

test("writeGguf refuses data of the wrong length", async () => {
  const short = { name: "x", dtype: "F32", shape: [4], data: new Uint8Array(12) };
  await assert.rejects(writeGguf(join(dir, "short.gguf"), { tensors: [short] }), UsageError);
  const streamed = {
    ...short,
    data: async function* () {
      yield new Uint8Array(20);
    },
  };
  await assert.rejects(writeGguf(join(dir, "long.gguf"), { tensors: [streamed] }), UsageError);
  assert.throws(
    () => encodeGguf({ tensors: [{ name: "q", dtype: "Q8_0", shape: [16], data: new Uint8Array(17) }] }),
    UsageError,
  );
});
