import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError, InputNotFoundError } from "../../src/errors.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { openShardedSafetensors } from "../../src/formats/safetensors/shard-index.js";
import { shared, skipUnlessShared } from "../helpers.js";
import { f32Safetensors, rejectsWith, tempDir, writeBytes } from "./build.js";

/** Two shards: a,b in shard 1 and c in shard 2; `index` overrides the weight_map. */
async function shardedFolder(weightMap?: Record<string, unknown>, extra?: (dir: string) => Promise<void>) {
  const dir = await tempDir();
  await writeBytes(join(dir, "model-00001-of-00002.safetensors"), f32Safetensors({ a: [2], b: [2, 2] }));
  await writeBytes(join(dir, "model-00002-of-00002.safetensors"), f32Safetensors({ c: [3] }, 100));
  const map = weightMap ?? {
    a: "model-00001-of-00002.safetensors",
    b: "model-00001-of-00002.safetensors",
    c: "model-00002-of-00002.safetensors",
  };
  const indexPath = join(dir, "model.safetensors.index.json");
  await writeBytes(indexPath, JSON.stringify({ metadata: { total_size: 36 }, weight_map: map }));
  await extra?.(dir);
  return { dir, indexPath };
}

test("sharded checkpoint: tensors from both shards, read from the right file", async () => {
  const { dir, indexPath } = await shardedFolder();
  const { store, index } = await openShardedSafetensors(indexPath, [
    "model-00001-of-00002.safetensors",
    "model-00002-of-00002.safetensors",
  ]);
  assert.deepEqual(
    store.tensors.map((t) => t.name),
    ["a", "b", "c"],
  );
  assert.equal(store.get("c")?.file, join(dir, "model-00002-of-00002.safetensors"));
  assert.deepEqual([...(await store.read("c"))], [100, 101, 102]);
  assert.deepEqual([...(await store.read("b"))], [2, 3, 4, 5]);
  assert.equal(index.metadata.total_size, 36);
  await store.close();
});

test("a shard the index names but that is missing → FormatError naming the index and a tensor", async () => {
  const { indexPath } = await shardedFolder({
    a: "model-00001-of-00002.safetensors",
    b: "model-00001-of-00002.safetensors",
    c: "model-00002-of-00002.safetensors",
    d: "model-00003-of-00003.safetensors",
  });
  await rejectsWith(openShardedSafetensors(indexPath), FormatError, {
    file: indexPath,
    field: "weight_map.d",
    message: /missing/,
  });
});

test("a tensor the index names but no shard holds → FormatError naming index and tensor", async () => {
  const { indexPath } = await shardedFolder({
    a: "model-00001-of-00002.safetensors",
    b: "model-00001-of-00002.safetensors",
    c: "model-00002-of-00002.safetensors",
    ghost: "model-00002-of-00002.safetensors",
  });
  await rejectsWith(openShardedSafetensors(indexPath), FormatError, {
    file: indexPath,
    field: "weight_map.ghost",
    message: /does not hold/,
  });
});

test("a tensor in a shard but not in the index, or in the wrong shard, is an error", async () => {
  const missing = await shardedFolder({
    a: "model-00001-of-00002.safetensors",
    c: "model-00002-of-00002.safetensors",
  });
  await rejectsWith(openShardedSafetensors(missing.indexPath), FormatError, {
    file: missing.indexPath,
    field: "weight_map.b",
    message: /not in the index/,
  });
  const wrong = await shardedFolder({
    a: "model-00001-of-00002.safetensors",
    b: "model-00002-of-00002.safetensors",
    c: "model-00002-of-00002.safetensors",
  });
  await rejectsWith(openShardedSafetensors(wrong.indexPath), FormatError, {
    file: wrong.indexPath,
    field: "weight_map.b",
  });
});

