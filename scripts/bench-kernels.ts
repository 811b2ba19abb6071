/**
 * `npm run bench:kernels`: the numeric kernels compare and fingerprinting run on, in isolation.
 *
 *   decode    GB/s of stored bytes (and million values/s) per CPU-second, WASM SIMD vs the pure-TS
 *             reference, for every element type the kernels decode, from memory into a warm buffer;
 *   product   GFLOP/s per CPU-second of A·Bᵀ (`multiplyTransposed`) at compare's shapes: a few hundred
 *             anchor rows × hidden, times sampled weight rows; WASM vs TS;
 *   rows      `readRows` of sampled rows of a 256 MiB BF16 tensor in a safetensors file: reads issued,
 *             bytes read vs bytes wanted and time, for coalescing gaps of 0, 64 KiB (the local default)
 *             and 4 MiB (what a remote source would use).
 * The machine is shared: per-CPU-second figures are the comparable ones; the load average is printed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { multiplyTransposed, multiplyTransposedTs } from "../src/fingerprint/weights-linalg.js";
import { decodeToFloat32 } from "../src/formats/decode.js";
import { dequantize } from "../src/formats/gguf/dequant.js";
import { requireGgmlType } from "../src/formats/gguf/ggml-types.js";
import { planRowRuns } from "../src/formats/row-reads.js";
import { SafetensorsStore } from "../src/formats/safetensors/store.js";
import { writeSafetensors } from "../src/formats/safetensors/writer.js";
import { disableWasmKernels, WASM_DECODABLE } from "../src/kernels/wasm.js";

const DECODE_TYPES = WASM_DECODABLE;
/** Types stored one value per code (decoded by decodeToFloat32); the rest are GGML block types. */
const PLAIN = new Set<string>(["BF16", "F16", "F8_E4M3", "F8_E5M2"]);

function cpuSeconds(run: () => void, repeat: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeat; r++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}

async function cpuSecondsAsync(run: () => Promise<unknown>): Promise<{ cpu: number; wall: number }> {
  const start = process.cpuUsage();
  const wall = performance.now();
  await run();
  const used = process.cpuUsage(start);
  return { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall) / 1000 };
}

