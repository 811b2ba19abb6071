import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { GgufStore } from "../../src/formats/gguf/store.js";
import { encodeGguf } from "../../src/formats/gguf/writer.js";
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
