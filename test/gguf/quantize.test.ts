import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "../../src/errors.js";
import { halfToFloat } from "../../src/formats/decode.js";
import { dequantize } from "../../src/formats/gguf/dequant.js";
import { createEncoder, WRITABLE_TYPES } from "../../src/formats/gguf/encode.js";
import { requireGgmlType } from "../../src/formats/gguf/ggml-types.js";
import { encodeF16, floatToBf16, floatToHalf } from "../../src/formats/gguf/half.js";
import { quantizeQ4_0, quantizeQ8_0 } from "../../src/formats/gguf/quantize.js";

test("floatToHalf rounds to nearest even and round-trips every finite half", () => {
  for (let h = 0; h < 0x10000; h++) {
    const value = halfToFloat(h);
    if (Number.isNaN(value)) continue;
    assert.equal(floatToHalf(value), h);
  }
  assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00); // tie → even (down)
  assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
  assert.equal(floatToHalf(65520), 0x7c00); // rounds past the largest half to infinity
  assert.equal(floatToHalf(2 ** -25), 0); // half of the smallest subnormal: tie → 0
  assert.equal(floatToHalf(1.5 * 2 ** -25), 1);
  assert.equal(floatToHalf(Number.NaN) & 0x7c00, 0x7c00);
  assert.deepEqual(encodeF16(new Float32Array([1, -2])), new Uint8Array([0x00, 0x3c, 0x00, 0xc0]));
});

test("Q8_0 round-trips within d/2 and a zero block stays zero", () => {
  const values = new Float32Array(64);
  for (let i = 0; i < 32; i++) values[i] = Math.sin(i) * 0.3;
  const bytes = quantizeQ8_0(values);
  assert.equal(bytes.byteLength, 68);
  const back = dequantize(bytes, requireGgmlType("Q8_0"));
  const d = halfToFloat(bytes[0]! | (bytes[1]! << 8));
  // d/2 of rounding, plus the fp16 rounding of d (≤ 2^-11 relative) times up to 127 steps.
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(back[i]! - values[i]!) <= d / 2 + 0.3 * 2 ** -11);
  for (let i = 32; i < 64; i++) assert.equal(back[i], 0);
});

test("Q8_0 ties round to even by default, away from zero on request", () => {
  // amax 127 gives d = 1, so 2.5 is an exact tie.
  const values = new Float32Array(32);
  values[0] = 127;
  values[1] = 2.5;
  values[2] = -3.5;
  assert.deepEqual([...quantizeQ8_0(values).subarray(3, 5)], [2, 0xfc]); // 2, -4
  assert.deepEqual([...quantizeQ8_0(values, "away").subarray(3, 5)], [3, 0xfc]); // 3, -4
});

test("Q4_0 maps the signed maximum to -8 exactly and round-trips within |d|", () => {
  const values = new Float32Array(32);
  for (let i = 0; i < 32; i++) values[i] = (i - 10) / 7;
  const bytes = quantizeQ4_0(values);
  const back = dequantize(bytes, requireGgmlType("Q4_0"));
  const d = Math.abs(halfToFloat(bytes[0]! | (bytes[1]! << 8)));
  assert.equal(back[31], values[31]); // the maximum (21/7 = 3) is exactly -8·d
  for (let i = 0; i < 32; i++) assert.ok(Math.abs(back[i]! - values[i]!) <= d + 1e-6);
});

test("quantizers refuse a partial block", () => {
  assert.throws(() => quantizeQ8_0(new Float32Array(33)), UsageError);
  assert.throws(() => quantizeQ4_0(new Float32Array(31)), UsageError);
  assert.equal(quantizeQ4_0(new Float32Array(0)).byteLength, 0);
});

test("BF16 encoding rounds to nearest even and keeps NaN a NaN", () => {
  assert.equal(floatToBf16(1), 0x3f80);
  assert.equal(floatToBf16(-3), 0xc040);
  assert.equal(floatToBf16(1 + 2 ** -8), 0x3f80); // tie → even
  assert.equal(floatToBf16(1 + 3 * 2 ** -8), 0x3f82); // tie → even (up)
  assert.equal(floatToBf16(Number.NaN) & 0x7fc0, 0x7fc0);
  assert.equal(floatToBf16(Number.POSITIVE_INFINITY), 0x7f80);
});

test("createEncoder writes the five writable types and refuses the rest", () => {
  const values = new Float32Array(32).fill(127 / 128); // exact in every writable type
  for (const type of WRITABLE_TYPES) {
    const bytes = createEncoder(type)(values);
    assert.deepEqual(dequantize(bytes, requireGgmlType(type)), values, type);
  }
  assert.throws(() => createEncoder("Q4_K"), UsageError);
});
