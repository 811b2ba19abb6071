import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { parseGgufBytes, readGgufHeader } from "../../src/formats/gguf/header.js";
import {
  getArray,
  getBool,
  getFloat,
  getInteger,
  getNumberArray,
  getString,
  getStringArray,
  getU32,
  getU64,
} from "../../src/formats/gguf/metadata.js";
import { encodeGguf, gguf } from "../../src/formats/gguf/writer.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

const everyType: [string, ReturnType<typeof gguf.u8>][] = [
  ["t.u8", gguf.u8(255)],
  ["t.i8", gguf.i8(-128)],
  ["t.u16", gguf.u16(65535)],
  ["t.i16", gguf.i16(-32768)],
  ["t.u32", gguf.u32(4294967295)],
  ["t.i32", gguf.i32(-2147483648)],
  ["t.u64", gguf.u64(18446744073709551615n)],
  ["t.i64", gguf.i64(-9223372036854775808n)],
  ["t.f32", gguf.f32(1.5)],
  ["t.f64", gguf.f64(Math.PI)],
  ["t.bool", gguf.bool(true)],
  ["t.str", gguf.str("héllo ▁wörld 车水马龙")],
  ["t.bom", gguf.str("\uFEFF//")],
  ["t.tokens", gguf.array("string", ["<s>", "\uFEFF", "▁the", ""])],
  ["t.scores", gguf.array("float32", new Float32Array([0, -1.25, 3]))],
  ["t.types", gguf.array("int32", new Int32Array([1, 3, -6]))],
  ["t.u64s", gguf.array("uint64", new BigUint64Array([1n, 2n ** 60n]))],
  ["t.bools", gguf.array("bool", [true, false])],
  [
    "t.nested",
    gguf.array({ type: "array", items: { type: "uint8" } }, [new Uint8Array([1, 2]), new Uint8Array([])]),
  ],
];

test("reads every metadata value type back exactly (v3)", () => {
  const header = parseGgufBytes(encodeGguf({ metadata: everyType }));
  assert.equal(header.version, 3);
  assert.equal(header.kvCount, everyType.length);
  assert.equal(header.tensorCount, 0);
  assert.deepEqual(
    [...header.metadata.keys()],
    everyType.map(([key]) => key),
  );
  assert.equal(getInteger(header, "t.u8"), 255);
  assert.equal(getInteger(header, "t.i8"), -128);
  assert.equal(getInteger(header, "t.u16"), 65535);
  assert.equal(getInteger(header, "t.i16"), -32768);
  assert.equal(getU32(header, "t.u32"), 4294967295);
  assert.equal(getInteger(header, "t.i32"), -2147483648);
  assert.equal(header.metadata.get("t.u64"), 18446744073709551615n);
  assert.equal(header.metadata.get("t.i64"), -9223372036854775808n);
  assert.equal(getFloat(header, "t.f32"), 1.5);
  assert.equal(getFloat(header, "t.f64"), Math.PI);
  assert.equal(getBool(header, "t.bool"), true);
  assert.equal(getString(header, "t.str"), "héllo ▁wörld 车水马龙");
  assert.deepEqual(getStringArray(header, "t.tokens"), ["<s>", "\uFEFF", "▁the", ""]);
  assert.deepEqual(getNumberArray(header, "t.scores"), new Float32Array([0, -1.25, 3]));
  assert.deepEqual(getNumberArray(header, "t.types"), new Int32Array([1, 3, -6]));
  assert.deepEqual(getNumberArray(header, "t.u64s"), new BigUint64Array([1n, 2n ** 60n]));
  assert.deepEqual(getArray(header, "t.bools"), [true, false]);
  assert.deepEqual(getArray(header, "t.nested"), [new Uint8Array([1, 2]), new Uint8Array([])]);
  assert.deepEqual(header.metadataTypes.get("t.nested"), {
    type: "array",
    items: { type: "array", items: { type: "uint8" } },
  });
  assert.equal(header.invalidUtf8Count, 0);
});

test("a leading U+FEFF survives decoding", () => {
  const header = parseGgufBytes(encodeGguf({ metadata: everyType }));
  const bom = getString(header, "t.bom")!;
  assert.equal(bom.length, 3);
  assert.equal(bom.charCodeAt(0), 0xfeff);
  assert.equal(getStringArray(header, "t.tokens")![1], "\uFEFF");
});

test("typed getters refuse the wrong type and return undefined for absent keys", () => {
  const header = parseGgufBytes(encodeGguf({ metadata: everyType }));
  assert.equal(getString(header, "absent"), undefined);
  assert.throws(
    () => getString(header, "t.u32"),
    (e) => e instanceof FormatError && e.field === "t.u32",
  );
  assert.throws(() => getU32(header, "t.i32"), FormatError);
  assert.throws(() => getU64(header, "t.u64"), FormatError); // 2^64-1 is not a safe number
  assert.throws(() => getStringArray(header, "t.scores"), FormatError);
  assert.throws(() => getNumberArray(header, "t.tokens"), FormatError);
});

