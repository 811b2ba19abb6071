import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { allowedGlobalNames } from "../../src/formats/pytorch/allowed-globals.js";
import { PytorchStore } from "../../src/formats/pytorch/store.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { rejectsWith, tempDir, writeBytes } from "../formats/build.js";
import { assertOneLineError, fixture, runLineage, shared, skipUnlessShared } from "../helpers.js";
import { f32Bytes, PickleWriter, stateDictPickle, torchZip, writeStateDict } from "./build.js";

const EMBED = { name: "tok_embeddings.weight", key: "0", numel: 6, shape: [3, 2] };
const NORM = { name: "norm.weight", key: "1", numel: 2, shape: [2] };
const STORAGES = { "0": f32Bytes([1, 2, 3, 4, 5, 6]), "1": f32Bytes([0.5, -0.5]) };

async function checkpoint(bytes: Uint8Array, name = "model.pt"): Promise<string> {
  return writeBytes(join(await tempDir(), name), bytes);
}

/** A one-pickle checkpoint whose pickle is `ops` (PROTO and STOP added). */
async function hostile(ops: (w: PickleWriter) => PickleWriter): Promise<string> {
  return checkpoint(torchZip(ops(new PickleWriter().proto()).stop().bytes(), STORAGES));
}

test("a torch-style zip checkpoint: state dict tensors read positionally, values exact", async () => {
  const path = await checkpoint(torchZip(stateDictPickle([EMBED, NORM]), STORAGES));
  const store = await PytorchStore.open(path);
  assert.deepEqual(
    store.tensors.map((t) => [t.name, t.dtype, t.shape]),
    [
      ["tok_embeddings.weight", "F32", [3, 2]],
      ["norm.weight", "F32", [2]],
    ],
  );
  assert.deepEqual([...(await store.read("tok_embeddings.weight"))], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...(await store.readRows("tok_embeddings.weight", [2, 0, 2]))], [5, 6, 1, 2, 5, 6]);
  assert.deepEqual([...(await store.read("norm.weight"))], [0.5, -0.5]);
  await store.close();
});

test("wrappers: nanoGPT/llama2.c {model, model_args} gives the state dict and a config; _orig_mod. is stripped", async () => {
  const w = new PickleWriter().proto().emptyDict().mark().str("model");
  writeStateDict(w, [
    { ...EMBED, name: `_orig_mod.${EMBED.name}` },
    { ...NORM, name: `_orig_mod.${NORM.name}` },
  ]);
  w.str("model_args").emptyDict().mark().str("dim").int(2).str("n_layers").int(0).str("n_heads").int(1);
  w.str("vocab_size").int(3).setitems().str("iter_num").int(5).setitems().stop();
  const source = await openModelSource(await checkpoint(torchZip(w.bytes(), STORAGES, "ckpt")));
  assert.equal(source.format, "pytorch");
  assert.deepEqual(
    source.store.tensors.map((t) => t.name),
    ["tok_embeddings.weight", "norm.weight"],
  );
  assert.equal(source.store.metadata.state_dict, "model");
  assert.equal(source.store.metadata.stripped_prefix, "_orig_mod.");
  assert.equal(source.config?.model_type, "llama");
  assert.equal(source.config?.hidden_size, 2);
  assert.equal(source.config?.vocab_size, 3);
  await source.store.close();
});

test("legacy (non-zip) torch.save layout written by CPython's pickle: views, F16, a strided tensor", async () => {
  const path = fixture("pytorch", "legacy.pt");
  const expected = JSON.parse(readFileSync(fixture("pytorch", "legacy.json"), "utf8")) as Record<
    string,
    number[]
  >;
  const store = await PytorchStore.open(path);
  assert.equal(store.metadata.layout, "legacy");
  assert.deepEqual(store.tensors.map((t) => t.name).sort(), Object.keys(expected).sort());
  for (const [name, values] of Object.entries(expected))
    assert.deepEqual([...(await store.read(name))], values);
  assert.deepEqual(
    [...(await store.readRows("tok_embeddings.weight", [2]))],
    expected["tok_embeddings.weight"]!.slice(4),
  );
  await store.close();
});

test(
  "real makemore checkpoint names-a.pt equals its HF folder names-a-hf, tensor for tensor (nn.Linear GPT-2 names)",
  skipUnlessShared("real", "makemore", "names-a.pt"),
  async () => {
    await assertSameCanonical(
      shared("real", "makemore", "names-a.pt")!,
      shared("real", "makemore", "names-a-hf")!,
      69, // wpe is canonical (pos_embed) since the formats branch
    );
  },
);

test(
  "real llama2.c training checkpoint llama2xs-ckpt.pt equals its export llama2xs.bin",
  skipUnlessShared("real", "llama2c-independent", "llama2xs-ckpt.pt"),
  async () => {
    const pt = shared("real", "llama2c-independent", "llama2xs-ckpt.pt")!;
    await assertSameCanonical(pt, shared("real", "llama2c-independent", "llama2xs.bin")!, 47);
    const model = await openCanonicalModel(pt);
    assert.equal(model.source.store.metadata.state_dict, "model");
    assert.equal(model.architecture.numKvHeads, 4);
    assert.equal(model.architecture.intermediateSize, 192);
    await model.close();
  },
);

