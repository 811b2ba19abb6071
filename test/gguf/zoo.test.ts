import assert from "node:assert/strict";
import { test } from "node:test";
import { halfToFloat } from "../../src/formats/decode.js";
import { PositionalFile } from "../../src/formats/file-reader.js";
import { floatToHalf } from "../../src/formats/gguf/half.js";
import { quantizeQ4_0, quantizeQ8_0 } from "../../src/formats/gguf/quantize.js";
import { GgufStore } from "../../src/formats/gguf/store.js";
import { SafetensorsStore } from "../../src/formats/safetensors/store.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";
import { hfName, permuteLikeLlamaCpp } from "./llama-layout.js";

// base-a: 4 attention heads, 2 KV heads.
const HEADS: Record<string, number> = { attn_q: 4, attn_k: 2 };

/** The BF16 reference tensor in llama.cpp's row order. */
async function reference(store: SafetensorsStore, name: string, shape: number[]): Promise<Float32Array> {
  const values = await store.read(hfName(name));
  const kind = /^blk\.\d+\.(\w+)\.weight$/.exec(name)?.[1] ?? "";
  const heads = HEADS[kind];
  return heads === undefined ? values : permuteLikeLlamaCpp(values, shape[0]!, shape[1]!, heads);
}

/** Largest |error| / (largest |value| of the 32-value block), over all blocks. */
function worstBlockError(decoded: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let b = 0; b < expected.length; b += 32) {
    let amax = 0;
    for (let k = b; k < b + 32; k++) amax = Math.max(amax, Math.abs(expected[k]!));
    for (let k = b; k < b + 32; k++) {
      if (amax > 0) worst = Math.max(worst, Math.abs(decoded[k]! - expected[k]!) / amax);
    }
  }
  return worst;
}

// Q8_0: |error| ≤ d/2 = amax/254, plus the fp16 rounding of d (≤ 2^-11 relative, times 127).
// Q4_0: the value opposite the signed maximum can be clipped by one step, so ≤ d = amax/8, plus fp16.
const BOUND: Record<string, number> = { Q8_0: 1 / 254 + 2 ** -11, Q4_0: 1 / 8 + 2 ** -9 };

async function checkQuantizedCopy(ggufPath: string, safetensorsPath: string): Promise<Set<string>> {
  const gguf = await GgufStore.open(ggufPath);
  const hf = await SafetensorsStore.open([safetensorsPath]);
  const raw = await PositionalFile.open(ggufPath);
  const seen = new Set<string>();
  try {
    assert.equal(gguf.tensors.length, hf.tensors.length);
    for (const tensor of gguf.tensors) {
      seen.add(tensor.dtype);
      const expected = await reference(hf, tensor.name, tensor.shape);
      const decoded = await gguf.read(tensor.name);
      assert.equal(decoded.length, expected.length, tensor.name);
      if (tensor.dtype === "F32") {
        assert.deepEqual(decoded, expected, tensor.name);
        continue;
      }
      const bound = BOUND[tensor.dtype];
      assert.ok(bound !== undefined, `${tensor.name}: unexpected ${tensor.dtype}`);
      const worst = worstBlockError(decoded, expected);
      assert.ok(worst <= bound, `${tensor.name}: block error ${worst} > ${bound}`);
      // Re-quantizing the reference with our quantizer gives llama.cpp's bytes exactly.
      const bytes = await raw.read(tensor.offset, tensor.byteLength, tensor.name);
      const ours = tensor.dtype === "Q8_0" ? quantizeQ8_0(expected) : quantizeQ4_0(expected);
      assert.ok(Buffer.from(ours).equals(Buffer.from(bytes)), `${tensor.name}: quantized bytes differ`);
    }
  } finally {
    await Promise.all([gguf.close(), hf.close(), raw.close()]);
  }
  return seen;
}

test("committed base-a Q4_0 GGUF decodes within quantization error of the BF16 model", async () => {
  const seen = await checkQuantizedCopy(
    fixture("zoo", "gguf", "base-a-q4_0.gguf"),
    fixture("zoo", "base-a", "model.safetensors"),
  );
  assert.deepEqual([...seen].sort(), ["F32", "Q4_0", "Q8_0"]);
});

test("base-a Q8_0 GGUF decodes within quantization error", skipUnlessShared("zoo", "gguf"), async () => {
  const seen = await checkQuantizedCopy(
    shared("zoo", "gguf", "base-a-q8_0.gguf")!,
    shared("zoo", "base-a", "model.safetensors")!,
  );
  assert.deepEqual([...seen].sort(), ["F32", "Q8_0"]);
});

test(
  "base-a F16 GGUF equals the BF16 weights cast to F16, exactly",
  skipUnlessShared("zoo", "gguf"),
  async () => {
    const gguf = await GgufStore.open(shared("zoo", "gguf", "base-a-f16.gguf")!);
    const hf = await SafetensorsStore.open([shared("zoo", "base-a", "model.safetensors")!]);
    let f16Tensors = 0;
    for (const tensor of gguf.tensors) {
      const expected = await reference(hf, tensor.name, tensor.shape);
      if (tensor.dtype === "F16") {
        f16Tensors++;
        for (let i = 0; i < expected.length; i++) expected[i] = halfToFloat(floatToHalf(expected[i]!));
      }
      assert.deepEqual(await gguf.read(tensor.name), expected, tensor.name);
    }
    assert.equal(f16Tensors, 30);
    await Promise.all([gguf.close(), hf.close()]);
  },
);
