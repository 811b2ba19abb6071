import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { FormatError } from "../../src/errors.js";
import { encodeF16 } from "../../src/formats/gguf/half.js";
import { parseGgufBytes } from "../../src/formats/gguf/header.js";
import { quantizeQ8_0 } from "../../src/formats/gguf/quantize.js";
import { encodeGguf, gguf } from "../../src/formats/gguf/writer.js";

/** A valid file touching every part of the format: scalars, strings, typed, string and nested arrays,
 * three tensors of different types. */
const valid = encodeGguf({
  metadata: [
    ["general.architecture", gguf.str("llama")],
    ["llama.block_count", gguf.u32(2)],
    ["llama.rope.freq_base", gguf.f32(10000)],
    ["general.parameter_count", gguf.u64(123n)],
    ["flag", gguf.bool(true)],
    ["tokenizer.ggml.tokens", gguf.array("string", ["<unk>", "<s>", "▁a", "\uFEFFb", "车"])],
    ["tokenizer.ggml.scores", gguf.array("float32", new Float32Array([0, 0, -1, -2, -3]))],
    ["tokenizer.ggml.token_type", gguf.array("int32", new Int32Array([2, 3, 1, 1, 1]))],
    ["nested", gguf.array({ type: "array", items: { type: "int16" } }, [new Int16Array([1, -1])])],
  ],
  tensors: [
    {
      name: "token_embd.weight",
      dtype: "F16",
      shape: [5, 32],
      data: encodeF16(new Float32Array(160).fill(0.5)),
    },
    {
      name: "blk.0.attn_q.weight",
      dtype: "Q8_0",
      shape: [2, 32],
      data: quantizeQ8_0(new Float32Array(64).fill(-1)),
    },
    { name: "output_norm.weight", dtype: "F32", shape: [4], data: new Uint8Array(16) },
  ],
});

const INTERESTING_U64 = [
  0n,
  1n,
  31n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n,
  2n ** 63n,
  2n ** 64n - 1n,
];

type Mutation =
  | { kind: "byte"; at: number; value: number }
  | { kind: "u64"; at: number; value: bigint }
  | { kind: "u32"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "delete"; at: number; count: number }
  | { kind: "insert"; at: number; bytes: Uint8Array };

const position = fc.nat({ max: valid.length - 1 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("byte" as const), at: position, value: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant("u64" as const),
    at: position,
    value: fc.oneof(fc.constantFrom(...INTERESTING_U64), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
  }),
  fc.record({ kind: fc.constant("u32" as const), at: position, value: fc.nat({ max: 0xffffffff }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: position }),
  fc.record({ kind: fc.constant("delete" as const), at: position, count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  }),
);

function apply(bytes: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case "truncate":
      return bytes.slice(0, m.at);
    case "delete":
      return new Uint8Array([...bytes.subarray(0, m.at), ...bytes.subarray(m.at + m.count)]);
    case "insert":
      return new Uint8Array([...bytes.subarray(0, m.at), ...m.bytes, ...bytes.subarray(m.at)]);
    default: {
      const out = bytes.slice();
      const view = new DataView(out.buffer);
      if (m.kind === "byte") out[m.at] = m.value;
      else if (m.kind === "u32" && m.at + 4 <= out.length) view.setUint32(m.at, m.value, true);
      else if (m.kind === "u64" && m.at + 8 <= out.length) view.setBigUint64(m.at, m.value, true);
      return out;
    }
  }
}

test("control: the property test's base file is valid", () => {
  const header = parseGgufBytes(valid);
  assert.equal(header.tensors.length, 3);
  assert.equal(header.metadata.size, 9);
});

test("mutated GGUF headers parse or throw FormatError — never another error, a hang or a huge allocation", () => {
  const before = process.memoryUsage().rss;
  let rejected = 0;
  let accepted = 0;
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      const bytes = mutations.reduce(apply, valid);
      const started = performance.now();
      try {
        const header = parseGgufBytes(bytes);
        accepted++;
        // Whatever was accepted is self-consistent: every tensor lies inside the file.
        for (const t of header.tensors) assert.ok(t.offset + t.byteLength <= bytes.length);
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        rejected++;
      }
      assert.ok(performance.now() - started < 1000, "parsing took more than a second");
    }),
    { numRuns: 2000, seed: 20261128 },
  );
  assert.ok(rejected > 0 && accepted > 0, `accepted ${accepted}, rejected ${rejected}`);
  assert.ok(process.memoryUsage().rss - before < 512 * 1024 * 1024, "memory grew by more than 512 MB");
});
