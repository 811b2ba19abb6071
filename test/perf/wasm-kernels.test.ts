import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { compileKernels, generatedModule } from "../../scripts/build-wasm.js";
import { finiteMomentsTs, statsOf, TensorStatsAccumulator } from "../../src/fingerprint/tensor-stats.js";
import { decodeToFloat32 } from "../../src/formats/decode.js";
import { GgufStore } from "../../src/formats/gguf/store.js";
import { wasmKernels } from "../../src/kernels/wasm.js";
import { fixture, repoRoot } from "../helpers.js";

const kernels = wasmKernels();

function close(actual: number, expected: number, scale: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-6 * scale + 1e-30, `${what}: ${actual} vs ${expected}`);
}

function compareMoments(values: Float32Array, shift: number): void {
  const ts = new Float64Array(4);
  const wasm = new Float64Array(4);
  const okTs = finiteMomentsTs(values, 0, values.length, shift, ts);
  const okWasm = kernels!.momentsF32(values, 0, values.length, shift, wasm);
  assert.equal(okWasm, okTs);
  if (!okTs) return;
  const scale = Math.abs(ts[1]!) + 1;
  close(wasm[0]!, ts[0]!, Math.sqrt(scale * values.length), "sum");
  close(wasm[1]!, ts[1]!, scale, "sum of squares");
  assert.equal(wasm[2], ts[2]);
  assert.equal(wasm[3], ts[3]);
}

const floats = fc.float32Array({ minLength: 0, maxLength: 300, noDefaultInfinity: false });

test("the generated module is the compiled asm/kernels.ts", async () => {
  const text = readFileSync(`${repoRoot}/src/kernels/wasm-kernels.generated.ts`, "utf8");
  assert.equal(text, generatedModule(await compileKernels()));
});

test("WASM kernels load (WebAssembly SIMD is available on Node 20)", () => {
  assert.ok(kernels !== undefined);
});

test("momentsF32 agrees with the TS reference on random values, NaN and ±Inf included", () => {
  fc.assert(
    fc.property(floats, fc.integer({ min: 0, max: 299 }), (values, at) => {
      const shift = values.length > 0 ? values[at % values.length]! : 0;
      compareMoments(values, Number.isFinite(shift) ? shift : 0);
    }),
    { numRuns: 300 },
  );
});

test("momentsBf16 and decodeBf16 agree with the TS decoder bit for bit", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 20000 }), (raw) => {
      const bytes = raw.subarray(0, raw.length & ~1);
      const reference = decodeToFloat32(bytes, "BF16");
      const decoded = kernels!.decodeBf16(bytes);
      assert.deepEqual(new Uint32Array(decoded.buffer), new Uint32Array(reference.buffer));
      const shift = 0.5;
      const ts = new Float64Array(4);
      const wasm = new Float64Array(4);
      const okTs = finiteMomentsTs(reference, 0, reference.length, shift, ts);
      assert.equal(kernels!.momentsBf16(bytes, shift, wasm), okTs);
      if (okTs) {
        const scale = Math.abs(ts[1]!) + 1;
        close(wasm[0]!, ts[0]!, scale, "sum");
        close(wasm[1]!, ts[1]!, scale, "sum of squares");
        assert.equal(wasm[2], ts[2]);
        assert.equal(wasm[3], ts[3]);
      }
    }),
    { numRuns: 100 },
  );
});

test("statistics of the committed Q4_0 GGUF fixture agree between the WASM and TS paths", async () => {
  const store = await GgufStore.open(fixture("zoo", "gguf", "base-a-q4_0.gguf"));
  try {
    for (const info of store.tensors.slice(0, 8)) {
      const values = await store.read(info.name);
      const withWasm = statsOf(values);
      const reference = new TensorStatsAccumulator();
      // Chunks below the WASM threshold (4096 values) take the TS path.
      for (let i = 0; i < values.length; i += 1000)
        reference.add(values, i, Math.min(values.length, i + 1000));
      const ts = reference.result();
      assert.equal(withWasm.count, ts.count);
      assert.equal(withWasm.min, ts.min);
      assert.equal(withWasm.max, ts.max);
      close(withWasm.mean, ts.mean, Math.abs(ts.mean) + ts.std, `${info.name} mean`);
      close(withWasm.std, ts.std, ts.std, `${info.name} std`);
    }
  } finally {
    await store.close();
  }
});