async function assertSameCanonical(a: string, b: string, count: number): Promise<void> {
  const [x, y] = [await openCanonicalModel(a), await openCanonicalModel(b)];
  let compared = 0;
  for (const tensor of y.tensors) {
    const values = await x.read(tensor.canonical);
    assert.deepEqual(values, await y.read(tensor.canonical), tensor.canonical);
    compared++;
  }
  assert.equal(compared, count);
  await Promise.all([x.close(), y.close()]);
}

test("every allowed global is a tensor, storage, dtype or plain-container builder", () => {
  for (const name of allowedGlobalNames()) {
    assert.match(
      name,
      /^(torch\.|collections\.(OrderedDict|Counter)$|builtins\.|__builtin__\.set$|_codecs\.encode$)/,
    );
  }
  assert.ok(!allowedGlobalNames().some((name) => /system|eval|exec|import|getattr|open|apply/.test(name)));
});

test("a pickle calling posix.system is refused by name and nothing runs; so are builtins.eval and others", async () => {
  const marker = join(await tempDir(), "was-run");
  const system = await hostile((w) =>
    w.global("posix", "system").mark().str(`touch ${marker}`).tuple().reduce(),
  );
  await rejectsWith(PytorchStore.open(system), FormatError, {
    file: system,
    message: /names posix\.system, not on the allow-list/,
  });
  assert.equal(existsSync(marker), false);
  // STACK_GLOBAL (protocol 4 spelling) of builtins.eval.
  const evil = await hostile((w) =>
    w.str("builtins").str("eval").raw(0x93).mark().str("1+1").tuple().reduce(),
  );
  await rejectsWith(PytorchStore.open(evil), FormatError, { message: /builtins\.eval/ });
  for (const [module, name] of [
    ["os", "system"],
    ["subprocess", "Popen"],
    ["builtins", "getattr"],
    ["torch", "load"],
  ]) {
    const path = await hostile((w) => w.global(module!, name!));
    await rejectsWith(PytorchStore.open(path), FormatError, { message: new RegExp(`${module}\\.${name}`) });
  }
  const run = await runLineage(["inspect", system]);
  assert.equal(run.code, 1);
  assertOneLineError(run, "posix.system");
  assert.equal(existsSync(marker), false);
});

test("hostile lengths, nesting and memo abuse are refused quickly with one FormatError", async () => {
  const cases: [string, (w: PickleWriter) => PickleWriter, RegExp][] = [
    ["BINUNICODE of 4 GB", (w) => w.raw(0x58, 0xf0, 0xff, 0xff, 0xff, 0x41), /needs 4294967280 bytes/],
    ["negative BINBYTES", (w) => w.raw(0x42, 0xfb, 0xff, 0xff, 0xff), /invalid length -5/],
    ["BINBYTES8 above 2^53", (w) => w.raw(0x8e, 0, 0, 0, 0, 0, 0, 0x40, 0), /too large/],
    ["LONG4 of 1 MB", (w) => w.raw(0x8b, 0x00, 0x00, 0x10, 0x00), /LONG4 integer of 1048576 bytes/],
    ["memo index 2^32-1 read back", (w) => w.raw(0x6a, 0xff, 0xff, 0xff, 0xff).stop(), /no state dict/],
    ["no STOP", (w) => w.emptyDict(), /Unexpected end/],
    ["pop from an empty mark stack", (w) => w.tuple(), /malformed pickle/],
  ];
  for (const [label, ops, message] of cases) {
    const path = await checkpoint(torchZip(ops(new PickleWriter().proto()).bytes(), STORAGES));
    await rejectsWith(PytorchStore.open(path), FormatError, { file: path, message }).catch((error) => {
      throw new Error(`${label}: ${(error as Error).message}`);
    });
  }
  // 200,000 nested lists: built iteratively, never walked recursively.
  const depth = 200_000;
  const nested = new PickleWriter().proto();
  for (let i = 0; i < depth; i++) nested.raw(0x5d); // EMPTY_LIST
  for (let i = 1; i < depth; i++) nested.raw(0x61); // APPEND
  const deep = await checkpoint(torchZip(nested.stop().bytes(), STORAGES));
  await rejectsWith(PytorchStore.open(deep), FormatError, { message: /no state dict.*a list/ });
  // A million references to one memoised dict (a "billion laughs" shape) stays linear.
  const laughs = new PickleWriter().proto().emptyDict().raw(0x71, 0).raw(0x5d).mark();
  for (let i = 0; i < 1000; i++) laughs.raw(0x68, 0);
  const laugh = await checkpoint(torchZip(laughs.raw(0x65).stop().bytes(), STORAGES));
  await rejectsWith(PytorchStore.open(laugh), FormatError, { message: /no state dict/ });
});

