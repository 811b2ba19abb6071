/**
 * WebAssembly SIMD kernels (AssemblyScript sources in asm/, built by scripts/build-wasm.ts into
 * wasm-kernels.generated.ts): streaming moments, decoding of every element type compare reads to
 * float32, and the float32 product A·Bᵀ. Each has a pure-TS reference that is also the fallback:
 * `wasmKernels()` is undefined when WebAssembly SIMD is unavailable or LINEAGE_NO_WASM=1 is set.
 *
 * Data is copied into the module's linear memory (a memcpy, ~10 GB/s) in bounded pieces, so the
 * module's memory (which never shrinks) stays at a few MiB whatever the tensor sizes; a caller may
 * also read file bytes straight into `input(length)` (zero copy).
 */
import { KERNELS_WASM_BASE64 } from "./wasm-kernels.generated.js";

/** The few WebAssembly globals used (the ES2022 lib without DOM does not declare them). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** A kernel decoding `count` units (values, or blocks for block types) from src to float32 at dst. */
type DecodeExport = (src: number, count: number, dst: number) => void;

interface KernelExports {
  memory: WasmMemory;
  heapBase(): number;
  momentsF32(ptr: number, n: number, shift: number, out: number): number;
  momentsBf16(ptr: number, n: number, shift: number, out: number): number;
  decodeBf16: DecodeExport;
  decodeF16: DecodeExport;
  decodeF8E4M3: DecodeExport;
  decodeF8E5M2: DecodeExport;
  decodeQ4_0: DecodeExport;
  decodeQ4_1: DecodeExport;
  decodeQ5_0: DecodeExport;
  decodeQ5_1: DecodeExport;
  decodeQ8_0: DecodeExport;
  decodeQ2_K: DecodeExport;
  decodeQ3_K: DecodeExport;
  decodeQ4_K: DecodeExport;
  decodeQ5_K: DecodeExport;
  decodeQ6_K: DecodeExport;
  scaleBlocks(ptr: number, n: number, scales: number, block: number): void;
  multiplyTransposed(a: number, m: number, n: number, b: number, p: number, c: number): void;
}

/** How each element type the kernels decode is laid out: values per unit and bytes per unit. */
const DECODERS = {
  BF16: { kernel: "decodeBf16", values: 1, bytes: 2 },
  F16: { kernel: "decodeF16", values: 1, bytes: 2 },
  F8_E4M3: { kernel: "decodeF8E4M3", values: 1, bytes: 1 },
  F8_E5M2: { kernel: "decodeF8E5M2", values: 1, bytes: 1 },
  Q4_0: { kernel: "decodeQ4_0", values: 32, bytes: 18 },
  Q4_1: { kernel: "decodeQ4_1", values: 32, bytes: 20 },
  Q5_0: { kernel: "decodeQ5_0", values: 32, bytes: 22 },
  Q5_1: { kernel: "decodeQ5_1", values: 32, bytes: 24 },
  Q8_0: { kernel: "decodeQ8_0", values: 32, bytes: 34 },
  Q2_K: { kernel: "decodeQ2_K", values: 256, bytes: 84 },
  Q3_K: { kernel: "decodeQ3_K", values: 256, bytes: 110 },
  Q4_K: { kernel: "decodeQ4_K", values: 256, bytes: 144 },
  Q5_K: { kernel: "decodeQ5_K", values: 256, bytes: 176 },
  Q6_K: { kernel: "decodeQ6_K", values: 256, bytes: 210 },
} as const satisfies Record<string, { kernel: keyof KernelExports; values: number; bytes: number }>;

/** Element types (safetensors or GGML spelling) the WASM decoder handles. */
export type WasmDecodable = keyof typeof DECODERS;

/** Every element type the WASM decoder handles. */
export const WASM_DECODABLE = Object.keys(DECODERS) as WasmDecodable[];

export function isWasmDecodable(dtype: string): dtype is WasmDecodable {
  return Object.hasOwn(DECODERS, dtype);
}

