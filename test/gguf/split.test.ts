/**
 * Split GGUF models read as llama.cpp's model loader reads them: from the first shard, every shard by
 * its derived name, each carrying its split.no, no duplicated tensor, split.tensors.count respected.
 * Every rejection sits beside the accepted split it breaks. The shared case (../shared/cases/gguf-split)
 * is the same model as its HF folder.
 */
import assert from "node:assert/strict";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError, InputNotFoundError } from "../../src/errors.js";
import { GgufStore } from "../../src/formats/gguf/store.js";
import { encodeGguf, type GgufTypedValue, gguf } from "../../src/formats/gguf/writer.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { rejectsWith, tempDir } from "../formats/build.js";
import { shared, skipUnlessShared } from "../helpers.js";

interface ShardPlan {
  tensors: string[];
  extra?: [string, GgufTypedValue][];
  splitNo?: number;
}

function tensor(name: string, seed: number) {
  const values = Float32Array.from({ length: 4 }, (_, i) => seed * 10 + i);
  return { name, dtype: "F32", shape: [2, 2], data: new Uint8Array(values.buffer) };
}

/** Write shards `<prefix>-0000i-of-0000n.gguf` into a fresh folder; shard 1 carries the model metadata. */
async function writeSplit(
  plans: ShardPlan[],
  options: { prefix?: string; tensorsCount?: number } = {},
): Promise<{ dir: string; paths: string[] }> {
  const dir = await tempDir();
  const count = plans.length;
  const total = options.tensorsCount ?? plans.reduce((n, p) => n + p.tensors.length, 0);
  let seed = 0;
  const paths: string[] = [];
  for (const [index, plan] of plans.entries()) {
    const metadata: [string, GgufTypedValue][] = [
      ...(index === 0
        ? ([
            ["general.architecture", gguf.str("llama")],
            ["tokenizer.ggml.model", gguf.str("llama")],
            ["tokenizer.ggml.tokens", gguf.array("string", ["<unk>", "<s>", "</s>"])],
          ] as [string, GgufTypedValue][])
        : []),
      ["split.no", gguf.u16(plan.splitNo ?? index)],
      ["split.count", gguf.u16(count)],
      ["split.tensors.count", gguf.i32(total)],
      ...(plan.extra ?? []),
    ];
    const name = `${options.prefix ?? "m"}-${String(index + 1).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.gguf`;
    const path = join(dir, name);
    await writeFile(path, encodeGguf({ metadata, tensors: plan.tensors.map((t) => tensor(t, ++seed)) }));
    paths.push(path);
  }
  return { dir, paths };
}

const PLAN: ShardPlan[] = [{ tensors: ["a", "b"] }, { tensors: ["c"] }, { tensors: ["d", "e"] }];

test("given shard 1, every shard is read: all tensors, their own files and values, metadata of shard 1", async () => {
  const { paths } = await writeSplit(PLAN);
  const store = await GgufStore.open(paths[0]!);
  try {
    assert.deepEqual(store.files, paths);
    assert.deepEqual(
      store.tensors.map((t) => [t.name, t.file]),
      [
        ["a", paths[0]],
        ["b", paths[0]],
        ["c", paths[1]],
        ["d", paths[2]],
        ["e", paths[2]],
      ],
    );
    assert.deepEqual(await store.read("c"), new Float32Array([30, 31, 32, 33]));
    assert.deepEqual(await store.read("e"), new Float32Array([50, 51, 52, 53]));
    assert.deepEqual(await store.readRows("e", [1, 0]), new Float32Array([52, 53, 50, 51]));
    const chunks: number[] = [];
    for await (const chunk of store.readChunks("d", { chunkBytes: 8 })) chunks.push(...chunk);
    assert.deepEqual(chunks, [40, 41, 42, 43]);
    assert.equal(store.metadata["general.architecture"], "llama");
    assert.equal(store.shards.length, 3);
  } finally {
    await store.close();
  }
  // An ordinary file (split.count absent or 1) is one file.
  const single = await writeSplit([{ tensors: ["a"] }]);
  const one = await GgufStore.open(single.paths[0]!);
  assert.deepEqual(one.files, single.paths);
  await one.close();
});

