/**
 * `npm run bench:hub`: what share of a Hub model's bytes a compare fetches. Generates a ~1B-parameter
 * Llama-style BF16 pair (reference, and the reference plus noise), serves both from the Hub stand-in on
 * 127.0.0.1 (API, 302 to a CDN origin, 206 ranges: test/hub/stand-in.ts), and runs
 *   1. compare(hub suspect, hub reference), fresh cache,
 *   2. compare(hub suspect, local reference), fresh cache,
 *   3. run 1 again on its warm cache,
 * printing the bytes fetched from the Hub, requests, the repositories' total size and the share, and
 * the bytes compare itself read. Nothing leaves the machine. `--keep` keeps the generated folder.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compareModels } from "../src/compare/compare-models.js";
import { emptyTraffic, sharedTraffic } from "../src/hub/traffic.js";
import { folderFiles, repoOf, type StandInFile, startStandIn } from "../test/hub/stand-in.js";
import { INIT_STD, plan, SHAPE_OPTIONS, type Shape, shapeFrom, writeModel } from "./bench/generate-llama.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const LLAMA2_TOKENIZER = join(root, "..", "shared", "real", "stories260k", "tokenizer.model");
const SMALL_TOKENIZER = join(root, "fixtures", "zoo", "base-a", "tokenizer.model");

/** A folder's files for the stand-in: the weights stay on disk, small files are read. */
async function diskRepo(folder: string): Promise<Record<string, StandInFile>> {
  const files: Record<string, StandInFile> = folderFiles(folder);
  const weights = join(folder, "model.safetensors");
  files["model.safetensors"] = { path: weights, size: (await stat(weights)).size };
  return files;
}

function resetTraffic(): void {
  Object.assign(sharedTraffic, emptyTraffic());
}

const gb = (bytes: number) => (bytes / 1e9).toFixed(3);

async function main() {
  const { values } = parseArgs({ options: SHAPE_OPTIONS });
  const llama2 = existsSync(LLAMA2_TOKENIZER);
  const shape: Shape = shapeFrom(values, llama2 ? undefined : 3000);
  const params = plan(shape).reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
  console.log(
    `hub bench: ${(params / 1e9).toFixed(3)}B parameters, BF16 (${gb(params * 2)} GB per model), ` +
      `load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
  );
  const dir = await mkdtemp(join(values.dir ?? tmpdir(), "lineage-bench-hub-"));
  const stand = { close: async () => undefined } as { close(): Promise<void> };
  try {
    const reference = join(dir, "reference");
    const suspect = join(dir, "suspect");
    const tokenizer = llama2 ? LLAMA2_TOKENIZER : SMALL_TOKENIZER;
    await writeModel(reference, shape, tokenizer, 1);
    await writeModel(suspect, shape, tokenizer, 1, { std: Number(values.noise) * INIT_STD, seed: 7 });
    const hub = await startStandIn({
      "bench/reference": repoOf(await diskRepo(reference)),
      "bench/suspect": repoOf(await diskRepo(suspect)),
    });
    stand.close = hub.close;
    const repoBytes = (await stat(join(reference, "model.safetensors"))).size;
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_HOME = join(dir, "hf-home");
    const rows: string[] = [];
    const runs: [string, string, string, string][] = [
      ["hub suspect vs hub reference (cold cache)", "bench/suspect", "bench/reference", join(dir, "cache-1")],
      ["hub suspect vs local reference (cold cache)", "bench/suspect", reference, join(dir, "cache-2")],
      ["hub suspect vs hub reference (warm cache)", "bench/suspect", "bench/reference", join(dir, "cache-1")],
    ];
    for (const [label, a, b, cache] of runs) {
      process.env.LINEAGE_CACHE = cache;
      resetTraffic();
      const start = performance.now();
      const result = await compareModels(a, b);
      const seconds = (performance.now() - start) / 1000;
      const remoteBytes = b === reference ? repoBytes : 2 * repoBytes;
      const share = (100 * sharedTraffic.bytes) / remoteBytes;
      const line =
        `| ${label} | ${result.verdict} | ${gb(sharedTraffic.bytes)} of ${gb(remoteBytes)} (${share.toFixed(2)}%) | ` +
        `${sharedTraffic.requests} | ${gb(result.timing.bytesRead)} | ${seconds.toFixed(1)} |`;
      rows.push(line);
      console.log(line);
    }
    console.log(
      "\n| run | verdict | GB fetched from the Hub (of the Hub repos' GB) | requests | GB compare read | wall s |",
    );
    console.log("|---|---|---|---|---|---|");
    for (const row of rows) console.log(row);
  } finally {
    await stand.close();
    if (values.keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
