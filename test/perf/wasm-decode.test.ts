/**
 * The WASM decoders give the same float32 values as the TS reference decoders, bit for bit (NaN
 * payloads aside: any NaN equals any NaN), for every element type compare reads: exhaustively over all
 * 65,536 half codes and 256 FP8 codes, and on random block bytes (any scale, including NaN/Inf and
 * subnormal fp16 scales) for every GGML block type, across the kernels' chunk boundaries.
 */
import { test } from "node:test";
import fc from "fast-check";
import { decodeToFloat32 } from "../../src/formats/decode.js";
import type { SafetensorsDtype } from "../../src/formats/dtype.js";
import { dequantize } from "../../src/formats/gguf/dequant.js";
import { requireGgmlType } from "../../src/formats/gguf/ggml-types.js";
import { disableWasmKernels, type WasmDecodable, wasmKernels } from "../../src/kernels/wasm.js";
import { assertSameFloats } from "../helpers.js";

const kernels = wasmKernels()!;

const PLAIN: SafetensorsDtype[] = ["BF16", "F16", "F8_E4M3", "F8_E5M2"];
const BLOCKS = ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"] as const;

/** The TS reference, with the WASM kernels switched off. */
function reference(dtype: string, bytes: Uint8Array): Float32Array {
  disableWasmKernels(true);
  try {
    return (PLAIN as string[]).includes(dtype)
      ? decodeToFloat32(bytes, dtype as SafetensorsDtype)
      : dequantize(bytes, requireGgmlType(dtype));
  } finally {
    disableWasmKernels(false);
  }
}

test("every half code and every FP8 code decodes exactly as the TS tables", () => {
  const halves = new Uint8Array(new Uint16Array(Array.from({ length: 65536 }, (_, i) => i)).buffer);
  for (const dtype of ["F16", "BF16"] as const) {
    assertSameFloats(kernels.decode(dtype, halves), reference(dtype, halves), dtype);
  }
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (const dtype of ["F8_E4M3", "F8_E5M2"] as const) {
    assertSameFloats(kernels.decode(dtype, bytes), reference(dtype, bytes), dtype);
    // Odd lengths and offsets: the scalar tails.
    assertSameFloats(
      kernels.decode(dtype, bytes.subarray(3, 250)),
      reference(dtype, bytes.subarray(3, 250)),
      dtype,
    );
  }
});

for (const dtype of BLOCKS) {
  test(`${dtype}: WASM decode equals the TS dequantizer on random blocks`, () => {
    const size = requireGgmlType(dtype).typeSize;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.uint8Array({ minLength: 40 * 256, maxLength: 40 * 256 }),
        (blocks, raw) => {
          const bytes = raw.subarray(0, blocks * size);
          assertSameFloats(kernels.decode(dtype as WasmDecodable, bytes), reference(dtype, bytes), dtype);
        },
      ),
      { numRuns: 50 },
    );
  });
}

test("decoding across the kernels' chunk boundary (more than 256 Ki values per call)", () => {
  const random = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 13);
  for (const [dtype, bytes] of [
    ["BF16", random(2 * 300_000)],
    ["Q4_K", random(144 * 1100)],
    ["Q8_0", random(34 * 9000)],
  ] as const) {
    assertSameFloats(kernels.decode(dtype, bytes), reference(dtype, bytes), `${dtype} long`);
  }
});

test("the stores' decoders use the WASM path and agree with the TS path", () => {
  const bytes = Uint8Array.from({ length: 34 * 500 }, (_, i) => (i * 7919) & 0xff);
  assertSameFloats(dequantize(bytes, requireGgmlType("Q8_0")), reference("Q8_0", bytes), "dequantize");
  const half = bytes.subarray(0, 10_000);
  assertSameFloats(decodeToFloat32(half, "F16"), reference("F16", half), "decodeToFloat32");
});

test("scaleBlocks multiplies each run of `block` values by its scale", () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => i - 500);
  const scales = Float32Array.from({ length: 8 }, (_, j) => 1 / (j + 3));
  const expected = values.map((v, i) => Math.fround(v * scales[Math.floor(i / 128)]!));
  assertSameFloats(kernels.scaleBlocks(values, scales, 128), expected, "scaleBlocks");
});
