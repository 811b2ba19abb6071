/**
 * llama2.c version 2 ("ak42", Q8_0) against files llama2.c's own export.py wrote: the stories260K
 * original exported with `export.py --version 2` (committed, MIT) and a QAT fine-tune of it (../shared).
 * Layout (export.py `version2_export`, runq.c `memory_map_weights`): 256-byte header with
 * shared_classifier and group_size, fp32 norms, then per quantized tensor its int8 values followed by
 * its own float32 scales.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { Llama2cStore } from "../../src/formats/llama2c/store.js";
import { writeLlama2c } from "../../src/formats/llama2c/writer.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";
import { rejectsWith, tempDir, writeBytes } from "./build.js";

const STORIES = fixture("stories260k", "stories260K.bin");
const Q80 = fixture("stories260k", "stories260K_q80.bin");
const GROUP = 32;

/** Largest |decoded − original| of each group, in units of that group's quantization step (max|w|/127). */
function worstStepError(original: Float32Array, decoded: Float32Array): number {
  let worst = 0;
  for (let g = 0; g < original.length / GROUP; g++) {
    let max = 0;
    for (let i = g * GROUP; i < (g + 1) * GROUP; i++) max = Math.max(max, Math.abs(original[i]!));
    const step = max / 127;
    for (let i = g * GROUP; i < (g + 1) * GROUP; i++) {
      const error = Math.abs(decoded[i]! - original[i]!);
      if (error > 0) worst = Math.max(worst, error / step);
    }
  }
  return worst;
}

async function readOne(path: string, name: string): Promise<Float32Array> {
  const store = await Llama2cStore.open(path);
  try {
    return await store.read(name);
  } finally {
    await store.close();
  }
}

function relativeDistance(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

test("stories260K_q80.bin (export.py --version 2): header, 47 tensors, norms exact, weights within half a step", async () => {
  const q = await Llama2cStore.open(Q80);
  const original = await Llama2cStore.open(STORIES);
  try {
    assert.deepEqual(q.metadata, {
      version: 2,
      dim: 64,
      hidden_dim: 172,
      n_layers: 5,
      n_heads: 8,
      n_kv_heads: 4,
      vocab_size: 512,
      seq_len: 512,
      shared_classifier: true,
      group_size: GROUP,
    });
    assert.equal(q.tensors.length, 1 + 5 * 9 + 1);
    assert.equal(q.get("freqs_cis_real"), undefined);
    assert.equal(q.get("output.weight"), undefined, "shared classifier");
    // Each quantized tensor's bytes on disk: int8 values, then its scales.
    assert.equal(q.get("tok_embeddings.weight")!.byteLength, 512 * 64 + ((512 * 64) / GROUP) * 4);
    let checked = 0;
    for (const info of q.tensors) {
      const want = await original.read(info.name);
      const got = await q.read(info.name);
      if (info.dtype === "F32") {
        assert.deepEqual(got, want, `${info.name}: fp32 norms are copied`);
      } else {
        assert.equal(info.dtype, `Q8_G${GROUP}`);
        const worst = worstStepError(want, got);
        assert.ok(worst <= 0.5 + 1e-4, `${info.name}: ${worst} steps`);
        assert.ok(worst > 0.3, `${info.name}: rounding error expected, got ${worst}`);
        checked++;
      }
    }
    assert.equal(checked, 1 + 5 * 7);
  } finally {
    await q.close();
    await original.close();
  }
});

test("our version-2 writer reproduces export.py's stories260K_q80.bin byte for byte", async () => {
  const src = await Llama2cStore.open(STORIES);
  const out = join(await tempDir(), "q80.bin");
  try {
    await writeLlama2c(
      out,
      {
        version: 2,
        dim: 64,
        hiddenDim: 172,
        nLayers: 5,
        nHeads: 8,
        nKvHeads: 4,
        vocabSize: 512,
        seqLen: 512,
        sharedClassifier: true,
        groupSize: GROUP,
      },
      (name) => src.read(name),
    );
  } finally {
    await src.close();
  }
  assert.deepEqual(await readFile(out), await readFile(Q80));
});

test("a version-2 file laid out with all scales after all values is refused, naming the tensor's scales", async () => {
  // An early draft of export.py wrote every int8 tensor first and every scale block at the end: same
  // size, so only the scales can tell. Rebuild the real file in that layout.
  const bytes = new Uint8Array(await readFile(Q80));
  const store = await Llama2cStore.open(Q80);
  const quantized = store.tensors
    .filter((t) => t.dtype.startsWith("Q8"))
    .sort((a, b) => a.offset - b.offset)
    .map((t) => ({ offset: t.offset, values: (t.byteLength * GROUP) / (GROUP + 4) }));
  await store.close();
  const start = quantized[0]!.offset;
  const values = quantized.map((t) => bytes.slice(t.offset, t.offset + t.values));
  const scales = quantized.map((t) =>
    bytes.slice(t.offset + t.values, t.offset + (t.values * (GROUP + 4)) / GROUP),
  );
  const draft = new Uint8Array(bytes);
  let at = start;
  for (const part of [...values, ...scales]) {
    draft.set(part, at);
    at += part.byteLength;
  }
  const path = await writeBytes(join(await tempDir(), "draft.bin"), draft);
  const opened = await Llama2cStore.open(path);
  try {
    assert.deepEqual(await opened.read("norm.weight"), await readOne(STORIES, "norm.weight"));
    await rejectsWith(opened.read("tok_embeddings.weight"), FormatError, {
      file: path,
      field: "tensor tok_embeddings.weight scales",
      message: /not laid out as llama2\.c's version 2/,
    });
  } finally {
    await opened.close();
  }
});

test("the tokenizer of a version-2 checkpoint is the tokNNN.bin its header's vocab_size names", async () => {
  const vocabulary = await readVocabulary(Q80);
  assert.equal(vocabulary.source.file, fixture("stories260k", "tok512.bin"));
  assert.equal(vocabulary.tokens.length, 512);
});

test(
  "the real QAT fine-tune (../shared): embeddings frozen (within half a step), matrices trained further",
  skipUnlessShared("real", "stories260k", "stories260K-qat-finetune.bin"),
  async () => {
    const tuned = await Llama2cStore.open(shared("real", "stories260k", "stories260K-qat-finetune.bin")!);
    const original = await Llama2cStore.open(STORIES);
    try {
      assert.equal(tuned.metadata.version, 2);
      assert.equal(tuned.metadata.group_size, GROUP);
      const embedding = "tok_embeddings.weight";
      assert.ok(worstStepError(await original.read(embedding), await tuned.read(embedding)) <= 0.5 + 1e-4);
      for (const name of ["layers.0.attention.wq.weight", "layers.4.feed_forward.w2.weight"]) {
        const distance = relativeDistance(await tuned.read(name), await original.read(name));
        assert.ok(distance > 0.1 && distance < 0.8, `${name}: relative distance ${distance}`);
      }
    } finally {
      await tuned.close();
      await original.close();
    }
  },
);
