import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { MAX_HEADER_BYTES } from "../../src/formats/safetensors/header.js";
import { SafetensorsStore } from "../../src/formats/safetensors/store.js";
import { sniffBytes } from "../../src/formats/sniff.js";
import { f32Safetensors, rejectsWith, tempDir, writeBytes } from "./build.js";

/** A file from a raw header object and `dataBytes` zero bytes of data. */
function rawFile(header: unknown, dataBytes: number, lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  return out;
}

const GOOD = {
  a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
  b: { dtype: "F16", shape: [2], data_offsets: [8, 12] },
};

async function open(bytes: Uint8Array) {
  const path = await writeBytes(join(await tempDir(), "m.safetensors"), bytes);
  return { path, result: SafetensorsStore.open([path]) };
}

async function expectRejected(bytes: Uint8Array, field: string | RegExp, message?: RegExp): Promise<void> {
  const { path, result } = await open(bytes);
  await rejectsWith(result, FormatError, { file: path, field, ...(message ? { message } : {}) });
}

test("control: the well-formed header opens and reads", async () => {
  const { result } = await open(rawFile(GOOD, 12));
  const store = await result;
  assert.deepEqual([...(await store.read("b"))], [0, 0]);
  await store.close();
});

test("truncated files: shorter than the length prefix, data cut short", async () => {
  await expectRejected(new Uint8Array(5), "header length");
  await expectRejected(rawFile(GOOD, 11), "tensor b.data_offsets", /past the data section/);
  const good = f32Safetensors({ x: [4] });
  await expectRejected(good.subarray(0, good.byteLength - 1), /data_offsets/);
});

test("header length beyond the file or beyond the cap", async () => {
  await expectRejected(rawFile(GOOD, 12, 10_000n), "header length", /longer than the \d+-byte file/);
  await expectRejected(rawFile(GOOD, 12, BigInt(MAX_HEADER_BYTES) + 1n), "header length", /limit/);
  // Figures are printed exactly, not rounded through a JS number (4611686018427388000).
  await expectRejected(rawFile(GOOD, 12, 2n ** 62n), "header length", /header of 4611686018427387904 bytes/);
  await expectRejected(rawFile(GOOD, 12, 2n ** 64n - 1n), "header length", /limit/);
});

test("invalid JSON, non-object headers and invalid UTF-8", async () => {
  await expectRejected(rawFile('{"a": {', 0), "header", /JSON/);
  await expectRejected(rawFile("[1,2,3]", 0), "header", /object/);
  const bytes = rawFile('{"\xff": 1}', 0);
  bytes[10] = 0xff;
  await expectRejected(bytes, "header");
  await expectRejected(rawFile({ __metadata__: [1] }, 0), "__metadata__");
  await expectRejected(rawFile({ a: 5 }, 0), "tensor a");
});

