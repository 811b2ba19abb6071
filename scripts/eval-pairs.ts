/**
 * The labelled pairs `npm run eval` and the tests run: the zoo's and the real files' labels.json, and the
 * compare cases of ../shared/cases/README.md (their right answers, restated here as data).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface LabelledPair {
  /** `zoo`, `real` or `cases`. */
  set: string;
  suspect: string;
  reference: string;
  /** Absolute paths. */
  suspectPath: string;
  referencePath: string;
  verdict: string;
  alsoAccept: string[];
  tags: string[];
  why: string;
  /** A known gap another branch is closing (the reader this pair needs): a failure is reported but does
   * not fail the run, and a pass fails it until the mark is removed. */
  pending?: string;
}

interface LabelFile {
  pairs: {
    suspect: string;
    reference: string;
    verdict: string;
    alsoAccept?: string[];
    tags?: string[];
    why?: string;
  }[];
}

/** The compare cases of ../shared/cases/README.md with their right answers. */
const CASES: Omit<LabelledPair, "set" | "suspectPath" | "referencePath">[] = [
  {
    suspect: "gemma-norm-offset/gemma.gguf",
    reference: "gemma-norm-offset/gemma-hf",
    verdict: "identical",
    alsoAccept: ["same-weights"],
    tags: [],
    why: "Gemma's RMSNorm gain w (y = x·(1+w)); llama.cpp writes 1+w into the GGUF",
  },
  {
    suspect: "gemma-norm-offset/gemma-trained.gguf",
    reference: "gemma-norm-offset/gemma-hf-trained",
    verdict: "identical",
    alsoAccept: ["same-weights"],
    tags: [],
    why: "the same, with trained norm gains",
  },
  {
    suspect: "gguf-split/tiny-00001-of-00003.gguf",
    reference: "gguf-split/hf",
    verdict: "identical",
    alsoAccept: [],
    tags: [],
    why: "all three GGUF shards read, as llama.cpp does given shard 1",
  },
  {
    suspect: "gguf-per-layer-heads/perlayer-heads.gguf",
    reference: "gguf-per-layer-heads/hf",
    verdict: "identical",
    alsoAccept: [],
    tags: [],
    why: "attention.head_count / head_count_kv given per layer as arrays",
  },
  {
    suspect: "st-fp8-blockscale/sus-fp8",
    reference: "st-fp8-blockscale/ref-bf16",
    verdict: "same-weights",
    alsoAccept: [],
    tags: ["quantized"],
    why: "FP8 weights with weight_scale_inv blocks, dequantized",
  },
  {
    suspect: "hf-tied-embeddings/tied-config-different-head",
    reference: "hf-tied-embeddings/tied-ok",
    verdict: "derived",
    alsoAccept: [],
    tags: [],
    why: "config says tied, but the stored lm_head differs from the embedding: what is stored is what runs",
  },
  {
    suspect: "hf-tied-embeddings/tied-config-with-head",
    reference: "hf-tied-embeddings/tied-ok",
    verdict: "identical",
    alsoAccept: ["same-weights"],
    tags: [],
    why: "control: a stored head equal to the embedding",
  },
  {
    suspect: "hf-tied-embeddings/untied-explicit-copy",
    reference: "hf-tied-embeddings/tied-ok",
    verdict: "identical",
    alsoAccept: ["same-weights"],
    tags: [],
    why: "control: untied, the head an explicit copy of the embedding",
  },
  {
    suspect: "hf-tied-embeddings/untied-config-no-head",
    reference: "hf-tied-embeddings/tied-ok",
    verdict: "identical",
    alsoAccept: ["same-weights"],
    tags: [],
    why: "control: config says untied, no head stored (the embedding runs as the head)",
  },
];

/** Pairs of one labels.json (paths relative to its folder). */
function fromLabels(set: string, file: string): LabelledPair[] {
  const base = dirname(file);
  const labels = JSON.parse(readFileSync(file, "utf8")) as LabelFile;
  return labels.pairs.map((pair) => ({
    set,
    suspect: pair.suspect.replace("../real/", ""),
    reference: pair.reference.replace("../real/", ""),
    suspectPath: join(base, pair.suspect),
    referencePath: join(base, pair.reference),
    verdict: pair.verdict,
    alsoAccept: pair.alsoAccept ?? [],
    tags: pair.tags ?? [],
    why: pair.why ?? "",
  }));
}

/**
 * Every labelled pair whose files are present, under `shared` (the ../shared folder); the committed
 * subset of the zoo in `fixtures` when ../shared is absent.
 */
export function labelledPairs(
  shared: string,
  fixtures: string,
): { pairs: LabelledPair[]; hermetic: boolean } {
  const present = (pair: LabelledPair) => existsSync(pair.suspectPath) && existsSync(pair.referencePath);
  const zoo = join(shared, "zoo", "labels.json");
  if (!existsSync(zoo)) {
    return { pairs: fromLabels("zoo", join(fixtures, "zoo", "labels.json")).filter(present), hermetic: true };
  }
  const pairs = [...fromLabels("zoo", zoo)];
  const real = join(shared, "real", "labels.json");
  if (existsSync(real)) pairs.push(...fromLabels("real", real));
  const cases = join(shared, "cases");
  for (const c of CASES)
    pairs.push({
      set: "cases",
      ...c,
      suspectPath: join(cases, c.suspect),
      referencePath: join(cases, c.reference),
    });
  return { pairs: pairs.filter(present), hermetic: false };
}

/** Independent pairs (expected to share no weights): the calibration set of the p-value. */
export function isIndependent(pair: LabelledPair): boolean {
  return pair.verdict === "architecture-only" || pair.verdict === "unrelated";
}