const PAGE = 65536;
/** Scratch float32 values momentsBf16 decodes at a time (BLOCK in asm/moments.ts). */
const BF16_BLOCK = 4096;
/** Float32 values decoded per call: 1 MiB of output, so linear memory stays small. */
const DECODE_CHUNK_VALUES = 256 * 1024;
/** Bytes of A, and of B, copied into linear memory per product call (the rest is done in pieces). */
const PRODUCT_PIECE_BYTES = 8 * 1024 * 1024;

const align16 = (n: number) => (n + 15) & ~15;

export class WasmKernels {
  private readonly exports: KernelExports;
  /** Where the four float64 results of the moments kernels go. */
  private readonly out: number;
  /** Start of the caller's area (16-byte aligned, after the results). */
  private readonly base: number;
  private view: Float64Array;

  constructor(exports: KernelExports) {
    this.exports = exports;
    this.out = align16(exports.heapBase());
    this.base = this.out + 64;
    this.ensure(this.base);
    this.view = new Float64Array(exports.memory.buffer, this.out, 4);
  }

  /** Grow linear memory to at least `bytes`. */
  private ensure(bytes: number): void {
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < bytes) {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
      this.view = new Float64Array(memory.buffer, this.out, 4);
    }
  }

  /** A view of `length` bytes of linear memory at the input area (valid until the next call), with
   * `extra` bytes of room after it. */
  input(length: number, extra = 0): Uint8Array {
    this.ensure(this.base + length + extra);
    return new Uint8Array(this.exports.memory.buffer, this.base, length);
  }

  private results(ok: number, out: Float64Array): boolean {
    if (ok === 0) return false;
    out.set(this.view);
    return true;
  }

  /** Sum and sum of squares of (v − shift), min, max of `values[start..end)` into `out`; false on NaN/±Inf. */
  momentsF32(values: Float32Array, start: number, end: number, shift: number, out: Float64Array): boolean {
    const n = end - start;
    this.input(n * 4).set(new Uint8Array(values.buffer, values.byteOffset + start * 4, n * 4));
    return this.results(this.exports.momentsF32(this.base, n, shift, this.out), out);
  }

  /** The same for little-endian bfloat16 bytes, decoded on the fly. */
  momentsBf16(bytes: Uint8Array, shift: number, out: Float64Array): boolean {
    const n = bytes.byteLength >>> 1;
    const input = this.input(n * 2, 16 + BF16_BLOCK * 4);
    if (input.byteOffset !== bytes.byteOffset || input.buffer !== bytes.buffer) input.set(bytes);
    return this.results(this.exports.momentsBf16(this.base, n, shift, this.out), out);
  }

  /** Little-endian bfloat16 bytes → float32 (bit-exact: the bits shifted left by 16). */
  decodeBf16(bytes: Uint8Array, out = new Float32Array(bytes.byteLength >>> 1)): Float32Array {
    return this.decode("BF16", bytes.subarray(0, bytes.byteLength & ~1), out);
  }

  /**
   * Decode `bytes` (whole units of `dtype`: values, or blocks for block types) into `out` (or a fresh
   * array): the same float32 values as the TS decoders, bit for bit (NaN payloads aside).
   */
  decode(dtype: WasmDecodable, bytes: Uint8Array, out?: Float32Array): Float32Array {
    const spec = DECODERS[dtype];
    const units = Math.floor(bytes.byteLength / spec.bytes);
    const result = out ?? new Float32Array(units * spec.values);
    const perCall = Math.max(1, Math.floor(DECODE_CHUNK_VALUES / spec.values));
    const kernel = this.exports[spec.kernel];
    for (let unit = 0; unit < units; unit += perCall) {
      const count = Math.min(perCall, units - unit);
      const srcBytes = count * spec.bytes;
      const dst = this.base + align16(srcBytes);
      this.ensure(dst + count * spec.values * 4);
      const memory = this.exports.memory.buffer;
      new Uint8Array(memory, this.base, srcBytes).set(
        bytes.subarray(unit * spec.bytes, unit * spec.bytes + srcBytes),
      );
      kernel(this.base, count, dst);
      result.set(new Float32Array(memory, dst, count * spec.values), unit * spec.values);
    }
    return result;
  }

  /**
   * `A · Bᵀ` for row-major float32 `A` [m × n] and `B` [p × n] → [m × p]; cache-blocked SIMD. Large
   * operands are taken in pieces of rows so linear memory stays bounded.
   */
  multiplyTransposed(a: Float32Array, m: number, n: number, b: Float32Array, p: number): Float32Array {
    const out = new Float32Array(m * p);
    if (m === 0 || p === 0) return out;
    const rowBytes = Math.max(1, n) * 4;
    const aRows = Math.max(1, Math.min(m, Math.floor(PRODUCT_PIECE_BYTES / rowBytes)));
    const bRows = Math.max(1, Math.min(p, Math.floor(PRODUCT_PIECE_BYTES / rowBytes)));
    const aPtr = this.base;
    const bPtr = aPtr + align16(aRows * rowBytes);
    const cPtr = bPtr + align16(bRows * rowBytes);
    this.ensure(cPtr + aRows * bRows * 4);
    for (let i0 = 0; i0 < m; i0 += aRows) {
      const mi = Math.min(aRows, m - i0);
      new Float32Array(this.exports.memory.buffer, aPtr, mi * n).set(a.subarray(i0 * n, (i0 + mi) * n));
      for (let j0 = 0; j0 < p; j0 += bRows) {
        const pj = Math.min(bRows, p - j0);
        const memory = this.exports.memory.buffer;
        new Float32Array(memory, bPtr, pj * n).set(b.subarray(j0 * n, (j0 + pj) * n));
        this.exports.multiplyTransposed(aPtr, mi, n, bPtr, pj, cPtr);
        const c = new Float32Array(memory, cPtr, mi * pj);
        if (pj === p) out.set(c, i0 * p);
        else for (let i = 0; i < mi; i++) out.set(c.subarray(i * pj, (i + 1) * pj), (i0 + i) * p + j0);
      }
    }
    return out;
  }

  /** Multiply `values` in place, run j of `block` values by `scales[j]` (FP8 block scales along a row). */
  scaleBlocks(values: Float32Array, scales: Float32Array, block: number): Float32Array {
    const piece = Math.max(block, Math.floor(DECODE_CHUNK_VALUES / block) * block);
    for (let start = 0; start < values.length; start += piece) {
      const n = Math.min(piece, values.length - start);
      const blocks = Math.ceil(n / block);
      const scalePtr = this.base + n * 4;
      this.ensure(scalePtr + blocks * 4);
      const memory = this.exports.memory.buffer;
      const data = new Float32Array(memory, this.base, n);
      data.set(values.subarray(start, start + n));
      new Float32Array(memory, scalePtr, blocks).set(scales.subarray(start / block, start / block + blocks));
      this.exports.scaleBlocks(this.base, n, scalePtr, block);
      values.set(data, start);
    }
    return values;
  }
}

let cached: WasmKernels | null | undefined;
let enabled = true;

/** Switch the kernels off (true → the pure-TS path everywhere), e.g. to benchmark both paths. */
export function disableWasmKernels(disabled: boolean): void {
  enabled = !disabled;
}

/** The kernels, instantiated once; undefined when unavailable or disabled (LINEAGE_NO_WASM=1). */
export function wasmKernels(): WasmKernels | undefined {
  if (!enabled) return undefined;
  if (cached === undefined) {
    cached = null;
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (process.env.LINEAGE_NO_WASM !== "1" && api !== undefined) {
      try {
        const module = new api.Module(Buffer.from(KERNELS_WASM_BASE64, "base64"));
        const instance = new api.Instance(module, {});
        cached = new WasmKernels(instance.exports as unknown as KernelExports);
      } catch {
        cached = null; // no SIMD support: the TS path is used
      }
    }
  }
  return cached ?? undefined;
}
