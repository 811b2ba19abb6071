/**
 * WebAssembly SIMD statistics kernels (source: asm/kernels.ts, built by scripts/build-wasm.ts into
 * wasm-kernels.generated.ts). The pure-TS code in tensor-stats.ts is the reference and the fallback:
 * `wasmKernels()` is undefined when WebAssembly SIMD is unavailable or LINEAGE_NO_WASM=1 is set.
 *
 * Data is copied into the module's linear memory (a memcpy, ~10 GB/s) or written there directly by a
 * caller that reads file bytes into `input(length)` (zero copy).
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

interface KernelExports {
  memory: WasmMemory;
  momentsF32(ptr: number, n: number, shift: number, out: number): number;
  momentsBf16(ptr: number, n: number, shift: number, out: number): number;
  decodeBf16(src: number, n: number, dst: number): void;
}

/** Where the four float64 results go. */
const OUT = 0;
/** Start of the input area (16-byte aligned, after the results). */
const INPUT = 64;
const PAGE = 65536;
/** Scratch float32 values momentsBf16 decodes at a time (BLOCK in asm/kernels.ts). */
const BF16_BLOCK = 4096;

export class WasmKernels {
  private readonly exports: KernelExports;
  private view: Float64Array;

  constructor(exports: KernelExports) {
    this.exports = exports;
    if (exports.memory.buffer.byteLength < PAGE) exports.memory.grow(1); // the module starts with none
    this.view = new Float64Array(exports.memory.buffer, OUT, 4);
  }

  /** A view of `length` bytes of linear memory at the input area (valid until the next call). */
  input(length: number, extra = 0): Uint8Array {
    const need = INPUT + length + extra;
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < need) {
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE));
      this.view = new Float64Array(memory.buffer, OUT, 4);
    }
    return new Uint8Array(memory.buffer, INPUT, length);
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
    return this.results(this.exports.momentsF32(INPUT, n, shift, OUT), out);
  }

  /** The same for little-endian bfloat16 bytes, decoded on the fly. */
  momentsBf16(bytes: Uint8Array, shift: number, out: Float64Array): boolean {
    const n = bytes.byteLength >>> 1;
    const input = this.input(n * 2, 16 + BF16_BLOCK * 4);
    if (input.byteOffset !== bytes.byteOffset || input.buffer !== bytes.buffer) input.set(bytes);
    return this.results(this.exports.momentsBf16(INPUT, n, shift, OUT), out);
  }

  /** Little-endian bfloat16 bytes → float32 (bit-exact: the bits shifted left by 16). */
  decodeBf16(bytes: Uint8Array, out = new Float32Array(bytes.byteLength >>> 1)): Float32Array {
    const n = bytes.byteLength >>> 1;
    const srcBytes = (n * 2 + 15) & ~15;
    const input = this.input(srcBytes, n * 4);
    input.set(bytes.subarray(0, n * 2));
    this.exports.decodeBf16(INPUT, n, INPUT + srcBytes);
    out.set(new Float32Array(this.exports.memory.buffer, INPUT + srcBytes, n));
    return out;
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
