/**
 * Decoding of plain (non-block-quantized) element types to float32.
 * Input is little-endian bytes as stored on disk; output is a fresh Float32Array.
 */
import { FormatError } from "../errors.js";
import { isWasmDecodable, wasmKernels } from "../kernels/wasm.js";
import type { SafetensorsDtype } from "./dtype.js";
import { SAFETENSORS_DTYPE_BYTES } from "./dtype.js";

/** IEEE half → float, exact. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

let halfTable: Float32Array | undefined;
/** All 65,536 half values, built once (256 KiB) so decoding is one lookup per element. */
export function halfLookupTable(): Float32Array {
  if (halfTable === undefined) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  return halfTable;
}

function fp8Table(exponentBits: number, mantissaBits: number, finiteOnly: boolean): Float32Array {
  const table = new Float32Array(256);
  const bias = (1 << (exponentBits - 1)) - 1;
  const maxExponent = (1 << exponentBits) - 1;
  for (let i = 0; i < 256; i++) {
    const sign = i & 0x80 ? -1 : 1;
    const exponent = (i >> mantissaBits) & maxExponent;
    const mantissa = i & ((1 << mantissaBits) - 1);
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** (1 - bias - mantissaBits);
    else if (!finiteOnly && exponent === maxExponent)
      value = mantissa === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
    else if (finiteOnly && exponent === maxExponent && mantissa === (1 << mantissaBits) - 1)
      value = Number.NaN;
    else value = (1 + mantissa / (1 << mantissaBits)) * 2 ** (exponent - bias);
    table[i] = sign * value;
  }
  return table;
}

let e4m3Table: Float32Array | undefined;
let e5m2Table: Float32Array | undefined;
/** OCP FP8 E4M3 (the "fn" variant: no infinities, only S.1111.111 is NaN). */
export function fp8E4M3Table(): Float32Array {
  e4m3Table ??= fp8Table(4, 3, true);
  return e4m3Table;
}
/** OCP FP8 E5M2 (IEEE-like: infinities and NaNs). */
export function fp8E5M2Table(): Float32Array {
  e5m2Table ??= fp8Table(5, 2, false);
  return e5m2Table;
}

/** Below this many values a decode stays in TS (the copy into WebAssembly memory is not worth it). */
export const WASM_DECODE_MIN_VALUES = 256;

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decode `bytes` holding elements of `dtype` into float32 (into `out` when given, which needs room
 * for them). `bytes.byteLength` must be a multiple of the element size. BF16, F16 and FP8 go through
 * the WebAssembly SIMD kernels when available (same values, see src/kernels/wasm.ts); F32 is a copy.
 */
export function decodeToFloat32(
  bytes: Uint8Array,
  dtype: SafetensorsDtype,
  out?: Float32Array,
): Float32Array {
  const size = SAFETENSORS_DTYPE_BYTES[dtype];
  if (bytes.byteLength % size !== 0) {
    throw new FormatError(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements`);
  }
  const count = bytes.byteLength / size;
  const result = out ?? new Float32Array(count);
  if (result.length < count) throw new FormatError(`output has room for ${result.length} of ${count} values`);
  if (count >= WASM_DECODE_MIN_VALUES && isWasmDecodable(dtype)) {
    const kernels = wasmKernels();
    if (kernels !== undefined) return kernels.decode(dtype, bytes, result);
  }
  if (dtype === "F32" && LITTLE_ENDIAN_HOST) {
    new Uint8Array(result.buffer, result.byteOffset, count * 4).set(bytes);
    return result;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case "F32":
      for (let i = 0; i < count; i++) result[i] = view.getFloat32(i * 4, true);
      break;
    case "F64":
      for (let i = 0; i < count; i++) result[i] = view.getFloat64(i * 8, true);
      break;
    case "BF16": {
      const bits = new Uint32Array(result.buffer, result.byteOffset, count);
      for (let i = 0; i < count; i++) bits[i] = (bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16;
      break;
    }
    case "F16": {
      const table = halfLookupTable();
      for (let i = 0; i < count; i++) result[i] = table[bytes[2 * i]! | (bytes[2 * i + 1]! << 8)]!;
      break;
    }
    case "F8_E4M3": {
      const table = fp8E4M3Table();
      for (let i = 0; i < count; i++) result[i] = table[bytes[i]!]!;
      break;
    }
    case "F8_E5M2": {
      const table = fp8E5M2Table();
      for (let i = 0; i < count; i++) result[i] = table[bytes[i]!]!;
      break;
    }
    case "I64":
      for (let i = 0; i < count; i++) result[i] = Number(view.getBigInt64(i * 8, true));
      break;
    case "I32":
      for (let i = 0; i < count; i++) result[i] = view.getInt32(i * 4, true);
      break;
    case "I16":
      for (let i = 0; i < count; i++) result[i] = view.getInt16(i * 2, true);
      break;
    case "I8":
      for (let i = 0; i < count; i++) result[i] = view.getInt8(i);
      break;
    case "U8":
    case "BOOL":
      for (let i = 0; i < count; i++) result[i] = bytes[i]!;
      break;
  }
  return result;
}
