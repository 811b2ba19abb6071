import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError, InputNotFoundError } from "../../src/errors.js";
import {
  MAX_ARRAY_DEPTH,
  MAX_ARRAY_LENGTH,
  MAX_KV_COUNT,
  MAX_STRING_BYTES,
  MAX_TENSOR_COUNT,
  parseGgufBytes,
} from "../../src/formats/gguf/header.js";
import { GgufStore } from "../../src/formats/gguf/store.js";
import { buildGguf, type RawWriter } from "./raw-gguf.js";

function rejects(bytes: Uint8Array, field: RegExp, message: RegExp): void {
  assert.throws(
    () => parseGgufBytes(bytes, "bad.gguf"),
    (error: unknown) => {
      assert.ok(error instanceof FormatError, `expected a FormatError, got ${String(error)}`);
      assert.equal(error.file, "bad.gguf");
      assert.match(error.field ?? "", field);
      assert.match(error.message, message);
      return true;
    },
  );
}

test("control: the hand-built file parses", () => {
  const header = parseGgufBytes(buildGguf());
  assert.equal(header.tensors.length, 2);
  assert.deepEqual(header.tensors[0]!.shape, [2, 4]);
  assert.equal(header.tensors[1]!.dtype, "Q8_0");
  assert.equal(header.metadata.get("general.architecture"), "llama");
});

test("truncated anywhere in the header or data: rejected; the whole file: accepted", () => {
  const full = buildGguf();
  assert.doesNotThrow(() => parseGgufBytes(full));
  for (let cut = 0; cut < full.length; cut++) {
    assert.throws(() => parseGgufBytes(full.subarray(0, cut)), FormatError, `cut at ${cut}`);
  }
  rejects(full.subarray(0, full.length - 1), /tensor b offset/, /past the end.*truncated/);
  rejects(full.subarray(0, 2), /magic/, /too short/);
});

test("bad magic and versions", () => {
  rejects(buildGguf({ magic: "GGUG" }), /^magic$/, /not a GGUF file/);
  rejects(buildGguf({ magic: "\x89PNG" }), /^magic$/, /not a GGUF file/);
  rejects(buildGguf({ version: 1 }), /^version$/, /version 1.*not supported/);
  rejects(buildGguf({ version: 4 }), /^version$/, /unsupported GGUF version 4/);
  rejects(buildGguf({ version: 0x03000000 }), /^version$/, /big-endian/);
  assert.equal(parseGgufBytes(buildGguf({ version: 2 })).version, 2);
});

test("huge declared string lengths", () => {
  rejects(
    buildGguf({
      kvs: (w) =>
        w
          .kv("general.architecture", 2n ** 62n)
          .u32(8)
          .str("llama"),
    }),
    /metadata #0 key/,
    /exceeds the limit/,
  );
  rejects(
    buildGguf({
      kvs: (w) =>
        w
          .kv("k")
          .u32(8)
          .str("x", MAX_STRING_BYTES + 1),
    }),
    /^k$/,
    /exceeds the limit/,
  );
  rejects(buildGguf({ kvs: (w) => w.kv("k").u32(8).str("x", 1_000_000) }), /^k$/, /past the end/);
  assert.equal(parseGgufBytes(buildGguf({ kvs: (w) => w.kv("k").u32(8).str("x") })).metadata.get("k"), "x");
});

test("huge declared array lengths", () => {
  rejects(
    buildGguf({
      kvs: (w) =>
        w
          .kv("k")
          .u32(9)
          .u32(4)
          .u64(MAX_ARRAY_LENGTH + 1),
    }),
    /^k$/,
    /exceeds the limit/,
  );
  rejects(
    buildGguf({
      kvs: (w) =>
        w
          .kv("k")
          .u32(9)
          .u32(10)
          .u64(2n ** 63n),
    }),
    /^k$/,
    /exceeds the limit/,
  );
  rejects(buildGguf({ kvs: (w) => w.kv("k").u32(9).u32(8).u64(1_000_000) }), /^k$/, /past the end/);
  const ok = buildGguf({ kvs: (w) => w.kv("k").u32(9).u32(4).u64(2).u32(7).u32(9) });
  assert.deepEqual(parseGgufBytes(ok).metadata.get("k"), new Uint32Array([7, 9]));
});

