/**
 * Decode GGML-typed bytes to float32: plain types through the shared `decodeToFloat32`, block-quantized
 * types through their family's dequantizer. Input must be a whole number of blocks.
 */
import { FormatError } from "../../errors.js";
import { decodeToFloat32 } from "../decode.js";
import type { SafetensorsDtype } from "../dtype.js";
import { DEQUANTIZABLE, type GgmlType } from "./ggml-types.js";

/** GGML plain types that share the safetensors spelling and decoder. */
const PLAIN: Partial<Record<string, SafetensorsDtype>> = {
  F32: "F32",
  F16: "F16",
  BF16: "BF16",
  F64: "F64",
  I8: "I8",
  I16: "I16",
  I32: "I32",
  I64: "I64",
};

export function canDequantize(type: GgmlType): boolean {
  return DEQUANTIZABLE.has(type.name);
}

/** Decode `bytes` (whole blocks of `type`) into `out` (or a fresh array) and return it. */
export function dequantize(bytes: Uint8Array, type: GgmlType, out?: Float32Array): Float32Array {
  if (bytes.byteLength % type.typeSize !== 0) {
    throw new FormatError(`${bytes.byteLength} bytes is not a whole number of ${type.name} blocks`);
  }
  const count = (bytes.byteLength / type.typeSize) * type.blockSize;
  const result = out ?? new Float32Array(count);
  if (result.length < count) throw new FormatError(`output has room for ${result.length} of ${count} values`);
  const plain = PLAIN[type.name];
  if (plain !== undefined) return decodeToFloat32(bytes, plain, result);
  throw new FormatError(`decoding ${type.name} tensors is not supported`);
}