test("dtypes that are not names, and absurd shapes (unknown dtype names are listed: see fp8.test.ts)", async () => {
  await expectRejected(
    rawFile({ a: { dtype: 16, shape: [1], data_offsets: [0, 16] } }, 16),
    "tensor a.dtype",
  );
  await expectRejected(
    rawFile({ a: { dtype: "q4_k; rm -rf", shape: [1], data_offsets: [0, 1] } }, 1),
    "tensor a.dtype",
  );
  await expectRejected(
    rawFile({ a: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4),
    "tensor a.shape",
  );
  await expectRejected(
    rawFile({ a: { dtype: "F32", shape: [1.5], data_offsets: [0, 4] } }, 4),
    "tensor a.shape",
  );
  await expectRejected(
    rawFile({ a: { dtype: "F32", shape: new Array(17).fill(1), data_offsets: [0, 4] } }, 4),
    "tensor a.shape",
  );
  const huge = [2 ** 30, 2 ** 30, 2 ** 30];
  await expectRejected(
    rawFile({ a: { dtype: "F32", shape: huge, data_offsets: [0, 4] } }, 4),
    "tensor a.data_offsets",
  );
  await expectRejected(
    rawFile({ a: { dtype: "F32", shape: "2", data_offsets: [0, 8] } }, 8),
    "tensor a.shape",
  );
});

test("offsets outside the file, reversed, malformed or overlapping", async () => {
  await expectRejected(
    rawFile({ a: { dtype: "U8", shape: [4], data_offsets: [10, 14] } }, 12),
    "tensor a.data_offsets",
  );
  await expectRejected(
    rawFile({ a: { dtype: "U8", shape: [0], data_offsets: [4, 2] } }, 12),
    "tensor a.data_offsets",
  );
  await expectRejected(
    rawFile({ a: { dtype: "U8", shape: [1], data_offsets: [0] } }, 12),
    "tensor a.data_offsets",
  );
  await expectRejected(
    rawFile({ a: { dtype: "U8", shape: [1], data_offsets: [-1, 0] } }, 12),
    "tensor a.data_offsets",
  );
  await expectRejected(
    rawFile(
      {
        a: { dtype: "U8", shape: [8], data_offsets: [0, 8] },
        b: { dtype: "U8", shape: [4], data_offsets: [4, 8] },
      },
      12,
    ),
    "tensor b.data_offsets",
    /overlaps tensor a/,
  );
});

test("the same tensor name in two shards is refused", async () => {
  const dir = await tempDir();
  const one = await writeBytes(join(dir, "1.safetensors"), f32Safetensors({ a: [1] }));
  const two = await writeBytes(join(dir, "2.safetensors"), f32Safetensors({ a: [1] }));
  await rejectsWith(SafetensorsStore.open([one, two]), FormatError, { file: two, field: "tensor a" });
  await (await SafetensorsStore.open([one])).close();
});

/** Opened as a user opens it, by path: format detection first, then the reader. */
async function openByPath(bytes: Uint8Array, name = "x.safetensors") {
  const path = await writeBytes(join(await tempDir(), name), bytes);
  return { path, result: openModelSource(path) };
}

test("a truncated safetensors or one with an absurd length is diagnosed as safetensors, not 'unrecognised'", async () => {
  const good = rawFile(GOOD, 12);
  const accepted = await openByPath(good);
  const source = await accepted.result;
  assert.equal(source.format, "safetensors");
  await source.store.close();
  // Cut inside the header (as `head -c 1000` of a real file): the length says more than the file holds.
  const cut = await openByPath(good.subarray(0, 20), "cut.bin");
  await rejectsWith(cut.result, FormatError, {
    file: cut.path,
    field: "header length",
    message: new RegExp(
      `header of ${good.byteLength - 8 - 12} bytes is longer than the 20-byte file \\(truncated\\?\\)`,
    ),
  });
  const absurd = await openByPath(rawFile(GOOD, 12, 2n ** 50n));
  await rejectsWith(absurd.result, FormatError, {
    file: absurd.path,
    field: "header length",
    message: new RegExp(`header of 1125899906842624 bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`),
  });
});

test("format detection: safetensors by its shape, a legacy llama2.c header with '{' at byte 8 stays llama2.c", () => {
  const good = rawFile(GOOD, 12);
  assert.equal(sniffBytes(good.subarray(0, 20), "a"), "safetensors");
  assert.equal(sniffBytes(rawFile(GOOD, 0, 2n ** 50n), "a"), "safetensors");
  assert.equal(sniffBytes(rawFile("{}", 0), "a"), "safetensors");
  // dim 288, hidden 768, n_layers 123 (0x7b = '{'), heads 6, kv 6, vocab 512, seq 256.
  const llama2c = new Uint8Array(28);
  const view = new DataView(llama2c.buffer);
  for (const [i, value] of [288, 768, 123, 6, 6, 512, 256].entries()) view.setInt32(4 * i, value, true);
  assert.equal(llama2c[8], 0x7b);
  assert.equal(sniffBytes(llama2c, "m.bin"), "llama2c");
  assert.equal(sniffBytes(new TextEncoder().encode("\x05\0\0\0\0\0\0\0{x"), "a"), "unknown");
});

test("figures beyond 2^53 are printed exactly or as 'more than 2^53', never as a rounded JS number", async () => {
  // JSON.parse rounds 2^62 to 4611686018427388000: that is not what the file says.
  await expectRejected(
    rawFile('{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,8]}}', 8),
    "tensor a.shape",
    /invalid dimension more than 2\^53$/,
  );
  await expectRejected(
    rawFile('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4611686018427387904]}}', 8),
    "tensor a.data_offsets",
    /\(written \[0, more than 2\^53\]\)/,
  );
  // Safe dimensions whose product passes 2^53: computed in BigInt, printed exactly.
  await expectRejected(
    rawFile({ a: { dtype: "F32", shape: [9007199254740991, 2], data_offsets: [0, 8] } }, 8),
    "tensor a.data_offsets",
    /needs 72057594037927928 bytes but data_offsets span 8/,
  );
  const { result } = await open(rawFile({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, 8));
  await (await result).close();
});
