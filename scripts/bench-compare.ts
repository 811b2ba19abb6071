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
import { copyFile, mkdir, mkdtemp, open as openFile, rm, stat, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { compareModels } from "../src/compare/compare-models.js";
import type { CompareResult } from "../src/compare/result.js";
import { writeSafetensors } from "../src/formats/safetensors/writer.js";
import { createRandom } from "../src/transform/random.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const LLAMA2_TOKENIZER = join(root, "..", "shared", "real", "stories260k", "tokenizer.model");
const SMALL_TOKENIZER = join(root, "fixtures", "zoo", "base-a", "tokenizer.model");
const INIT_STD = 0.02;
const CHUNK = 1024 * 1024;

interface Shape {
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  mlp: number;
  vocab: number;
}

interface TensorPlan {
  name: string;
  shape: number[];
  norm: boolean;
}

function plan(s: Shape): TensorPlan[] {
  const kv = (s.hidden / s.heads) * s.kvHeads;
  const t: TensorPlan[] = [{ name: "model.embed_tokens.weight", shape: [s.vocab, s.hidden], norm: false }];
  for (let i = 0; i < s.layers; i++) {
    const p = `model.layers.${i}`;
    t.push(
      { name: `${p}.input_layernorm.weight`, shape: [s.hidden], norm: true },
      { name: `${p}.self_attn.q_proj.weight`, shape: [s.hidden, s.hidden], norm: false },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kv, s.hidden], norm: false },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kv, s.hidden], norm: false },
      { name: `${p}.self_attn.o_proj.weight`, shape: [s.hidden, s.hidden], norm: false },
      { name: `${p}.post_attention_layernorm.weight`, shape: [s.hidden], norm: true },
      { name: `${p}.mlp.gate_proj.weight`, shape: [s.mlp, s.hidden], norm: false },
      { name: `${p}.mlp.up_proj.weight`, shape: [s.mlp, s.hidden], norm: false },
      { name: `${p}.mlp.down_proj.weight`, shape: [s.hidden, s.mlp], norm: false },
    );
  }
  t.push(
    { name: "model.norm.weight", shape: [s.hidden], norm: true },
    { name: "lm_head.weight", shape: [s.vocab, s.hidden], norm: false },
  );
  return t;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** float → bf16 bits, round to nearest even (the values here are finite). */
function bf16(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** One tensor's BF16 bytes: weights from `seed`, plus noise of std `noiseStd` from `noiseSeed`. */
function tensorBytes(t: TensorPlan, index: number, seed: number, noiseStd: number, noiseSeed: number) {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const words = new Uint16Array(n);
  const weights = createRandom(seed * 100_003 + index);
  const noise = noiseStd > 0 ? createRandom(noiseSeed * 100_003 + index) : undefined;
  for (let i = 0; i < n; i++) {
    let v = t.norm ? 1 : weights.gaussian() * INIT_STD;
    if (noise !== undefined) v += noise.gaussian() * noiseStd;
    words[i] = bf16(v);
  }
  return new Uint8Array(words.buffer);
}

async function writeModel(
  folder: string,
  shape: Shape,
  tokenizer: string,
  seed: number,
  noise?: { std: number; seed: number },
) {
  await mkdir(folder, { recursive: true });
  const config = {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    hidden_size: shape.hidden,
    intermediate_size: shape.mlp,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    vocab_size: shape.vocab,
    max_position_embeddings: 4096,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    hidden_act: "silu",
    tie_word_embeddings: false,
    bos_token_id: 1,
    eos_token_id: 2,
    torch_dtype: "bfloat16",
  };
  await writeFile(join(folder, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  await copyFile(tokenizer, join(folder, "tokenizer.model"));
  const tensors = plan(shape);
  const index = new Map(tensors.map((t, i) => [t.name, i]));
  await writeSafetensors(
    join(folder, "model.safetensors"),
    tensors.map((t) => ({ name: t.name, dtype: "BF16", shape: t.shape })),
    (name) => {
      const i = index.get(name)!;
      return tensorBytes(tensors[i]!, i, seed, noise?.std ?? 0, noise?.seed ?? 0);
    },
    { format: "pt" },
  );
}

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
  const { values } = parseArgs({
    options: {
      hidden: { type: "string", default: "2048" },
      layers: { type: "string", default: "18" },
      heads: { type: "string", default: "16" },
      "kv-heads": { type: "string", default: "8" },
      mlp: { type: "string", default: "5632" },
      vocab: { type: "string", default: "32000" },
      noise: { type: "string", default: "0.1" },
      dir: { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const llama2 = existsSync(LLAMA2_TOKENIZER);
  const tokenizer = llama2 ? LLAMA2_TOKENIZER : SMALL_TOKENIZER;
  const shape: Shape = {
    hidden: Number(values.hidden),
    layers: Number(values.layers),
    heads: Number(values.heads),
    kvHeads: Number(values["kv-heads"]),
    mlp: Number(values.mlp),
    vocab: llama2 ? Number(values.vocab) : 3000,
  };
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