test("arrays nested too deep", () => {
  const nest = (depth: number) => (w: RawWriter) => {
    w.kv("k").u32(9);
    for (let i = 0; i < depth; i++) w.u32(9).u64(1);
    w.u32(0).u64(0);
  };
  // `depth` arrays of arrays around an empty uint8 array: MAX_ARRAY_DEPTH levels in all is the limit.
  assert.doesNotThrow(() => parseGgufBytes(buildGguf({ kvs: nest(MAX_ARRAY_DEPTH - 1) })));
  rejects(buildGguf({ kvs: nest(MAX_ARRAY_DEPTH) }), /^k$/, /nested deeper/);
});

test("unknown value types, bad bools, duplicate keys", () => {
  rejects(buildGguf({ kvs: (w) => w.kv("k").u32(13).u32(0) }), /^k$/, /unknown metadata value type 13/);
  rejects(buildGguf({ kvs: (w) => w.kv("k").u32(9).u32(77).u64(0) }), /^k$/, /value type 77/);
  rejects(buildGguf({ kvs: (w) => w.kv("k").u32(7).u8(2) }), /^k$/, /bool value 2/);
  rejects(buildGguf({ kvs: (w) => w.kv("k").u32(7).u8(1).kv("k").u32(7).u8(0) }), /^k$/, /duplicate/);
  assert.equal(parseGgufBytes(buildGguf({ kvs: (w) => w.kv("k").u32(7).u8(1) })).metadata.get("k"), true);
});

test("absurd tensor and key-value counts", () => {
  rejects(buildGguf({ tensorCount: 2n ** 40n }), /tensor_count/, /exceeds the limit/);
  rejects(buildGguf({ tensorCount: BigInt(MAX_TENSOR_COUNT) + 1n }), /tensor_count/, /exceeds the limit/);
  rejects(buildGguf({ tensorCount: 100_000n }), /tensor_count/, /more than the .*file can hold/);
  rejects(buildGguf({ kvCount: 2n ** 63n }), /metadata_kv_count/, /exceeds the limit/);
  rejects(buildGguf({ kvCount: BigInt(MAX_KV_COUNT) }), /metadata_kv_count/, /more than the .*file can hold/);
  // A count one too high runs into the tensor infos and fails there, still as a FormatError.
  assert.throws(() => parseGgufBytes(buildGguf({ kvCount: 3n })), FormatError);
});

test("absurd dimensions", () => {
  const one = (t: object) => [{ name: "a", ne: [4, 2], type: 0, offset: 0, ...t }];
  rejects(
    buildGguf({ tensors: one({ ne: [1, 1, 1, 1, 1] }) }),
    /tensor a n_dims/,
    /exceeds GGML's maximum of 4/,
  );
  rejects(buildGguf({ tensors: one({ nDims: 2 ** 31, ne: [] }) }), /tensor a n_dims/, /exceeds/);
  rejects(buildGguf({ tensors: one({ ne: [2n ** 63n, 1] }) }), /tensor a ne\[0\]/, /exceeds the limit/);
  rejects(buildGguf({ tensors: one({ ne: [2 ** 30, 2 ** 30] }) }), /tensor a ne$/, /more than/);
  rejects(buildGguf({ tensors: one({ ne: [2 ** 20, 2 ** 20] }) }), /tensor a offset/, /past the end/);
  assert.equal(parseGgufBytes(buildGguf({ tensors: one({ ne: [8] }) })).tensors[0]!.elementCount, 8);
  assert.deepEqual(
    parseGgufBytes(buildGguf({ tensors: one({ ne: [2, 2, 1, 2] }) })).tensors[0]!.shape,
    [2, 1, 2, 2],
  );
});

