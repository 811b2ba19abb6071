/**
 * Property tests: mutated safetensors and llama2.c headers never make a reader throw anything but our
 * typed errors, never hang and never allocate more than the file holds.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { FormatError, InputNotFoundError } from "../../src/errors.js";
import { llama2cLayout } from "../../src/formats/llama2c/layout.js";
import { Llama2cStore } from "../../src/formats/llama2c/store.js";
import { writeLlama2c } from "../../src/formats/llama2c/writer.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { SafetensorsStore } from "../../src/formats/safetensors/store.js";
import { encodeSafetensors } from "../../src/formats/safetensors/writer.js";
import { elementCount, type TensorStore } from "../../src/formats/tensor-store.js";
import { tempDir } from "./build.js";

const RUNS = 150;

function valid(): Uint8Array {
  return encodeSafetensors(
    [
      { name: "w", dtype: "BF16", shape: [2, 3], data: new Uint8Array(12).fill(0x3f) },
      { name: "b", dtype: "F32", shape: [3], data: new Uint8Array(12).fill(1) },
      { name: "q", dtype: "F8_E4M3", shape: [4], data: Uint8Array.from([1, 2, 3, 0x7f]) },
    ],
    { format: "pt" },
  );
}

/** Open, list and read every tensor; only typed errors may escape. */
async function exercise(open: () => Promise<TensorStore>): Promise<void> {
  let store: TensorStore | undefined;
  try {
    store = await open();
    for (const tensor of store.tensors) {
      const values = await store.read(tensor.name);
      assert.ok(values.length <= tensor.byteLength, "decoded more values than stored bytes");
    }
  } catch (error) {
    if (!(error instanceof FormatError || error instanceof InputNotFoundError)) throw error;
  } finally {
    await store?.close();
  }
}

const byteEdits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
  minLength: 1,
  maxLength: 8,
});

test("safetensors: random byte edits and truncations only ever raise typed errors", async () => {
  const path = join(await tempDir(), "m.safetensors");
  const base = valid();
  await fc.assert(
    fc.asyncProperty(byteEdits, fc.option(fc.nat({ max: base.byteLength })), async (edits, cut) => {
      const bytes = base.slice(0, cut ?? base.byteLength);
      for (const [at, value] of edits) if (bytes.byteLength > 0) bytes[at % bytes.byteLength] = value;
      await writeFile(path, bytes);
      await exercise(() => SafetensorsStore.open([path]));
      await exercise(async () => (await openModelSource(path)).store);
    }),
    { numRuns: RUNS },
  );
});

const hostileNumber = fc.oneof(
  fc.integer({ min: -4, max: 64 }),
  fc.constantFrom(2 ** 31, 2 ** 53, 2 ** 64, -(2 ** 53), Number.MAX_VALUE, 0.5),
  fc.double(),
);
const hostileValue = fc.oneof(hostileNumber, fc.string({ maxLength: 4 }), fc.constant(null), fc.boolean());

test("safetensors: structurally mutated header JSON only ever raises typed errors", async () => {
  const path = join(await tempDir(), "j.safetensors");
  const entry = fc.record({
    dtype: fc.oneof(
      fc.constantFrom("F32", "BF16", "F16", "I64", "BOOL", "F8_E5M2"),
      fc.string({ maxLength: 5 }),
    ),
    shape: fc.oneof(fc.array(hostileNumber, { maxLength: 5 }), hostileValue),
    data_offsets: fc.oneof(fc.tuple(hostileNumber, hostileNumber), fc.array(hostileValue, { maxLength: 3 })),
  });
  const header = fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(entry, hostileValue), { maxKeys: 4 });
  await fc.assert(
    fc.asyncProperty(header, fc.nat({ max: 64 }), async (json, dataBytes) => {
      const text = new TextEncoder().encode(JSON.stringify(json));
      const bytes = new Uint8Array(8 + text.byteLength + dataBytes);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(text.byteLength), true);
      bytes.set(text, 8);
      await writeFile(path, bytes);
      await exercise(() => SafetensorsStore.open([path]));
    }),
    { numRuns: RUNS },
  );
});

test("llama2.c: mutated header fields and bytes only ever raise typed errors", async () => {
  const dir = await tempDir();
  const fields = { dim: 8, hiddenDim: 16, nLayers: 2, nHeads: 2, nKvHeads: 1, vocabSize: 16, seqLen: 4 };
  const sources: Uint8Array[] = [];
  for (const version of [0, 1, 2] as const) {
    const source = join(dir, `v${version}.bin`);
    const header = { ...fields, version, sharedClassifier: version !== 1, groupSize: 4 };
    const sizes = new Map(
      llama2cLayout({ ...header, headerBytes: 0 }).tensors.map((t) => [t.name, elementCount(t.shape)]),
    );
    await writeLlama2c(source, header, (name) => new Float32Array(sizes.get(name)!).fill(0.5));
    const store = await Llama2cStore.open(source); // control: the unmutated file opens
    await store.close();
    sources.push(new Uint8Array(await readFile(source)));
  }
  const path = join(dir, "m.bin");
  const field = fc.tuple(fc.nat({ max: 8 }), fc.oneof(fc.integer(), fc.integer({ min: -2, max: 70 })));
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: 2 }),
      fc.array(field, { maxLength: 4 }),
      byteEdits,
      async (which, ints, edits) => {
        const bytes = sources[which]!.slice();
        const view = new DataView(bytes.buffer);
        for (const [index, value] of ints) view.setInt32(4 * index, value | 0, true);
        for (const [at, value] of edits) bytes[at % Math.min(bytes.byteLength, 300)] = value;
        await writeFile(path, bytes);
        await exercise(() => Llama2cStore.open(path));
        await exercise(async () => (await openModelSource(path)).store);
      },
    ),
    { numRuns: RUNS },
  );
});