/** Pseudo-random bytes (xorshift): any byte pattern is a valid block of every type. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

function decodeBench(megabytes: number, repeat: number): void {
  console.log(
    `\ndecode: ${megabytes} MiB of stored bytes per type, into a warm float32 buffer (best of ${repeat})`,
  );
  console.log(
    ["type", "WASM GB/CPU-s", "Mval/CPU-s", "TS GB/CPU-s", "Mval/CPU-s", "WASM/TS"]
      .map((h) => h.padStart(14))
      .join(""),
  );
  for (const name of DECODE_TYPES) {
    const type = PLAIN.has(name) ? undefined : requireGgmlType(name);
    const unitBytes = type?.typeSize ?? (name.startsWith("F8") ? 1 : 2);
    const unitValues = type?.blockSize ?? 1;
    const units = Math.floor((megabytes * 2 ** 20) / unitBytes);
    const bytes = randomBytes(units * unitBytes, name.length * 131);
    const out = new Float32Array(units * unitValues).fill(1);
    const decode = () =>
      type === undefined ? decodeToFloat32(bytes, name as "F8_E4M3", out) : dequantize(bytes, type, out);
    const wasm = cpuSeconds(decode, repeat);
    disableWasmKernels(true);
    const ts = cpuSeconds(decode, repeat);
    disableWasmKernels(false);
    const row = [
      name,
      (bytes.length / 1e9 / wasm).toFixed(2),
      (out.length / 1e6 / wasm).toFixed(0),
      (bytes.length / 1e9 / ts).toFixed(2),
      (out.length / 1e6 / ts).toFixed(0),
      `${(ts / wasm).toFixed(1)}×`,
    ];
    console.log(row.map((cell) => cell.padStart(14)).join(""));
  }
}

function productBench(repeat: number): void {
  console.log(`\nproduct A·Bᵀ (multiplyTransposed), float32 (best of ${repeat})`);
  console.log(["m × n · (p × n)ᵀ", "WASM GFLOP/CPU-s", "TS GFLOP/CPU-s"].map((h) => h.padStart(22)).join(""));
  for (const [m, n, p] of [
    [256, 2048, 1024],
    [256, 4096, 1024],
    [512, 4096, 4096],
    [256, 11008, 512],
    [64, 4096, 4096],
  ] as const) {
    const a = Float32Array.from(randomBytes(m * n, 1), (b) => b / 128 - 1);
    const b = Float32Array.from(randomBytes(p * n, 2), (x) => x / 128 - 1);
    const flops = 2 * m * n * p;
    const wasm = cpuSeconds(() => multiplyTransposed(a, m, n, b, p), repeat);
    const ts = flops <= 2e9 ? cpuSeconds(() => multiplyTransposedTs(a, m, n, b, p), 1) : Number.NaN;
    console.log(
      [
        `${m} × ${n} · (${p} × ${n})ᵀ`,
        (flops / 1e9 / wasm).toFixed(1),
        Number.isNaN(ts) ? "–" : (flops / 1e9 / ts).toFixed(2),
      ]
        .map((cell) => cell.padStart(22))
        .join(""),
    );
  }
}

async function rowBench(): Promise<void> {
  const rows = 32768;
  const cols = 4096;
  const dir = await mkdtemp(join(tmpdir(), "lineage-bench-rows-"));
  try {
    const path = join(dir, "rows.safetensors");
    const tensor = randomBytes(rows * cols * 2, 5);
    for (let i = 1; i < tensor.length; i += 2) tensor[i] = 0x3c | (tensor[i]! & 0x80); // finite BF16
    await writeSafetensors(path, [{ name: "w", dtype: "BF16", shape: [rows, cols] }], () => tensor);
    const store = await SafetensorsStore.open([path]);
    console.log(`\nrow reads: sampled rows of a [${rows} × ${cols}] BF16 tensor (256 MiB, page cache)`);
    console.log(
      ["rows wanted", "gap", "reads", "MB read", "MB wanted", "CPU s", "wall s"]
        .map((h) => h.padStart(12))
        .join(""),
    );
    for (const share of [0.01, 0.05, 0.25]) {
      const wanted: number[] = [];
      let s = 12345;
      for (let r = 0; r < rows; r++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        if (s / 2 ** 32 < share) wanted.push(r);
      }
      for (const gapBytes of [0, 64 * 1024, 4 * 2 ** 20]) {
        const runs = planRowRuns(wanted, cols * 2, { gapBytes });
        const bytes = runs.reduce((sum, run) => sum + (run.end - run.first) * cols * 2, 0);
        const t = await cpuSecondsAsync(() => store.readRows("w", wanted, { gapBytes }));
        console.log(
          [
            `${wanted.length} (${(share * 100).toFixed(0)}%)`,
            gapBytes === 0 ? "0" : `${gapBytes / 1024} KiB`,
            String(runs.length),
            (bytes / 1e6).toFixed(1),
            ((wanted.length * cols * 2) / 1e6).toFixed(1),
            t.cpu.toFixed(3),
            t.wall.toFixed(3),
          ]
            .map((cell) => cell.padStart(12))
            .join(""),
        );
      }
    }
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
async function main() {
  const { values } = parseArgs({
    options: { mb: { type: "string", default: "32" }, repeat: { type: "string", default: "3" } },
  });
  console.log(
    `kernels bench: ${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}; ${new Date().toISOString()}`,
  );
  decodeBench(Number(values.mb), Number(values.repeat));
  productBench(Number(values.repeat));
  await rowBench();
  console.log(
    `\nload average at the end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
}

await main();
