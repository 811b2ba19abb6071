/**
 * The null of pairing tensors by value (src/compare/value-match.ts): for pairs of independently trained
 * models, the Fisher z = atanh|r|·√(n − 3) of the centred correlation of every same-shape tensor pair
 * (values sampled at an even stride, as match-unrecognised.ts samples them), with the share of |z| above
 * 2, 3, 4 (a standard normal gives 4.55 %, 0.27 %, 0.006 %) and the largest ones.
 *   node --import tsx scripts/value-match-null.ts [SUSPECT REFERENCE]   (default: four ../shared pairs)
 */
import { join } from "node:path";
import { openCanonicalModel } from "../src/naming/open.js";
import { centredCorrelation } from "../src/stats/correlation.js";

const SAMPLES = 4096;
const shared = join(import.meta.dirname, "..", "..", "shared");
const PAIRS: [string, string][] = [
  ["zoo/base-b", "zoo/base-a"],
  ["zoo/a-distill", "zoo/base-a"],
  ["real/llama2c-independent/llama2xs.bin", "real/stories260k/stories260K.bin"],
  ["real/makemore/names-a-hf", "real/stories260k/stories260K.bin"],
];

function sample(values: Float32Array): Float32Array {
  const n = Math.min(SAMPLES, values.length);
  return Float32Array.from({ length: n }, (_, k) => values[Math.floor(((k + 0.5) * values.length) / n)]!);
}

async function nullOf(suspectPath: string, referencePath: string): Promise<void> {
  const a = await openCanonicalModel(suspectPath);
  const b = await openCanonicalModel(referencePath);
  try {
    const references = new Map<string, Float32Array>();
    for (const t of b.tensors) references.set(t.canonical, sample(await b.read(t.canonical)));
    const found: { z: number; r: number; n: number; pair: string }[] = [];
    for (const s of a.tensors) {
      const values = sample(await a.read(s.canonical));
      for (const t of b.tensors) {
        if (s.shape.join("x") !== t.shape.join("x")) continue;
        const r = centredCorrelation(values, references.get(t.canonical)!);
        if (!Number.isFinite(r)) continue;
        const z = Math.atanh(Math.min(0.999999, Math.abs(r))) * Math.sqrt(values.length - 3);
        found.push({ z, r, n: values.length, pair: `${s.canonical} ~ ${t.canonical}` });
      }
    }
    found.sort((x, y) => y.z - x.z);
    const share = (k: number) =>
      `${((100 * found.filter((e) => e.z > k).length) / found.length).toFixed(2)} %`;
    console.log(
      `${suspectPath} vs ${referencePath}: ${found.length} same-shape pairs; |z| > 2: ${share(2)}, > 3: ${share(3)}, > 4: ${share(4)}`,
    );
    for (const e of found.slice(0, 3))
      console.log(`  z ${e.z.toFixed(2)}  r ${e.r.toFixed(3)}  n ${e.n}  ${e.pair}`);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

const args = process.argv.slice(2);
if (args.length === 2) await nullOf(args[0]!, args[1]!);
else for (const [s, r] of PAIRS) await nullOf(join(shared, s), join(shared, r));