test("a shard file in the folder that the index does not mention is an error", async () => {
  const { indexPath } = await shardedFolder(undefined, async (dir) => {
    await writeBytes(join(dir, "stray.safetensors"), f32Safetensors({ z: [1] }));
  });
  await rejectsWith(
    openShardedSafetensors(indexPath, [
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
      "stray.safetensors",
    ]),
    FormatError,
    { file: indexPath, field: "weight_map", message: /stray\.safetensors/ },
  );
});

test("invalid index JSON, a non-object weight_map and escaping shard names are rejected", async () => {
  const dir = await tempDir();
  const bad = await writeBytes(join(dir, "model.safetensors.index.json"), '{"weight_map": {');
  await rejectsWith(openShardedSafetensors(bad), FormatError, { file: bad, message: /invalid JSON/ });
  await writeBytes(bad, JSON.stringify({ weight_map: ["a"] }));
  await rejectsWith(openShardedSafetensors(bad), FormatError, { file: bad, field: "weight_map" });
  await writeBytes(bad, JSON.stringify({ weight_map: { a: "../../etc/passwd.safetensors" } }));
  await rejectsWith(openShardedSafetensors(bad), FormatError, { file: bad, field: "weight_map.a" });
  await writeBytes(bad, JSON.stringify({ weight_map: { a: 7 } }));
  await rejectsWith(openShardedSafetensors(bad), FormatError, { file: bad, field: "weight_map.a" });
});

test("the zoo's two-shard a-cpt opens and matches its index", skipUnlessShared("zoo", "a-cpt"), async () => {
  const indexPath = join(shared("zoo", "a-cpt")!, "model.safetensors.index.json");
  const { store, index } = await openShardedSafetensors(indexPath);
  assert.equal(store.files.length, 2);
  assert.equal(store.tensors.length, index.weightMap.size);
  const bytes = store.tensors.reduce((sum, t) => sum + t.byteLength, 0);
  assert.equal(bytes, index.metadata.total_size);
  await store.close();
});

/** Shards `model-0000i-of-00003.safetensors` for i in `present`, no index. */
async function unindexedShards(present: number[]) {
  const dir = await tempDir();
  for (const i of present) {
    await writeBytes(
      join(dir, `model-0000${i}-of-00003.safetensors`),
      f32Safetensors({ [`t${i}`]: [2] }, i * 10),
    );
  }
  return dir;
}

test("shards without an index: all M of model-0000N-of-0000M must be there, else the missing one is named", async () => {
  const full = await unindexedShards([1, 2, 3]);
  const source = await openModelSource(full);
  assert.deepEqual(
    source.store.tensors.map((t) => t.name),
    ["t1", "t2", "t3"],
  );
  await source.store.close();
  const partial = await unindexedShards([1, 3]);
  await rejectsWith(openModelSource(partial), InputNotFoundError, {
    file: join(partial, "model-00002-of-00003.safetensors"),
    message: /shard model-00002-of-00003\.safetensors is missing/,
  });
});

test("a shard given on its own opens its whole set (through the index when there is one)", async () => {
  const full = await unindexedShards([1, 2, 3]);
  const alone = await openModelSource(join(full, "model-00002-of-00003.safetensors"));
  assert.equal(alone.store.files.length, 3);
  assert.equal(alone.store.tensors.length, 3);
  await alone.store.close();
  const partial = await unindexedShards([1, 2]);
  await rejectsWith(openModelSource(join(partial, "model-00001-of-00003.safetensors")), InputNotFoundError, {
    file: join(partial, "model-00003-of-00003.safetensors"),
  });
  const { dir, indexPath } = await shardedFolder();
  const viaIndex = await openModelSource(join(dir, "model-00001-of-00002.safetensors"));
  assert.equal(viaIndex.indexPath, indexPath);
  assert.deepEqual(viaIndex.store.tensors.map((t) => t.name).sort(), ["a", "b", "c"]);
  await viaIndex.store.close();
  // Control: a file that is not named as a shard is one file.
  const single = join(await tempDir(), "model.safetensors");
  await writeBytes(single, f32Safetensors({ a: [2] }));
  const one = await openModelSource(single);
  assert.deepEqual(one.store.files, [single]);
  await one.store.close();
});
