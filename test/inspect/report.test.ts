/** The inspect report built in-process on committed fixtures (llama2.c, vocabulary-only GGUF, broken GGUF). */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { encodeGguf, gguf } from "../../src/formats/gguf/writer.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { buildInspectReport, inspectJson } from "../../src/report/inspect-report.js";
import { renderInspect } from "../../src/report/inspect-terminal.js";
import { fixture } from "../helpers.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-report-"));
after(() => rm(dir, { recursive: true, force: true }));

async function report(path: string) {
  const model = await openCanonicalModel(path);
  try {
    return await buildInspectReport(model);
  } finally {
    await model.close();
  }
}

test("llama2.c checkpoint: header figures, tied head, rotary tables kept as buffers", async () => {
  const r = await report(fixture("stories260k", "stories260K.bin"));
  assert.equal(r.format, "llama2c");
  assert.equal(r.architecture.numLayers, 5);
  assert.equal(r.architecture.tieWordEmbeddings, true);
  assert.equal(r.tokenizer.vocabSize, 512);
  assert.deepEqual(r.unrecognised, ["freqs_cis_real", "freqs_cis_imag"]);
  assert.ok(r.notes.some((n) => n.includes("2 non-parameter buffer(s)")));
  const lines = renderInspect(r, false).join("\n");
  assert.match(lines, /attn\.q\s+layers\.0\.attention\.wq\.weight\s+F32\s+\[64, 64\]\s+rotary order undone/);
  assert.match(lines, /layers 1–4: same pattern as layer 0/);
});

test("vocabulary-only GGUF: no tensors, figures from metadata, every JSON field present", async () => {
  const r = await report(fixture("vocab", "phi-3.gguf"));
  assert.equal(r.parameterCount, 0);
  assert.deepEqual(r.tensors, []);
  assert.equal(r.architecture.family, "phi3");
  assert.equal(r.tokenizer.vocabSize, 32064);
  const json = inspectJson(r) as { architecture: Record<string, unknown> };
  assert.equal(json.architecture.numExperts, null);
  assert.equal(json.architecture.tieWordEmbeddings, null);
  assert.match(renderInspect(r, false).join("\n"), /tensors: 0 stored/);
});

test("a broken GGUF is refused with a FormatError naming the file", async () => {
  const garbage = join(dir, "garbage.gguf");
  await writeFile(garbage, "GGUF this is not a real header");
  await assert.rejects(openCanonicalModel(garbage), (error: unknown) => {
    assert.ok(error instanceof FormatError);
    assert.equal(error.file, garbage);
    return true;
  });
});

test("inspect of a GGUF shows what gguf-dump users look for: name, context, RoPE, file type, tokenizer model", async () => {
  const path = join(dir, "facts.gguf");
  await writeFile(
    path,
    encodeGguf({
      metadata: [
        ["general.architecture", gguf.str("llama")],
        ["general.name", gguf.str("Tiny Llama 3.1")],
        ["general.file_type", gguf.u32(15)],
        ["llama.context_length", gguf.u32(131072)],
        ["llama.rope.freq_base", gguf.f32(500000)],
        ["llama.rope.dimension_count", gguf.u32(128)],
        ["llama.rope.scaling.type", gguf.str("linear")],
        ["llama.rope.scaling.factor", gguf.f32(8)],
        ["llama.rope.scaling.original_context_length", gguf.u32(8192)],
        ["tokenizer.ggml.model", gguf.str("llama")],
        ["tokenizer.ggml.tokens", gguf.array("string", ["<unk>", "<s>", "</s>", "▁a"])],
        ["tokenizer.ggml.scores", gguf.array("float32", new Float32Array([0, 0, 0, -1]))],
      ],
    }),
  );
  const r = await report(path);
  assert.deepEqual(r.gguf, {
    name: "Tiny Llama 3.1",
    architecture: "llama",
    contextLength: 131072,
    rope: {
      freqBase: 500000,
      dimensionCount: 128,
      scalingType: "linear",
      scalingFactor: 8,
      originalContextLength: 8192,
    },
    fileType: "Q4_K_M",
    tokenizerModel: "llama",
    tokenizerPre: undefined,
  });
  assert.equal(r.tokenizer.description, "SentencePiece BPE");
  const lines = renderInspect(r, false).join("\n");
  assert.match(lines, /name\s+Tiny Llama 3\.1/);
  assert.match(lines, /context\s+131,072/);
  assert.match(lines, /rope\s+freq base 500000 · 128 dims · scaling linear ×8 from 8,192/);
  assert.match(lines, /file type\s+Q4_K_M/);
  assert.match(lines, /tokenizer\s+gguf SentencePiece BPE, 4 tokens/);
  // Other formats have no GGUF facts; a byte-level BPE GGUF is not called SentencePiece.
  assert.equal((await report(fixture("stories260k", "stories260K.bin"))).gguf, undefined);
  const gpt2 = await report(fixture("vocab", "gpt-2.gguf"));
  assert.equal(gpt2.tokenizer.description, "byte-level BPE");
  assert.equal(gpt2.gguf?.tokenizerPre, "gpt-2");
});
