/**
 * Positional row reads of every store (`TensorStore.readRows`) must give exactly the rows of the whole
 * tensor read: every safetensors dtype, every GGML type the GGUF store decodes, llama2.c legacy float32
 * and version-2 Q8, on files built here and on third-party files in ../shared/real. Coalescing (merged
 * reads) must not change the values, whatever the gap and read-size settings.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { FormatError } from "../../src/errors.js";
import { SAFETENSORS_DTYPE_BYTES, SAFETENSORS_DTYPES } from "../../src/formats/dtype.js";
import { DEQUANTIZABLE, requireGgmlType } from "../../src/formats/gguf/ggml-types.js";
import { GgufStore } from "../../src/formats/gguf/store.js";
import { writeGguf } from "../../src/formats/gguf/writer.js";
import { llama2cLayout } from "../../src/formats/llama2c/layout.js";
import { Llama2cStore } from "../../src/formats/llama2c/store.js";
import { writeLlama2c } from "../../src/formats/llama2c/writer.js";
import { type CoalesceOptions, planRowRuns, readRowsCoalesced } from "../../src/formats/row-reads.js";
import { SafetensorsStore } from "../../src/formats/safetensors/store.js";
import { encodeSafetensors } from "../../src/formats/safetensors/writer.js";
import { gatherRows, matrixView, readTensorRows, type TensorStore } from "../../src/formats/tensor-store.js";
import { assertSameFloats, shared, skipUnlessShared } from "../helpers.js";
import { tempDir, writeBytes } from "./build.js";

type RowReader = TensorStore & {
  readRows(name: string, rows: readonly number[], options?: CoalesceOptions): Promise<Float32Array>;
};

/** Row lists worth trying on a matrix of `n` rows: all, reversed, repeats, sparse, one, none. */
function rowLists(n: number): number[][] {
  const all = Array.from({ length: n }, (_, i) => i);
  return [
    all,
    [...all].reverse(),
    [n - 1, 0, Math.floor(n / 2), 0, n - 1],
    all.filter((row) => row % 3 === 1),
    [Math.floor(n / 3)],
    [],
  ];
}

const SETTINGS: CoalesceOptions[] = [{}, { gapBytes: 0 }, { gapBytes: 1 << 30 }, { maxReadBytes: 1 }];

/** Every tensor's row reads (with several coalescing settings) equal the rows of its whole read. */
async function assertRowsMatch(store: RowReader, label: string, settings = SETTINGS): Promise<void> {
  for (const info of store.tensors) {
    let whole: Float32Array;
    try {
      whole = await store.read(info.name);
    } catch (error) {
      if (error instanceof FormatError && /not supported/.test(error.message)) continue;
      throw error;
    }
    const { rows, cols } = matrixView(info.shape);
    for (const wanted of rowLists(rows)) {
      for (const options of settings) {
        assertSameFloats(
          await store.readRows(info.name, wanted, options),
          gatherRows(whole, cols, wanted),
          `${label}: ${info.name} (${info.dtype}) rows [${wanted.slice(0, 6).join(", ")}…] ${JSON.stringify(options)}`,
        );
      }
    }
    await assert.rejects(store.readRows(info.name, [rows]), /outside/);
    await assert.rejects(store.readRows(info.name, [-1]), /outside/);
  }
}

test("planRowRuns merges rows within the gap and caps each read", () => {
  assert.deepEqual(planRowRuns([0, 1, 2, 10], 100, { gapBytes: 0 }), [
    { first: 0, end: 3 },
    { first: 10, end: 11 },
  ]);
  assert.deepEqual(planRowRuns([0, 1, 2, 10], 100, { gapBytes: 700 }), [{ first: 0, end: 11 }]);
  assert.deepEqual(planRowRuns([0, 1, 2, 10], 100, { gapBytes: 699 }), [
    { first: 0, end: 3 },
    { first: 10, end: 11 },
  ]);
  assert.deepEqual(planRowRuns([0, 1, 2, 3], 100, { gapBytes: 1e9, maxReadBytes: 250 }), [
    { first: 0, end: 2 },
    { first: 2, end: 4 },
  ]);
  assert.deepEqual(
    planRowRuns([5], 1e9, { maxReadBytes: 10 }),
    [{ first: 5, end: 6 }],
    "a long row is one read",
  );
  assert.deepEqual(planRowRuns([], 4), []);
});

test("readRowsCoalesced: any rows, any order, repeats; one read per run, each row decoded once", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.nat(1000), { maxLength: 30 }),
      fc.nat(400),
      async (n, cols, picks, gapBytes) => {
        const rows = picks.map((p) => p % n);
        const data = Float32Array.from({ length: n * cols }, (_, i) => i);
        const reads: Array<{ first: number; end: number }> = [];
        let decoded = 0;
        const out = await readRowsCoalesced(
          rows,
          cols,
          cols * 4,
          async (first, end) => {
            reads.push({ first, end });
            return data.subarray(first * cols, end * cols);
          },
          (run, runFirst, first, count, target) => {
            decoded += count;
            target.set(run.subarray((first - runFirst) * cols, (first - runFirst + count) * cols));
          },
          { gapBytes },
        );
        assert.deepEqual(out, gatherRows(data, cols, rows));
        assert.equal(decoded, new Set(rows).size);
        assert.deepEqual(
          reads,
          planRowRuns(
            [...new Set(rows)].sort((a, b) => a - b),
            cols * 4,
            { gapBytes },
          ),
        );
      },
    ),
  );
});

