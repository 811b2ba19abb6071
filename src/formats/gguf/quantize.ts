/**
 * Quantizers for Q8_0 and Q4_0 as in ggml (`quantize_row_q8_0` / `quantize_row_q4_0_ref`), with its
 * float32 arithmetic reproduced by `Math.fround`, so the bytes we write are the bytes llama.cpp writes.
 *
 * Q8_0 rounding: ggml's scalar reference uses `roundf` (halves away from zero), but the x86 (AVX) and
 * ARM (NEON) paths that `llama-quantize` actually runs round halves to even. We default to "even": it
 * reproduces the zoo's llama.cpp-made Q8_0 file byte for byte (the "away" rounding differs in ~0.03%
 * of bytes). Q4_0 has one path (truncation of x/d + 8.5) and matches byte for byte.
 * Input length must be a multiple of 32.
 */
import { UsageError } from "../../errors.js";
import { floatToHalf } from "./half.js";

const fround = Math.fround;
const BLOCK = 32;

function checkLength(values: Float32Array, type: string): number {
  if (values.length % BLOCK !== 0) {
    throw new UsageError(`${values.length} values is not a whole number of ${type} blocks of ${BLOCK}`);
  }
  return values.length / BLOCK;
}

export type Q8Rounding = "even" | "away";

/** C `roundf`: halves round away from zero. */
function roundAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** Round half to even (SIMD `cvtps` / `vcvtnq` behaviour). */
function roundEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && (r & 1) !== 0 ? r - 1 : r;
}

export function quantizeQ8_0(values: Float32Array, rounding: Q8Rounding = "even"): Uint8Array {
  const round = rounding === "even" ? roundEven : roundAway;
  const blocks = checkLength(values, "Q8_0");
  const out = new Uint8Array(blocks * 34);
  for (let b = 0; b < blocks; b++) {
    const x = b * BLOCK;
    const p = b * 34;
    let amax = 0;
    for (let j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(values[x + j]!));
    const d = fround(amax / 127);
    const id = d !== 0 ? fround(1 / d) : 0;
    const h = floatToHalf(d);
    out[p] = h & 0xff;
    out[p + 1] = h >> 8;
    for (let j = 0; j < BLOCK; j++) out[p + 2 + j] = round(fround(values[x + j]! * id)) & 0xff;
  }
  return out;
}

export function quantizeQ4_0(values: Float32Array): Uint8Array {
  const blocks = checkLength(values, "Q4_0");
  const out = new Uint8Array(blocks * 18);
  for (let b = 0; b < blocks; b++) {
    const x = b * BLOCK;
    const p = b * 18;
    // The value of largest magnitude, with its sign: it maps to -8 exactly.
    let amax = 0;
    let max = 0;
    for (let j = 0; j < BLOCK; j++) {
      const v = values[x + j]!;
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = fround(max / -8);
    const id = d !== 0 ? fround(1 / d) : 0;
    const h = floatToHalf(d);
    out[p] = h & 0xff;
    out[p + 1] = h >> 8;
    for (let j = 0; j < 16; j++) {
      const x0 = Math.min(15, Math.trunc(fround(fround(values[x + j]! * id) + 8.5)));
      const x1 = Math.min(15, Math.trunc(fround(fround(values[x + 16 + j]! * id) + 8.5)));
      out[p + 2 + j] = x0 | (x1 << 4);
    }
  }
  return out;
}
