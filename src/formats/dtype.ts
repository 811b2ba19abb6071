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

/**
 * Bits per element of every dtype the safetensors format defines (the reference implementation's
 * `Dtype`), including those we list but cannot decode: F4 (FP4 E2M1, two per byte), F6_E2M3 / F6_E3M2,
 * F8_E8M0 (exponent-only scales of MX formats), U16, U32, U64, C64. Used to check a header's byte
 * lengths; decoding is only for SAFETENSORS_DTYPES.
 */
export const SAFETENSORS_DTYPE_BITS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(Object.entries(SAFETENSORS_DTYPE_BYTES).map(([dtype, bytes]) => [dtype, bytes * 8])),
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  F8_E8M0: 8,
  U16: 16,
  U32: 32,
  U64: 64,
  C64: 64,
};

/** A dtype name as a header may spell one we do not know at all: short, upper-case letters, digits, `_`. */
export const DTYPE_NAME = /^[A-Z][A-Z0-9_]{0,31}$/;
