/**
 * Decode GGML-typed bytes to float32: plain types through the shared `decodeToFloat32`, block-quantized
 * types through their family's dequantizer. Input must be a whole number of blocks.
 */
import { FormatError } from "../../errors.js";
import { isWasmDecodable, wasmKernels } from "../../kernels/wasm.js";
import { decodeToFloat32, halfLookupTable, WASM_DECODE_MIN_VALUES } from "../decode.js";
import type { SafetensorsDtype } from "../dtype.js";
import {
  dequantizeQ2_K,
  dequantizeQ3_K,
  dequantizeQ4_K,
  dequantizeQ5_K,
  dequantizeQ6_K,
} from "./dequant-k.js";
import {
  dequantizeQ4_0,
  dequantizeQ4_1,
  dequantizeQ5_0,
  dequantizeQ5_1,
  dequantizeQ8_0,
} from "./dequant-legacy.js";
import { DEQUANTIZABLE, type GgmlType } from "./ggml-types.js";

type BlockDecoder = (src: Uint8Array, dst: Float32Array) => void;

const BLOCK_DECODERS: Partial<Record<string, BlockDecoder>> = {
  Q4_0: dequantizeQ4_0,
  Q4_1: dequantizeQ4_1,
  Q5_0: dequantizeQ5_0,
  Q5_1: dequantizeQ5_1,
  Q8_0: dequantizeQ8_0,
  Q2_K: dequantizeQ2_K,
  Q3_K: dequantizeQ3_K,
  Q4_K: dequantizeQ4_K,
  Q5_K: dequantizeQ5_K,
  Q6_K: dequantizeQ6_K,
};

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

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** BF16/F16 read as 16-bit words (one load per value instead of two byte loads): the common case of
 * aligned chunks. Same results as `decodeToFloat32`. */
function decodeHalfWords(words: Uint16Array, name: "BF16" | "F16", out: Float32Array): void {
  if (name === "BF16") {
    const bits = new Uint32Array(out.buffer, out.byteOffset, words.length);
    for (let i = 0; i < words.length; i++) bits[i] = words[i]! << 16;
    return;
  }
  const table = halfLookupTable();
  for (let i = 0; i < words.length; i++) out[i] = table[words[i]!]!;
}

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
  if (count >= WASM_DECODE_MIN_VALUES && isWasmDecodable(type.name)) {
    const kernels = wasmKernels();
    if (kernels !== undefined) return kernels.decode(type.name, bytes, result);
  }
  if ((type.name === "BF16" || type.name === "F16") && bytes.byteOffset % 2 === 0 && LITTLE_ENDIAN_HOST) {
    decodeHalfWords(new Uint16Array(bytes.buffer, bytes.byteOffset, count), type.name, result);
    return result;
  }
  const plain = PLAIN[type.name];
  if (plain !== undefined) return decodeToFloat32(bytes, plain, result);
  const decoder = BLOCK_DECODERS[type.name];
  if (decoder !== undefined) {
    decoder(bytes, result);
    return result;
  }
  throw new FormatError(`decoding ${type.name} tensors is not supported`);
}