test("a folder holding the shards opens the split model through its first shard, vocabulary too", async () => {
  const { dir, paths } = await writeSplit(PLAN);
  const source = await openModelSource(dir);
  try {
    // weightFiles lists every file the store reads, as for sharded safetensors.
    assert.deepEqual(source.weightFiles, paths);
    assert.deepEqual(source.store.files, paths);
    assert.equal(source.store.tensors.length, 5);
  } finally {
    await source.store.close();
  }
  assert.equal((await readVocabulary(dir)).source.file, paths[0]);
});

test("a missing shard is an InputNotFoundError naming it, never a smaller model", async () => {
  const { paths } = await writeSplit(PLAN);
  const dir = await tempDir();
  await copyFile(paths[0]!, join(dir, "m-00001-of-00003.gguf"));
  await copyFile(paths[1]!, join(dir, "m-00002-of-00003.gguf"));
  const missing = join(dir, "m-00003-of-00003.gguf");
  await rejectsWith(GgufStore.open(join(dir, "m-00001-of-00003.gguf")), InputNotFoundError, {
    file: missing,
    message: /shard 3 of 3 is missing: m-00003-of-00003\.gguf/,
  });
  await rejectsWith(openModelSource(dir), InputNotFoundError, { file: missing });
});

test("opening a later shard is refused, naming the first shard to open", async () => {
  const { paths } = await writeSplit(PLAN);
  await rejectsWith(GgufStore.open(paths[1]!), FormatError, {
    file: paths[1],
    field: "split.no",
    message: /shard 2 of 3 .*open m-00001-of-00003\.gguf/,
  });
});

test("inconsistent splits are refused naming the shard and key", async () => {
  const wrongNo = await writeSplit([PLAN[0]!, { ...PLAN[1]!, splitNo: 2 }, PLAN[2]!]);
  await rejectsWith(GgufStore.open(wrongNo.paths[0]!), FormatError, {
    file: wrongNo.paths[1],
    field: "split.no",
    message: /is 2, expected 1/,
  });
  const duplicated = await writeSplit([PLAN[0]!, { tensors: ["c", "a"] }, PLAN[2]!]);
  await rejectsWith(GgufStore.open(duplicated.paths[0]!), FormatError, {
    file: duplicated.paths[1],
    field: "tensor a",
  });
  const count = await writeSplit(PLAN, { tensorsCount: 6 });
  await rejectsWith(GgufStore.open(count.paths[0]!), FormatError, {
    file: count.paths[0],
    field: "split.tensors.count",
    message: /declares 6 tensors but the 3 shards hold 5/,
  });
  const { paths } = await writeSplit(PLAN);
  const renamed = join(await tempDir(), "model.gguf");
  await copyFile(paths[0]!, renamed);
  await rejectsWith(GgufStore.open(renamed), FormatError, { file: renamed, field: "split.count" });
});

const CASE = ["cases", "gguf-split"] as const;

test(
  "../shared/cases/gguf-split: shard 1 gives the whole model, the same values as its HF folder",
  skipUnlessShared(...CASE),
  async () => {
    const gguf = await openCanonicalModel(shared(...CASE, "tiny-00001-of-00003.gguf")!);
    const hf = await openCanonicalModel(shared(...CASE, "hf")!);
    try {
      assert.equal(gguf.source.store.files.length, 3);
      assert.equal(gguf.source.store.tensors.length, 21);
      assert.equal(gguf.architecture.numLayers, 2);
      assert.deepEqual(
        gguf.tensors.map((t) => t.canonical).sort(),
        hf.tensors.map((t) => t.canonical).sort(),
      );
      for (const tensor of hf.tensors) {
        assert.deepEqual(
          await gguf.read(tensor.canonical),
          await hf.read(tensor.canonical),
          tensor.canonical,
        );
      }
      assert.ok(!gguf.notes.some((n) => n.includes("tensor shapes say")), gguf.notes.join("; "));
    } finally {
      await gguf.close();
      await hf.close();
    }
  },
);

test(
  "../shared/cases/gguf-split without its last shard: an error naming tiny-00003-of-00003.gguf",
  skipUnlessShared(...CASE),
  async () => {
    const dir = join(await tempDir(), "partial");
    await mkdir(dir);
    for (const n of [1, 2]) {
      const name = `tiny-0000${n}-of-00003.gguf`;
      await copyFile(shared(...CASE, name)!, join(dir, name));
    }
    await rejectsWith(openCanonicalModel(join(dir, "tiny-00001-of-00003.gguf")), InputNotFoundError, {
      file: join(dir, "tiny-00003-of-00003.gguf"),
    });
  },
);
