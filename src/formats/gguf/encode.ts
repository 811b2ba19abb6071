/**
 * Float32 values → the on-disk bytes of a GGML type we can write (F32, F16, BF16, Q8_0, Q4_0).
 * `createEncoder` throws on any other type.
 */
import { UsageError } from "../../errors.js";
import { encodeBF16, encodeF16, encodeF32 } from "./half.js";
import { quantizeQ4_0, quantizeQ8_0 } from "./quantize.js";

export const WRITABLE_TYPES = ["F32", "F16", "BF16", "Q8_0", "Q4_0"] as const;
export type WritableType = (typeof WRITABLE_TYPES)[number];

export type TensorEncoder = (values: Float32Array) => Uint8Array;

const ENCODERS: Record<WritableType, TensorEncoder> = {
  F32: encodeF32,
  F16: encodeF16,
  BF16: encodeBF16,
  Q8_0: (values) => quantizeQ8_0(values),
  Q4_0: quantizeQ4_0,
};

export function isWritableType(name: string): name is WritableType {
  return (WRITABLE_TYPES as readonly string[]).includes(name);
}

export function createEncoder(type: string): TensorEncoder {
  if (!isWritableType(type)) {
    throw new UsageError(`cannot write ${type} tensors (writable: ${WRITABLE_TYPES.join(", ")})`);
  }
  return ENCODERS[type];
}