test("safetensors: readRows equals rows of read() for every dtype", async () => {
  const dir = await tempDir();
  const tensors = SAFETENSORS_DTYPES.flatMap((dtype) =>
    [[7, 5], [3, 4, 6], [9], []].map((shape, i) => {
      const count = shape.reduce((a, b) => a * b, 1);
      return {
        name: `${dtype}.${i}`,
        dtype,
        shape,
        data: new Uint8Array(randomBytes(count * SAFETENSORS_DTYPE_BYTES[dtype])),
      };
    }),
  );
  const path = await writeBytes(join(dir, "all.safetensors"), encodeSafetensors(tensors));
  const store = await SafetensorsStore.open([path]);
  try {
    await assertRowsMatch(store, "safetensors");
  } finally {
    await store.close();
  }
});

test("GGUF: readRows equals rows of read() for every decodable type, rows = whole blocks along ne0", async () => {
  const dir = await tempDir();
  const tensors = [...DEQUANTIZABLE].flatMap((dtype) => {
    const type = requireGgmlType(dtype);
    // Rows of 2 blocks (and 1-D tensors of plain types): random block bytes, any value a file may hold.
    const shapes =
      type.blockSize === 1
        ? [[5, 6], [2, 3, 4], [7]]
        : [
            [5, 2 * type.blockSize],
            [2, 3, type.blockSize],
          ];
    return shapes.map((shape, i) => {
      const count = shape.reduce((a, b) => a * b, 1);
      return {
        name: `${dtype}.${i}`,
        dtype,
        shape,
        data: new Uint8Array(randomBytes((count / type.blockSize) * type.typeSize)),
      };
    });
  });
  const path = join(dir, "all.gguf");
  await writeGguf(path, { tensors });
  const store = await GgufStore.open(path);
  try {
    await assertRowsMatch(store, "GGUF");
  } finally {
    await store.close();
  }
});

for (const version of [0, 2] as const) {
  test(`llama2.c version ${version}: readRows equals rows of read()`, async () => {
    const dir = await tempDir();
    const path = join(dir, "model.bin");
    const fields = {
      version,
      dim: 64,
      hiddenDim: 96,
      nLayers: 2,
      nHeads: 4,
      nKvHeads: 2,
      vocabSize: 40,
      seqLen: 8,
      sharedClassifier: false,
      groupSize: version === 2 ? 32 : undefined,
    };
    const shapes = new Map(
      llama2cLayout({ ...fields, headerBytes: 0 }).tensors.map((t) => [t.name, t.shape]),
    );
    await writeLlama2c(path, fields, (name) => {
      const count = shapes.get(name)!.reduce((x, y) => x * y, 1);
      return Float32Array.from({ length: count }, () => Math.random() * 2 - 1);
    });
    const store = await Llama2cStore.open(path);
    try {
      await assertRowsMatch(store, `llama2.c v${version}`);
    } finally {
      await store.close();
    }
  });
}

const REAL: Array<[string, string, (path: string) => Promise<RowReader>]> = [
  ["stories260k", "stories260K.gguf", (path) => GgufStore.open(path)],
  ["stories260k", "stories260K.bin", (path) => Llama2cStore.open(path)],
  ["stories260k", "stories260K_q80.bin", (path) => Llama2cStore.open(path)],
  ["stories260k", "stories260K-qat-finetune.bin", (path) => Llama2cStore.open(path)],
  ["rwkv", "tiny-rwkv-5v2-730K-FP16.safetensors", (path) => SafetensorsStore.open([path])],
];

for (const [folder, file, open] of REAL) {
  test(
    `third-party ${file}: readRows equals rows of read()`,
    skipUnlessShared("real", folder, file),
    async () => {
      const store = await open(shared("real", folder, file)!);
      try {
        await assertRowsMatch(store, file, [{}, { gapBytes: 0 }]);
        // The generic entry point goes through the store's positional reads too.
        const first = store.tensors.find((t) => t.shape.length === 2)!;
        assert.deepEqual(
          await readTensorRows(store, first.name, [1, 0]),
          await store.readRows(first.name, [1, 0]),
        );
      } finally {
        await store.close();
      }
    },
  );
}

test("bytesRead counts what the store really read: merged gaps included, nothing else", async () => {
  const dir = await tempDir();
  const rows = 64;
  const cols = 32;
  const path = await writeBytes(
    join(dir, "count.safetensors"),
    encodeSafetensors([
      { name: "w", dtype: "BF16", shape: [rows, cols], data: new Uint8Array(rows * cols * 2) },
    ]),
  );
  const store = await SafetensorsStore.open([path]);
  try {
    const before = store.bytesRead();
    const wanted = [3, 5, 40, 41];
    for (const gapBytes of [0, 64, 1 << 20]) {
      const start = store.bytesRead();
      await store.readRows("w", wanted, { gapBytes });
      const runs = planRowRuns(wanted, cols * 2, { gapBytes });
      const expected = runs.reduce((sum, run) => sum + (run.end - run.first) * cols * 2, 0);
      assert.equal(store.bytesRead() - start, expected, `gap ${gapBytes}`);
    }
    assert.ok(before > 0, "the header read counts too");
  } finally {
    await store.close();
  }
});
