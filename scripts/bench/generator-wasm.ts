/**
 * The benchmark's WebAssembly generator (asm/bench/generate.ts), compiled when the benchmark starts
 * (a few seconds, then cached in the system temp folder by a hash of the source; nothing is committed
 * for it) and wrapped with typed-array views. Memory is a
 * bump arena reset per tensor chunk: `alloc` hands out 16-byte-aligned regions and views are re-made
 * after every allocation (growing memory detaches old views).
 */

import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const SOURCE = fileURLToPath(new URL("../../asm/bench/generate.ts", import.meta.url));
const PAGE = 65536;

interface GeneratorExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
  gaussian(dst: number, n: number, first: number, key0: number, key1: number, std: number): void;
  addLowRank(dst: number, rows: number, cols: number, u: number, vt: number, rank: number): void;
  scaleRowsCols(dst: number, rows: number, cols: number, rowScale: number, colScale: number): void;
  axpy(dst: number, src: number, n: number, a: number): void;
  gatherCols(src: number, rows: number, cols: number, index: number, mul: number, dst: number): void;
  hadamardRows(ptr: number, rows: number, cols: number, block: number): void;
  hadamardAcross(ptr: number, rows: number, cols: number, block: number): void;
  encodeBf16(src: number, n: number, dst: number): void;
  encodeFp8Blocks(src: number, rows: number, cols: number, dst: number, scales: number): void;
}

/** The few WebAssembly globals used (the ES2022 lib without DOM does not declare them). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** A region of linear memory: byte offset and length in bytes. */
export interface Region {
  ptr: number;
  bytes: number;
}

export class Generator {
  private top: number;
  private readonly base: number;

  private constructor(readonly exports: GeneratorExports) {
    this.base = (exports.heapBase() + 15) & ~15;
    this.top = this.base;
  }

  /** Compiles the generator (cached under the system temp folder by a hash of its source). */
  static async create(): Promise<Generator> {
    const source = readFileSync(SOURCE);
    const cache = join(
      tmpdir(),
      `lineage-bench-generator-${createHash("sha256").update(source).digest("hex").slice(0, 16)}.wasm`,
    );
    let binary: Uint8Array | undefined = existsSync(cache) ? readFileSync(cache) : undefined;
    if (binary === undefined) {
      binary = await compile();
      writeFileSync(cache, binary);
    }
    const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const instance = new api.Instance(new api.Module(binary), {});
    return new Generator(instance.exports as unknown as GeneratorExports);
  }

  /** Forget every region (views made before are invalid afterwards). */
  reset(): void {
    this.top = this.base;
  }

  /** The arena's current top, to `release` back to later (regions allocated after it are freed). */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** `n` values std · z(key, first + i) (n a multiple of 4), copied out of linear memory. */
  gaussian(n: number, key: readonly [number, number], std: number, first = 0): Float32Array {
    const mark = this.mark();
    const region = this.alloc(n * 4);
    this.exports.gaussian(region.ptr, n, first, key[0], key[1], std);
    const out = this.f32(region).slice();
    this.release(mark);
    return out;
  }

  alloc(bytes: number): Region {
    const ptr = this.top;
    this.top = (ptr + bytes + 15) & ~15;
    const memory = this.exports.memory;
    if (memory.buffer.byteLength < this.top)
      memory.grow(Math.ceil((this.top - memory.buffer.byteLength) / PAGE));
    return { ptr, bytes };
  }

  f32(region: Region): Float32Array {
    return new Float32Array(this.exports.memory.buffer, region.ptr, region.bytes >>> 2);
  }

  i32(region: Region): Int32Array {
    return new Int32Array(this.exports.memory.buffer, region.ptr, region.bytes >>> 2);
  }

  u8(region: Region): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, region.ptr, region.bytes);
  }
}

async function compile(): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const { error, stderr } = await asc.main(
    [SOURCE, "--enable", "simd", "-O3", "--runtime", "stub", "--noAssert", "--outFile", "generate.wasm"],
    {
      writeFile(name: string, contents: Uint8Array | string) {
        if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
      },
    },
  );
  if (error || binary === undefined) throw new Error(`asc failed: ${error?.message ?? ""}\n${stderr}`);
  return binary;
}
