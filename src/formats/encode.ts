/**
 * Float32 → on-disk element types, the inverse of decode.ts for the float types writers need.
 * Rounding is round-to-nearest-even, as PyTorch's `.to(torch.bfloat16)` / `.half()` do.
 */
import { FormatError } from "../errors.js";

export type EncodableDtype = "F32" | "F16" | "BF16";

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

export function floatToBf16(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0]!;
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) return (bits >>> 16) | 0x40; // NaN stays NaN
  const rounded = bits + 0x7fff + ((bits >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

export function floatToHalf(value: number): number {
  scratch[0] = value;
  const bits = scratchBits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const unbiased = exponent - 127;
  if (unbiased > 15) return sign | 0x7c00; // overflow → ±inf
  if (unbiased >= -14) {
    // normal half: keep 10 mantissa bits, round to nearest even
    let half = ((unbiased + 15) << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1;
    return sign | half;
  }
  if (unbiased < -25) return sign; // underflow → ±0
  // subnormal half h·2^-24 with h = significand·2^(unbiased+1): drop (-unbiased-1) bits, rounding to even
  const full = mantissa | 0x800000;
  const dropped = -unbiased - 1;
  let half = full >>> dropped;
  const rest = full & ((1 << dropped) - 1);
  const halfway = 1 << (dropped - 1);
  if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1;
  return sign | half;
}

/** Encode float32 values as little-endian bytes of `dtype`. */
export function encodeFloat32(values: Float32Array, dtype: EncodableDtype): Uint8Array {
  switch (dtype) {
    case "F32":
      return new Uint8Array(Float32Array.from(values).buffer);
    case "BF16":
    case "F16": {
      const out = new Uint16Array(values.length);
      const encode = dtype === "BF16" ? floatToBf16 : floatToHalf;
      for (let i = 0; i < values.length; i++) out[i] = encode(values[i]!);
      return new Uint8Array(out.buffer);
    }
    default:
      throw new FormatError(`cannot encode to ${String(dtype)}`);
  }
}
