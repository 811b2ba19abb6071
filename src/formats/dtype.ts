/**
 * Element types of tensors as they are spelled on disk by safetensors, and how to decode them to float32.
 * GGML quantized types live in `gguf/ggml-types.ts`; they share the `decode → Float32Array` contract.
 */

export const SAFETENSORS_DTYPES = [
  "F64",
  "F32",
  "F16",
  "BF16",
  "F8_E4M3",
  "F8_E5M2",
  "I64",
  "I32",
  "I16",
  "I8",
  "U8",
  "BOOL",
] as const;

export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

export const SAFETENSORS_DTYPE_BYTES: Record<SafetensorsDtype, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === "string" && (SAFETENSORS_DTYPES as readonly string[]).includes(value);
}
