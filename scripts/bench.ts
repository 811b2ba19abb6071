/**
 * `npm run bench`: throughput of GGUF decoding + per-tensor statistics next to the time to merely read
 * the same bytes, and peak RSS.
 *
 * It writes a checkpoint of `--size` GB (default 2) into a fresh temporary folder: equal shares of
 * BF16, F16, Q8_0, Q4_0 and Q4_K tensors of ~64 MiB each (valid blocks with sane fp16 scales), then
 * for each type measures (best of `--repeat` runs):
 *   read     reading the tensors' bytes in `--chunk-mb` chunks through one file handle (the I/O limit),
 *   TS       GgufStore.readChunks + TensorStatsAccumulator, pure TypeScript (WASM kernels disabled),
 *   WASM     the same with the WebAssembly SIMD moments kernel (decode still TS),
 *   fused    BF16 only: chunks read straight into WASM memory, decoded and summed there,
 *   workers  the same split across `--workers` worker threads (tensors dealt round-robin).
 * The folder is deleted afterwards (`--keep` keeps it). The file was just written, so reads come from
 * the page cache when it fits in RAM: the "read" column is then the page-cache limit, not the disk's.
 */
import { mkdtemp, open as openFile, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { statsOfTensor, type TensorStats } from "../src/fingerprint/tensor-stats.js";
import { requireGgmlType } from "../src/formats/gguf/ggml-types.js";
import { floatToBf16, floatToHalf } from "../src/formats/gguf/half.js";
import { GgufStore } from "../src/formats/gguf/store.js";
import { type GgufTensorSpec, gguf, writeGguf } from "../src/formats/gguf/writer.js";
import { disableWasmKernels, wasmKernels } from "../src/kernels/wasm.js";

const tsxApi = import.meta.resolve("tsx/esm/api");
const TYPES = ["BF16", "F16", "Q8_0", "Q4_0", "Q4_K"] as const;
const ROW = 4096;
const TENSOR_BYTES = 64 * 1024 * 1024;
const GB = 1e9;

interface WorkerJob {
  path: string;
  names: string[];
  chunkBytes: number;
}

/** 8 MiB of valid blocks of `type`: BF16/F16 hold weight-like values (normal, std 0.02); quantized
 * blocks hold random payload bytes with small finite fp16 scales. */
function template(typeName: string, seed: number): Uint8Array {
  const type = requireGgmlType(typeName);
  const blocks = Math.floor((8 * 1024 * 1024) / type.typeSize);
  const bytes = new Uint8Array(blocks * type.typeSize);
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const normal = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  if (typeName === "BF16" || typeName === "F16") {
    const words = new Uint16Array(bytes.buffer);
    const encode = typeName === "BF16" ? floatToBf16 : floatToHalf;
    for (let i = 0; i < words.length; i++) words[i] = encode(normal() * 0.02);
    return bytes;
  }
  for (let i = 0; i < bytes.length; i++) bytes[i] = (next() * 256) & 0xff;
  const view = new DataView(bytes.buffer);
  for (let b = 0; b < blocks; b++) {
    const p = b * type.typeSize;
    view.setUint16(p, floatToHalf(normal() * 0.001), true); // d (Q8_0, Q4_0, Q4_K)
    if (typeName === "Q4_K") view.setUint16(p + 2, floatToHalf(Math.abs(normal()) * 0.001), true); // dmin
  }
  return bytes;
}

function plan(sizeBytes: number): GgufTensorSpec[] {
  const tensors: GgufTensorSpec[] = [];
  for (const typeName of TYPES) {
    const type = requireGgmlType(typeName);
    const rowBytes = (ROW / type.blockSize) * type.typeSize;
    const rows = Math.floor(TENSOR_BYTES / rowBytes);
    const count = Math.max(1, Math.round(sizeBytes / TYPES.length / (rows * rowBytes)));
    const chunk = template(typeName, typeName.length * 7919);
    for (let i = 0; i < count; i++) {
      const total = rows * rowBytes;
      tensors.push({
        name: `blk.${i}.${typeName.toLowerCase()}.weight`,
        dtype: typeName,
        shape: [rows, ROW],
        data: async function* () {
          for (let done = 0; done < total; done += chunk.length) {
            yield chunk.subarray(0, Math.min(chunk.length, total - done));
          }
        },
      });
    }
  }
  return tensors;
}

interface Timing {
  /** Wall-clock seconds. */
  wall: number;
  /** CPU seconds of the whole process (all threads, user + system). */
  cpu: number;
}

async function measure(run: () => Promise<unknown>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await run();
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - wall0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

function best(a: Timing | undefined, b: Timing): Timing {
  return a === undefined ? b : { wall: Math.min(a.wall, b.wall), cpu: Math.min(a.cpu, b.cpu) };
}

async function readAll(path: string, ranges: { offset: number; byteLength: number }[], chunkBytes: number) {
  const handle = await openFile(path, "r");
  const buffer = new Uint8Array(chunkBytes);
  let checksum = 0;
  for (const range of ranges) {
    for (let done = 0; done < range.byteLength; ) {
      const length = Math.min(chunkBytes, range.byteLength - done);
      const { bytesRead } = await handle.read(buffer, 0, length, range.offset + done);
      checksum ^= buffer[0]!;
      done += bytesRead;
    }
  }
  await handle.close();
  return checksum;
}

/** BF16 only: file bytes read straight into WebAssembly memory, decoded and summed there (zero copy). */
async function fusedBf16(path: string, ranges: { offset: number; byteLength: number }[], chunkBytes: number) {
  const kernels = wasmKernels();
  if (kernels === undefined) throw new Error("WASM kernels unavailable");
  const handle = await openFile(path, "r");
  const out = new Float64Array(4);
  let total = 0;
  for (const range of ranges) {
    for (let done = 0; done < range.byteLength; ) {
      const length = Math.min(chunkBytes, range.byteLength - done);
      const target = kernels.input(length, 16 + 4096 * 4);
      const { bytesRead } = await handle.read(target, 0, length, range.offset + done);
      if (!kernels.momentsBf16(target.subarray(0, bytesRead), 0, out)) throw new Error("non-finite");
      total += out[0]!;
      done += bytesRead;
    }
  }
  await handle.close();
  return total;
}

async function decodeAll(store: GgufStore, names: string[], chunkBytes: number): Promise<TensorStats[]> {
  const stats: TensorStats[] = [];
  for (const name of names) stats.push(await statsOfTensor(store, name, { chunkBytes }));
  return stats;
}

interface Pool {
  run(names: string[]): Promise<TensorStats[]>;
  close(): Promise<void>;
}

async function startPool(path: string, size: number, chunkBytes: number): Promise<Pool> {
  const workers = Array.from(
    { length: size },
    () =>
      // Workers do not inherit tsx's loader: a one-line ESM bootstrap registers it, then loads this
      // file as the worker body.
      new Worker(
        new URL(
          `data:text/javascript,${encodeURIComponent(
            `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(import.meta.url)});`,
          )}`,
        ),
        { workerData: { path, chunkBytes } },
      ),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once("message", resolve))));
  const ask = (worker: Worker, names: string[]) =>
    new Promise<TensorStats[]>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.postMessage(names);
    });
  return {
    async run(names) {
      const shares = workers.map((_, i) => names.filter((_, j) => j % size === i));
      const results = await Promise.all(workers.map((w, i) => ask(w, shares[i]!)));
      return results.flat();
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

function rssMB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function main() {
  const { values } = parseArgs({
    options: {
      size: { type: "string", default: "2" },
      dir: { type: "string" },
      workers: { type: "string", default: "2" },
      repeat: { type: "string", default: "2" },
      "chunk-mb": { type: "string", default: "4" },
      keep: { type: "boolean", default: false },
    },
  });
  const sizeBytes = Number(values.size) * GB;
  const workerCount = Number(values.workers);
  const repeat = Math.max(1, Number(values.repeat));
  const chunkBytes = Number(values["chunk-mb"]) * 1024 * 1024;
  if (!(sizeBytes > 0) || !(workerCount >= 0) || !(chunkBytes > 0)) {
    throw new Error(
      "usage: npm run bench -- [--size GB] [--workers N] [--repeat N] [--chunk-mb MB] [--dir D] [--keep]",
    );
  }
  const dir = await mkdtemp(join(values.dir ?? tmpdir(), "lineage-bench-"));
  const path = join(dir, "bench.gguf");
  try {
    const started = performance.now();
    await writeGguf(path, {
      metadata: [["general.architecture", gguf.str("bench")]],
      tensors: plan(sizeBytes),
    });
    const store = await GgufStore.open(path);
    const fileGB = store.header.fileSize / GB;
    console.log(
      `wrote ${fileGB.toFixed(2)} GB (${store.tensors.length} tensors) in ${((performance.now() - started) / 1000).toFixed(1)} s; peak RSS so far ${rssMB()} MB`,
    );
    const pool = workerCount > 0 ? await startPool(path, workerCount, chunkBytes) : undefined;
    const gbps = (bytes: number, seconds: number) => (bytes / GB / seconds).toFixed(2);
    const header = ["type", "GB", "read", "read/CPU-s", "TS", "TS/CPU-s", "WASM", "WASM/CPU-s"];
    if (pool) header.push(`${workerCount} workers`);
    header.push("Melem/CPU-s", "vs read");
    console.log(`\nthroughput in GB/s of file bytes (wall clock, and per CPU-second of the process)`);
    console.log(header.map((h) => h.padStart(12)).join(""));
    for (const typeName of TYPES) {
      const tensors = store.tensors.filter((t) => t.dtype === typeName);
      const names = tensors.map((t) => t.name);
      const bytes = tensors.reduce((sum, t) => sum + t.byteLength, 0);
      const elements = tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
      let read: Timing | undefined;
      let single: Timing | undefined;
      let pureTs: Timing | undefined;
      let fused: Timing | undefined;
      let parallel: Timing | undefined;
      let reference: TensorStats[] = [];
      for (let r = 0; r < repeat; r++) {
        read = best(read, await measure(() => readAll(path, tensors, chunkBytes)));
        disableWasmKernels(true);
        pureTs = best(pureTs, await measure(() => decodeAll(store, names, chunkBytes)));
        disableWasmKernels(false);
        if (typeName === "BF16")
          fused = best(fused, await measure(() => fusedBf16(path, tensors, chunkBytes)));
        single = best(
          single,
          await measure(async () => {
            reference = await decodeAll(store, names, chunkBytes);
          }),
        );
        if (pool) {
          parallel = best(
            parallel,
            await measure(async () => {
              const results = await pool.run(names);
              if (results.length !== names.length) throw new Error("workers lost a tensor");
            }),
          );
        }
      }
      const r = read!;
      const d = single!;
      const fastest = Math.min(d.wall, parallel?.wall ?? Number.POSITIVE_INFINITY);
      const row = [
        typeName,
        (bytes / GB).toFixed(2),
        gbps(bytes, r.wall),
        gbps(bytes, r.cpu),
        gbps(bytes, pureTs!.wall),
        gbps(bytes, pureTs!.cpu),
        gbps(bytes, d.wall),
        gbps(bytes, d.cpu),
      ];
      if (parallel) row.push(gbps(bytes, parallel.wall));
      row.push((elements / 1e6 / d.cpu).toFixed(0), `${((r.wall / fastest) * 100).toFixed(0)}%`);
      console.log(row.map((cell) => cell.padStart(12)).join(""));
      if (fused) {
        const share = `${((r.wall / fused.wall) * 100).toFixed(0)}%`;
        console.log(
          `${"BF16 fused".padStart(12)}  zero-copy read into WASM + decode + moments: ${gbps(bytes, fused.wall)} GB/s wall, ${gbps(bytes, fused.cpu)} GB/s per CPU-s, ${share} of read speed`,
        );
      }
      const sample = reference[0];
      if (sample && !(Number.isFinite(sample.mean) && Number.isFinite(sample.std))) {
        throw new Error(`${typeName}: statistics are not finite`);
      }
    }
    await pool?.close();
    await store.close();
    console.log(`\npeak RSS ${rssMB()} MB (process.resourceUsage().maxRSS, whole run incl. writing)`);
    console.log(
      `chunks of ${values["chunk-mb"]} MiB, best of ${repeat} runs; "vs read" = read time / fastest WASM-path decode time;`,
    );
    console.log(
      `load average while running: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")} on ${cpus().length} CPUs`,
    );
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

if (isMainThread) {
  await main();
} else {
  const job = workerData as Omit<WorkerJob, "names">;
  const store = await GgufStore.open(job.path);
  parentPort!.on("message", async (names: string[]) => {
    const stats: TensorStats[] = [];
    for (const name of names) stats.push(await statsOfTensor(store, name, { chunkBytes: job.chunkBytes }));
    parentPort!.postMessage(stats);
  });
  parentPort!.postMessage("ready");
}
