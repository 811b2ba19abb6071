/**
 * `npm run bench:hub -- [--preset tinyllama] [--layers N] [--noise RATIO] [--dir D] [--keep]`: what
 * share of a Hub model's bytes a compare fetches. Generates a pair of the preset's shape (default
 * tinyllama, 1.1B parameters, BF16) with the compare benchmark's generator (scripts/bench/
 * generate-model.ts): a reference and the reference plus noise; serves both from the Hub stand-in on
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
import { folderFiles, repoOf, startStandIn } from "../test/hub/stand-in.js";
import { type ModelShape, PRESETS, parameterCount } from "./bench/blueprint.js";
import { ModelWriter } from "./bench/generate-model.js";
import { Generator } from "./bench/generator-wasm.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const LLAMA2_TOKENIZER = join(root, "..", "shared", "real", "stories260k", "tokenizer.model");
const SMALL_TOKENIZER = join(root, "fixtures", "zoo", "base-a", "tokenizer.model");

function resetTraffic(): void {
  Object.assign(sharedTraffic, emptyTraffic());
}

const gb = (bytes: number) => (bytes / 1e9).toFixed(3);
/** Files above this stay on disk in the stand-in (the weights). */
const ON_DISK_ABOVE = 16 * 1024 * 1024;

async function main() {
  const { values } = parseArgs({
    options: {
      preset: { type: "string", default: "tinyllama" },
      layers: { type: "string" },
      noise: { type: "string", default: "0.1" },
      dir: { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const preset = PRESETS[values.preset!];
  if (preset === undefined || preset.shape.architecture !== "llama") {
    throw new Error(
      "usage: npm run bench:hub -- [--preset zoo|tinyllama|llama7b] [--layers N] [--noise RATIO] [--dir D] [--keep]",
    );
  }
  const shape: ModelShape = {
    ...preset.shape,
    layers: values.layers === undefined ? preset.shape.layers : Number(values.layers),
  };
  const tokenizer = existsSync(LLAMA2_TOKENIZER) ? LLAMA2_TOKENIZER : SMALL_TOKENIZER;
  const params = parameterCount(shape);
  console.log(
    `hub bench, preset ${values.preset}, ${shape.layers} layers: ${(params / 1e9).toFixed(3)}B parameters, BF16 ` +
      `(${gb(params * 2)} GB per model), load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
  );
  const dir = await mkdtemp(join(values.dir ?? tmpdir(), "lineage-bench-hub-"));
  const stand = { close: async () => undefined } as { close(): Promise<void> };
  try {
    const reference = join(dir, "reference");
    const suspect = join(dir, "suspect");
    const generator = await Generator.create();
    await new ModelWriter(generator, shape, { seed: 1 }).write(reference, tokenizer);
    await new ModelWriter(generator, shape, {
      seed: 1,
      noise: { ratio: Number(values.noise), seed: 7 },
    }).write(suspect, tokenizer);
    const hub = await startStandIn({
      "bench/reference": repoOf(folderFiles(reference, ON_DISK_ABOVE)),
      "bench/suspect": repoOf(folderFiles(suspect, ON_DISK_ABOVE)),
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