test("a BUILD cannot rewrite a tensor reference after it was checked", async () => {
  // A tensor followed by BUILD with state {"storageOffset": 1000000}: the attempt to patch it fails.
  const path = await checkpoint(
    torchZip(
      new PickleWriter()
        .proto()
        .global("torch._utils", "_rebuild_tensor_v2")
        .mark()
        .mark()
        .str("storage")
        .global("torch", "FloatStorage")
        .str("0")
        .str("cpu")
        .int(6)
        .tuple()
        .persistentId()
        .int(0)
        .ints([3, 2])
        .ints([2, 1])
        .tuple()
        .reduce()
        .emptyDict()
        .str("storageOffset")
        .int(1_000_000)
        .raw(0x73) // SETITEM
        .build()
        .stop()
        .bytes(),
      STORAGES,
    ),
  );
  await rejectsWith(PytorchStore.open(path), FormatError, {
    message: /read.only|Cannot assign|not extensible/,
  });
});

test("storages that do not match their references, truncated and compressed archives are refused", async () => {
  const short = await checkpoint(
    torchZip(stateDictPickle([{ ...EMBED, numel: 600, shape: [300, 2] }]), STORAGES),
  );
  await rejectsWith(PytorchStore.open(short), FormatError, {
    field: "tok_embeddings.weight",
    message: /2400 bytes.*file has 24/,
  });
  const outside = await checkpoint(torchZip(stateDictPickle([{ ...EMBED, offset: 4 }]), STORAGES));
  await rejectsWith(PytorchStore.open(outside), FormatError, {
    message: /needs 40 bytes but its storage holds 24/,
  });
  const missing = await checkpoint(torchZip(stateDictPickle([{ ...EMBED, key: "7" }]), STORAGES));
  await rejectsWith(PytorchStore.open(missing), FormatError, { message: /no archive\/data\/7/ });
  const good = torchZip(stateDictPickle([EMBED, NORM]), STORAGES);
  for (const cut of [good.length - 10, Math.floor(good.length / 2), 40]) {
    const truncated = await checkpoint(good.subarray(0, cut));
    await rejectsWith(PytorchStore.open(truncated), FormatError, { file: truncated });
  }
  const compressed = Buffer.from(good);
  const directory = compressed.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  compressed.writeUInt16LE(8, directory + 10); // data.pkl's central record says "deflated"
  const deflated = await checkpoint(compressed);
  await rejectsWith(PytorchStore.open(deflated), FormatError, {
    field: "archive/data.pkl",
    message: /compressed/,
  });
  const notTorch = await checkpoint(torchZip(stateDictPickle([EMBED]), STORAGES).subarray(0, 0));
  await rejectsWith(openModelSource(notTorch), FormatError, { file: notTorch });
});

test("folders: Meta's consolidated.00.pth with params.json, HF's sharded pytorch_model bins; model-parallel shards refused", async () => {
  const meta = await tempDir();
  await writeBytes(
    join(meta, "consolidated.00.pth"),
    torchZip(stateDictPickle([EMBED, NORM]), STORAGES, "consolidated"),
  );
  await writeBytes(
    join(meta, "params.json"),
    JSON.stringify({ dim: 2, n_layers: 1, n_heads: 1, vocab_size: -1, norm_eps: 1e-5, multiple_of: 256 }),
  );
  const source = await openModelSource(meta);
  assert.equal(source.format, "pytorch");
  assert.equal(source.config?.hidden_size, 2);
  assert.equal(source.config?.vocab_size, undefined);
  assert.equal(source.configPath, join(meta, "params.json"));
  await source.store.close();
  await writeBytes(
    join(meta, "consolidated.01.pth"),
    torchZip(stateDictPickle([EMBED]), STORAGES, "consolidated"),
  );
  await rejectsWith(openModelSource(meta), FormatError, { file: meta, message: /model-parallel shards/ });

  const sharded = await tempDir();
  await writeBytes(
    join(sharded, "pytorch_model-00001-of-00002.bin"),
    torchZip(stateDictPickle([EMBED]), STORAGES),
  );
  await writeBytes(
    join(sharded, "pytorch_model-00002-of-00002.bin"),
    torchZip(stateDictPickle([NORM]), STORAGES),
  );
  await writeBytes(
    join(sharded, "pytorch_model.bin.index.json"),
    JSON.stringify({
      weight_map: {
        [EMBED.name]: "pytorch_model-00001-of-00002.bin",
        [NORM.name]: "pytorch_model-00002-of-00002.bin",
      },
    }),
  );
  const merged = await openModelSource(sharded);
  assert.deepEqual(
    merged.store.tensors.map((t) => t.name),
    [EMBED.name, NORM.name],
  );
  assert.deepEqual([...(await merged.store.read(NORM.name))], [0.5, -0.5]);
  await merged.store.close();
  await writeBytes(
    join(sharded, "pytorch_model-00002-of-00002.bin"),
    torchZip(stateDictPickle([EMBED]), STORAGES),
  );
  await rejectsWith(openModelSource(sharded), FormatError, {
    field: `tensor ${EMBED.name}`,
    message: /also appears/,
  });
});