test("invalid UTF-8 is replaced, counted and its raw bytes kept", () => {
  const bad = new Uint8Array([0x61, 0xff, 0xfe, 0x62]);
  const header = parseGgufBytes(
    encodeGguf({
      metadata: [
        ["bad", gguf.str("x")],
        ["tokens", gguf.array("string", ["ok", bad as unknown as string])],
      ],
    }),
  );
  assert.equal(getStringArray(header, "tokens")![1], "a\uFFFD\uFFFDb");
  assert.equal(header.invalidUtf8Count, 1);
  assert.deepEqual(header.invalidUtf8[0], { field: "tokens", index: 1, bytes: bad });
});

test("reads v2 files; refuses v1 with a clear error", () => {
  const v2 = parseGgufBytes(encodeGguf({ version: 2, metadata: [["a", gguf.u32(1)]] }));
  assert.equal(v2.version, 2);
  const bytes = encodeGguf({ metadata: [["a", gguf.u32(1)]] });
  new DataView(bytes.buffer).setUint32(4, 1, true);
  assert.throws(
    () => parseGgufBytes(bytes, "old.gguf"),
    (e) => e instanceof FormatError && e.field === "version" && /version 1/.test(e.message),
  );
});

test("tensor infos: ne reversed into PyTorch shape, offsets aligned, data start padded", () => {
  const f32 = new Uint8Array(4 * 6);
  const q8 = new Uint8Array(34 * 2);
  const header = parseGgufBytes(
    encodeGguf({
      alignment: 64,
      metadata: [["general.architecture", gguf.str("llama")]],
      tensors: [
        { name: "a", dtype: "F32", shape: [2, 3], data: f32 },
        { name: "b", dtype: "Q8_0", shape: [2, 32], data: q8 },
      ],
    }),
  );
  assert.equal(header.alignment, 64);
  assert.equal(header.dataStart % 64, 0);
  const [a, b] = header.tensors;
  assert.deepEqual(a!.ne, [3, 2]);
  assert.deepEqual(a!.shape, [2, 3]);
  assert.equal(a!.dtype, "F32");
  assert.equal(a!.byteLength, 24);
  assert.equal(a!.offset, header.dataStart);
  assert.deepEqual(b!.ne, [32, 2]);
  assert.equal(b!.dtype, "Q8_0");
  assert.equal(b!.relativeOffset, 64);
  assert.equal(b!.byteLength, 68);
  assert.equal(b!.elementCount, 64);
});

test("reads a real llama.cpp vocabulary GGUF", async () => {
  const header = await readGgufHeader(fixture("vocab", "llama-spm.gguf"));
  assert.equal(getString(header, "tokenizer.ggml.model"), "llama");
  const tokens = getStringArray(header, "tokenizer.ggml.tokens")!;
  assert.equal(tokens.length, 32000);
  assert.equal(tokens[0], "<unk>");
  assert.equal(getNumberArray(header, "tokenizer.ggml.scores")!.length, 32000);
  assert.equal(header.invalidUtf8Count, 0);
});

test("reads all twelve real llama.cpp vocabulary GGUFs", skipUnlessShared("real", "vocab"), async () => {
  const dir = shared("real", "vocab")!;
  const files = readdirSync(dir).filter((name) => name.endsWith(".gguf"));
  assert.equal(files.length, 12);
  for (const name of files) {
    const header = await readGgufHeader(join(dir, name));
    const tokens = getStringArray(header, "tokenizer.ggml.tokens");
    assert.ok(tokens !== undefined && tokens.length > 1000, name);
    assert.equal(header.tensorCount, 0, name);
    assert.equal(header.invalidUtf8Count, 0, name);
    const types = getNumberArray(header, "tokenizer.ggml.token_type");
    if (types !== undefined) assert.equal(types.length, tokens.length, name);
    assert.equal(typeof getString(header, "tokenizer.ggml.model"), "string", name);
  }
});

test("writer and reader round-trip a vocabulary larger than the writer's first buffer", () => {
  const tokens = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `▁wörld${i}` : `\uFEFFt${i}`));
  const scores = new Float32Array(tokens.length).map((_, i) => -i / 7);
  const header = parseGgufBytes(
    encodeGguf({
      metadata: [
        ["tokenizer.ggml.tokens", gguf.array("string", tokens)],
        ["tokenizer.ggml.scores", gguf.array("float32", scores)],
      ],
    }),
  );
  assert.deepEqual(getStringArray(header, "tokenizer.ggml.tokens"), tokens);
  assert.deepEqual(getNumberArray(header, "tokenizer.ggml.scores"), scores);
});
