import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { SafetensorsStore } from "../../src/formats/safetensors/store.js";

function safetensorsBytes(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

test("reads an F32 and a BF16 tensor", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lineage-"));
  const data = new Uint8Array(12);
  new DataView(data.buffer).setFloat32(0, 1.5, true);
  new DataView(data.buffer).setFloat32(4, -2, true);
  new DataView(data.buffer).setUint16(8, 0x3f80, true); // bf16 1.0
  new DataView(data.buffer).setUint16(10, 0xc040, true); // bf16 -3.0
  const path = join(dir, "m.safetensors");
  await writeFile(
    path,
    safetensorsBytes(
      {
        a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
        b: { dtype: "BF16", shape: [1, 2], data_offsets: [8, 12] },
      },
      data,
    ),
  );
  const store = await SafetensorsStore.open([path]);
  assert.deepEqual([...(await store.read("a"))], [1.5, -2]);
  assert.deepEqual([...(await store.read("b"))], [1, -3]);
  await store.close();
});

test("rejects data_offsets that disagree with the shape", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lineage-"));
  const path = join(dir, "bad.safetensors");
  await writeFile(
    path,
    safetensorsBytes({ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)),
  );
  await assert.rejects(SafetensorsStore.open([path]), (error: unknown) => {
    assert.ok(error instanceof FormatError);
    assert.equal(error.file, path);
    assert.equal(error.field, "tensor a.data_offsets");
    return true;
  });
});
