/**
 * `npm run bench:compare` (also the second half of `npm run bench`): `compareModels` on a generated
 * pair of ~1B-parameter Llama-style BF16 checkpoints, next to the time to merely read the bytes.
 *
 * In a fresh temporary folder it writes three Hugging Face folders (config.json, model.safetensors,
 * tokenizer.model), tensor by tensor from a seeded generator (never a whole model in memory):
 *   reference    N(0, 0.02) matrices, norms 1 (a real init's scale),
 *   suspect      the reference regenerated from the same seed plus N(0, `--noise` × 0.02) noise,
 *   independent  the same blueprint from another seed.
 * It times compare(suspect, reference) and compare(independent, reference): wall, CPU, bytes read,
 * verdict, peak RSS; then reads both files of each pair whole with plain positional reads in 1 MiB
 * chunks (the I/O floor) and prints compare's bytes at that rate. The files were just written, so when
 * they fit in RAM the floor is the page cache's, not the disk's. The folder is deleted afterwards
 * (`--keep` keeps it).
 *
 * Tokenizer: Llama-2's 32,000-token tokenizer.model from ../shared/real/stories260k when present;
 * otherwise the repo's 3,000-token fixtures/zoo/base-a/tokenizer.model and `--vocab` becomes 3000.
 */
import { existsSync } from "node:fs";
import { mkdtemp, open as openFile, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compareModels } from "../src/compare/compare-models.js";
import type { CompareResult } from "../src/compare/result.js";
import { INIT_STD, plan, SHAPE_OPTIONS, type Shape, shapeFrom, writeModel } from "./bench/generate-llama.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const LLAMA2_TOKENIZER = join(root, "..", "shared", "real", "stories260k", "tokenizer.model");
const SMALL_TOKENIZER = join(root, "fixtures", "zoo", "base-a", "tokenizer.model");
const CHUNK = 1024 * 1024;

interface Timing {
  wall: number;
  cpu: number;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; time: Timing }> {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const value = await run();
  const cpu = process.cpuUsage(cpu0);
  return { value, time: { wall: (performance.now() - wall0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 } };
}

/** Read files whole with positional reads in 1 MiB chunks; returns bytes read. */
async function readWhole(paths: readonly string[]): Promise<number> {
  const buffer = new Uint8Array(CHUNK);
  let total = 0;
  for (const path of paths) {
    const handle = await openFile(path, "r");
    try {
      for (let position = 0; ; ) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        total += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
  return total;
}

const rssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const fmt = (x: number, d = 1) => x.toFixed(d);

async function main() {
  const { values } = parseArgs({ options: SHAPE_OPTIONS });
  const llama2 = existsSync(LLAMA2_TOKENIZER);
  const tokenizer = llama2 ? LLAMA2_TOKENIZER : SMALL_TOKENIZER;
  const shape: Shape = shapeFrom(values, llama2 ? undefined : 3000);
  const noiseRatio = Number(values.noise);
  if (
    !Object.values(shape).every((v) => Number.isInteger(v) && v > 0) ||
    shape.hidden % shape.heads !== 0 ||
    shape.heads % shape.kvHeads !== 0 ||
    !(noiseRatio >= 0)
  ) {
    throw new Error(
      "usage: npm run bench:compare -- [--hidden N] [--layers N] [--heads N] [--kv-heads N] [--mlp N] [--vocab N] [--noise RATIO] [--dir D] [--keep]",
    );
  }
  const params = plan(shape).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
  console.log(
    `compare bench: hidden ${shape.hidden}, ${shape.layers} layers, ${shape.heads}/${shape.kvHeads} heads, ` +
      `MLP ${shape.mlp}, vocab ${shape.vocab} → ${(params / 1e9).toFixed(3)}B parameters, BF16 ` +
      `(${fmt((params * 2) / 1e9, 2)} GB per model); tokenizer ${llama2 ? "Llama-2 (32,000)" : "zoo base-a (3,000; ../shared absent)"}; ` +
      `load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
  );
  const dir = await mkdtemp(join(values.dir ?? tmpdir(), "lineage-bench-compare-"));
  try {
    const reference = join(dir, "reference");
    const suspect = join(dir, "suspect");
    const independent = join(dir, "independent");
    const gen = await timed(async () => {
      await writeModel(reference, shape, tokenizer, 1);
      await writeModel(suspect, shape, tokenizer, 1, { std: noiseRatio * INIT_STD, seed: 7 });
      await writeModel(independent, shape, tokenizer, 2);
    });
    console.log(`generated 3 models in ${fmt(gen.time.wall)} s; peak RSS so far ${rssMB()} MB`);

    const rows: string[] = [];
    const expected: Record<string, readonly string[]> = {
      "suspect (noised) vs reference": ["same-weights", "derived"],
      "independent vs reference": ["architecture-only"],
    };
    for (const [label, a] of [
      ["suspect (noised) vs reference", suspect],
      ["independent vs reference", independent],
    ] as const) {
      const run = await timed<CompareResult>(() => compareModels(a, reference));
      const r = run.value;
      const files = [join(a, "model.safetensors"), join(reference, "model.safetensors")];
      const fileBytes = (await Promise.all(files.map((f) => stat(f)))).reduce((s, x) => s + x.size, 0);
      const io = await timed(() => readWhole(files));
      const rate = io.value / io.time.wall;
      const floor = r.timing.bytesRead / rate;
      const ok = expected[label]!.includes(r.verdict);
      rows.push(
        `| ${label} | ${r.verdict}${ok ? "" : " (WRONG)"} | ${fmt(run.time.wall)} | ${fmt(run.time.cpu)} | ` +
          `${fmt(r.timing.bytesRead / 1e9, 2)} of ${fmt(fileBytes / 1e9, 2)} | ${fmt(io.time.wall, 2)} (${fmt(rate / 1e9, 2)} GB/s) | ` +
          `${fmt(floor, 2)} | ${fmt((100 * floor) / run.time.wall, 0)}% | ${rssMB()} |`,
      );
      console.log(
        `${label}: ${r.verdict}${ok ? "" : ` — NOT the expected ${expected[label]!.join("/")}`} ` +
          `[${r.tags.join(", ")}] p=${r.pValue.toExponential(2)}; wall ${fmt(run.time.wall)} s, ` +
          `CPU ${fmt(run.time.cpu)} s, read ${fmt(r.timing.bytesRead / 1e9, 2)} GB; ` +
          `plain read of both files ${fmt(io.time.wall, 2)} s; peak RSS ${rssMB()} MB`,
      );
    }
    console.log(
      "\n| pair | verdict | compare wall s | compare CPU s | GB read by compare (of file GB) | plain read of both files s | I/O floor for compare's bytes s | floor / wall | peak RSS MB |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