test("offsets outside the file, misaligned, or overlapping", () => {
  const two = (b: object) => [
    { name: "a", ne: [4, 2], type: 0, offset: 0 },
    { name: "b", ne: [32], type: 8, offset: 32, ...b },
  ];
  rejects(buildGguf({ tensors: two({ offset: 2n ** 62n }) }), /tensor b offset/, /out of range/);
  rejects(buildGguf({ tensors: two({ offset: 4096 }) }), /tensor b offset/, /past the end/);
  rejects(
    buildGguf({ tensors: two({ offset: 33 }) }),
    /tensor b offset/,
    /not a multiple of the alignment 32/,
  );
  rejects(buildGguf({ tensors: two({ offset: 0 }) }), /tensor (a|b) offset/, /overlaps/);
  rejects(buildGguf({ tensors: two({ name: "a" }) }), /tensor a/, /duplicate tensor name/);
  assert.equal(parseGgufBytes(buildGguf({ tensors: two({}) })).tensors[1]!.relativeOffset, 32);
});

test("unknown GGML types and rows that are not whole blocks", () => {
  const one = (t: object) => [{ name: "a", ne: [32], type: 0, offset: 0, ...t }];
  rejects(buildGguf({ tensors: one({ type: 99 }) }), /tensor a type/, /unknown GGML type id 99/);
  rejects(buildGguf({ tensors: one({ type: 4 }) }), /tensor a type/, /unknown GGML type id 4/); // removed Q4_2
  rejects(
    buildGguf({ tensors: one({ type: 8, ne: [16, 2] }) }),
    /tensor a ne\[0\]/,
    /not a multiple of the Q8_0 block size 32/,
  );
  assert.equal(parseGgufBytes(buildGguf({ tensors: one({ type: 8 }) })).tensors[0]!.byteLength, 34);
});

test("bad general.alignment", () => {
  const alignment = (type: number, value: number) => (w: RawWriter) =>
    w.kv("general.alignment").u32(type).u32(value);
  rejects(buildGguf({ kvs: alignment(4, 3) }), /general.alignment/, /power of two/);
  rejects(buildGguf({ kvs: alignment(4, 0) }), /general.alignment/, /power of two/);
  rejects(buildGguf({ kvs: alignment(4, 2 ** 30) }), /general.alignment/, /power of two/);
  rejects(buildGguf({ kvs: alignment(6, 0x42000000) }), /general.alignment/, /unsigned integer/);
  const tensors = [
    { name: "a", ne: [4, 2], type: 0, offset: 0 },
    { name: "b", ne: [32], type: 8, offset: 64 },
  ];
  const header = parseGgufBytes(buildGguf({ kvs: alignment(4, 64), alignment: 64, tensors, dataBytes: 98 }));
  assert.equal(header.alignment, 64);
  assert.equal(header.dataStart % 64, 0);
  // Offsets must follow the declared alignment, not the default.
  rejects(buildGguf({ kvs: alignment(4, 64), alignment: 64 }), /tensor b offset/, /alignment 64/);
});

test("GgufStore: missing file, directory, non-GGUF file, and a tensor type it cannot decode", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lineage-gguf-bad-"));
  after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(GgufStore.open(join(dir, "absent.gguf")), InputNotFoundError);
  await assert.rejects(GgufStore.open(dir), InputNotFoundError);
  const text = join(dir, "model.gguf");
  await writeFile(text, "{}");
  await assert.rejects(GgufStore.open(text), (e: unknown) => e instanceof FormatError && e.file === text);
  const iq = join(dir, "iq.gguf");
  await writeFile(iq, buildGguf({ tensors: [{ name: "w", ne: [256], type: 16, offset: 0 }], dataBytes: 66 }));
  const store = await GgufStore.open(iq);
  assert.equal(store.get("w")?.dtype, "IQ2_XXS");
  await assert.rejects(
    store.read("w"),
    (e: unknown) => e instanceof FormatError && /IQ2_XXS/.test(e.message),
  );
  await store.close();
});
