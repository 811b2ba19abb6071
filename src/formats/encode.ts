/**
 * Float32 → on-disk float element types for writers, the inverse of decode.ts. The bit-level encoders
 * (round-to-nearest-even, as PyTorch's casts and ggml do) live in gguf/half.ts and are shared here.
 */
import { FormatError } from "../errors.js";
import { encodeBF16, encodeF16, encodeF32 } from "./gguf/half.js";

export { floatToBf16, floatToHalf } from "./gguf/half.js";

export type EncodableDtype = "F32" | "F16" | "BF16";

/** Encode float32 values as little-endian bytes of `dtype`. */
export function encodeFloat32(values: Float32Array, dtype: EncodableDtype): Uint8Array {
  switch (dtype) {
    case "F32":
      return encodeF32(values);
    case "F16":
      return encodeF16(values);
    case "BF16":
      return encodeBF16(values);
    default:
      throw new FormatError(`cannot encode to ${String(dtype)}`);
  }
}
