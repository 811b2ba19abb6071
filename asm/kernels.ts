// Entry of the WebAssembly SIMD kernels (AssemblyScript; built by `npm run build:wasm` into
// src/kernels/wasm-kernels.generated.ts). Every kernel has a pure-TS reference that tests compare
// it with (test/perf/wasm-kernels.test.ts, test/perf/wasm-decode.test.ts, test/perf/wasm-matmul.test.ts).
// Memory: the caller owns all of linear memory from heapBase() on; kernels keep no state.

export { decodeBf16, decodeF16, decodeF8E4M3, decodeF8E5M2, scaleBlocks } from "./decode-plain";
export { decodeQ4_0, decodeQ4_1, decodeQ5_0, decodeQ5_1, decodeQ8_0 } from "./decode-legacy";
export { decodeQ2_K, decodeQ3_K, decodeQ4_K, decodeQ5_K, decodeQ6_K } from "./decode-k";
export { momentsBf16, momentsF32 } from "./moments";
export { multiplyTransposed } from "./matmul";

/** First byte of linear memory not used by the module itself (16-byte aligned by the caller). */
export function heapBase(): usize {
  return __heap_base;
}
