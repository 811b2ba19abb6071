/**
 * Measure the fingerprint's separation on the zoo: fingerprint every model in ../shared/zoo, match each
 * against base-a and base-b, print a Markdown table (used for docs/library.md).
 * Run: node --import tsx scripts/fingerprint-zoo.ts [ZOO_DIR]
 */
import { join, resolve } from "node:path";
import { fingerprintModel } from "../src/fingerprint/from-path.js";
import { matchFingerprints } from "../src/fingerprint/match.js";
import type { ModelFingerprint } from "../src/fingerprint/model-fingerprint.js";
import { layersText } from "../src/library/presentation.js";
import { formatLog10PValue } from "../src/report/format.js";

const zoo = resolve(process.argv[2] ?? join(import.meta.dirname, "..", "..", "shared", "zoo"));
const models = [
  "a-sft",
  "a-cpt",
  "a-dus",
  "a-moe",
  "a-vx",
  "a-sft-yi",
  "gguf/base-a-f16.gguf",
  "gguf/base-a-q8_0.gguf",
  "gguf/base-a-q4_0.gguf",
  "base-b",
  "b-yi",
  "a-distill",
  "neox-c",
];
const references = ["base-a", "base-b"];

const fingerprints = new Map<string, ModelFingerprint>();
for (const name of [...references, ...models]) {
  const started = performance.now();
  const fingerprint = await fingerprintModel(join(zoo, name));
  fingerprints.set(name, fingerprint);
  const bytes = JSON.stringify(fingerprint).length;
  process.stderr.write(
    `${name}: ${((performance.now() - started) / 1000).toFixed(2)} s, ${bytes} bytes of JSON\n`,
  );
}

console.log("| suspect | reference | relation | same-index units | p | twin similarity | layer map |");
console.log("|---|---|---|---|---|---|---|");
for (const reference of references) {
  for (const suspect of [...new Set([...models, ...references])]) {
    if (suspect === reference) continue;
    const m = matchFingerprints(fingerprints.get(suspect)!, fingerprints.get(reference)!);
    console.log(
      `| ${suspect} | ${reference} | ${m.relation} | ${m.matches}/${m.units} (${m.sets} sets) | ${formatLog10PValue(m.log10P)} | ${m.similarity.toFixed(4)} | ${layersText(m)} |`,
    );
  }
}
