/**
 * The red-team comparisons: each generated input (scripts/redteam/generate.ts, under --dir) against the
 * model it was made from, or against an independent one, with the verdicts a right answer may give and
 * why. `p` is what the p-value must be: "related" ≤ 1e-6, "independent" ≥ 1e-3; "error" = the CLI must
 * refuse with exit 1 and a one-line reason.
 */
import { join } from "node:path";

export type Expect = "related" | "independent" | "error" | "any";

export interface RedPair {
  suspect: string;
  reference: string;
  /** Verdicts a right answer may give. */
  verdicts: string[];
  /** Tags the answer must carry. */
  tags?: string[];
  /** Tags the answer must not carry (claims the evidence does not support). */
  forbidTags?: string[];
  p: Expect;
  why: string;
  group: string;
}

/** `@` = ../shared, `~` = the generated folder. */
export function resolvePath(path: string, shared: string, dir: string): string {
  if (path.startsWith("@/")) return join(shared, path.slice(2));
  if (path.startsWith("~/")) return join(dir, path.slice(2));
  return path;
}

const A = "@/zoo/base-a";
const B = "@/zoo/base-b";
const S = "@/real/stories260k/stories260K.bin";
const SAME = ["identical", "same-weights"];
const COPY = ["same-weights"];
const DERIVED = ["derived"];
const RELATED = ["same-weights", "derived"];
const INDEP_SAME = ["architecture-only"];
const INDEP_ANY = ["architecture-only", "unrelated"];

/** Tags that claim training: wrong for pure noise. */
const TRAINING_TAGS = ["fine-tuned", "continued-pretraining", "shared-initialization"];

const p = (
  group: string,
  suspect: string,
  reference: string,
  verdicts: string[],
  expect: Expect,
  why: string,
  tags?: string[],
  forbidTags?: string[],
): RedPair => ({
  group,
  suspect,
  reference,
  verdicts,
  p: expect,
  why,
  ...(tags === undefined ? {} : { tags }),
  ...(forbidTags === undefined ? {} : { forbidTags }),
});

export const PAIRS: RedPair[] = [
  // combinations of obfuscations
  p("combo", "~/a-perm-Q8_0.gguf", A, COPY, "related", "permuted copy quantized to Q8_0 in a GGUF", [
    "permuted",
    "quantized",
  ]),
  p("combo", "~/a-perm-Q4_0.gguf", A, COPY, "related", "permuted copy quantized to Q4_0 in a GGUF", [
    "permuted",
    "quantized",
  ]),
  p("combo", "~/s-perm-q80/model.bin", S, COPY, "related", "permuted stories260K in llama2.c v2 Q8_0", [
    "permuted",
    "quantized",
  ]),
  p("combo", "~/s-perm-q4.gguf", S, COPY, "related", "permuted stories260K in GGUF Q4_0", [
    "permuted",
    "quantized",
  ]),
  p("combo", "~/a-rot-noise05", A, COPY, "related", "rotation + 5% noise: function-preserving + noise", [
    "rotated",
    "noised",
  ]),
  p("combo", "~/s-rot-noise05/model.bin", S, COPY, "related", "rotation + 5% noise on a real model", [
    "rotated",
    "noised",
  ]),
  p(
    "combo",
    "~/a-invented-transposed",
    A,
    COPY.concat("identical"),
    "related",
    "invented names + transposed storage: values equal",
    ["renamed", "transposed"],
  ),
  p("combo", "~/a-invented-perm", A, COPY, "related", "invented names + permutation", ["permuted"]),
  p("combo", "~/a-fused-perm", A, COPY, "related", "Phi-3 fused QKV/gate-up + permutation", ["permuted"]),
  p("combo", "~/a-wpack-perm", A, COPY, "related", "Baichuan W_pack + permutation", ["permuted"]),
  p("combo", "~/a-rescale-q4", A, COPY, "related", "rescaled units + Q4_0 round trip", ["rescaled"]),
  p("combo", "~/a-rescale-q4.gguf", A, COPY, "related", "rescaled units in a Q4_0 GGUF", [
    "rescaled",
    "quantized",
  ]),
  p("combo", "~/a-invented-noise", A, COPY, "related", "invented names + noise σ 0.05", ["noised"]),
  p("combo", "~/a-invented-q4", A, COPY, "related", "invented names + Q4_0 round trip", ["quantized"]),
  p("combo", "~/a-fused-q8", A, COPY, "related", "fused QKV + Q8_0 round trip", ["quantized"]),
  p("combo", "~/a-perm-heads", A, COPY, "related", "attention heads permuted only", ["permuted"]),
  p("combo", "~/a-fused-perm-mlp", A, COPY, "related", "fused + MLP neurons permuted", ["permuted"]),
  p("combo", "~/a-fused-perm-hidden", A, COPY, "related", "fused + residual stream permuted", ["permuted"]),
  p("combo", "~/a-shuffled", A, ["identical"], "related", "same bytes per tensor, other file order"),
  p("combo", "~/a-shards-noindex", A, ["identical"], "related", "3 shards without index, all present"),
  p(
    "combo",
    "~/a-shards-missing",
    A,
    [],
    "error",
    "3 shards without index, shard 2 missing: an error naming it",
  ),
  p("combo", "~/a-F32.gguf", A, SAME, "related", "GGUF F32 by our writer: exact values"),
  p("combo", "~/a-F16.gguf", A, SAME, "related", "GGUF F16", ["dtype-cast"]),
  p("combo", "~/a-BF16.gguf", A, SAME, "related", "GGUF BF16: the same bf16 values"),
  p("combo", "~/a-Q8_0.gguf", A, COPY, "related", "GGUF Q8_0", ["quantized"]),
  p("combo", "~/a-Q4_0.gguf", A, COPY, "related", "GGUF Q4_0 (embeddings too)", ["quantized"]),
  ...["Q4_1", "Q5_0", "Q5_1"].map((type) =>
    p(
      "combo",
      `~/a-${type}.gguf`,
      A,
      COPY,
      "related",
      `GGUF ${type} (our quantizer, ggml's reference rounding)`,
      ["quantized"],
    ),
  ),
  p(
    "combo",
    "~/a-Q4_0.gguf",
    "@/zoo/gguf/base-a-q4_0.gguf",
    COPY,
    "related",
    "our Q4_0 vs llama.cpp's Q4_0 (embeddings Q8_0): same weights",
  ),
  p("combo", "~/a-cast-F16", A, SAME, "related", "HF F16 cast", ["dtype-cast"]),
  p("combo", "~/a-cast-F32", A, SAME, "related", "HF F32 of bf16 values: exact"),
  p("combo", "~/s-cast-bf16", S, COPY, "related", "stories260K as HF BF16", ["dtype-cast"]),
  p("combo", "~/a-config-qwen2", A, ["identical"], "related", "config.json lies (Qwen2): tensors identical"),
  p(
    "combo",
    "~/a-config-neox",
    A,
    ["identical"],
    "related",
    "config.json lies (GPT-NeoX, hidden 256): tensors identical",
  ),
  p("combo", "~/a-no-config", A, ["identical"], "related", "no config.json: tensors identical"),
  p(
    "combo",
    "~/s-untied",
    S,
    SAME,
    "related",
    "tied model stored with an explicit head equal to the embedding",
  ),
  p("combo", "~/s-untied-perm", S, COPY, "related", "untied + permuted", ["permuted"]),
  // derived kinds
  p("derived", "~/a-drop2-ft", A, DERIVED, "related", "layer 2 removed + training-like update", [
    "layers-removed",
  ]),
  p("derived", "~/a-dus-noise", A, DERIVED, "related", "depth up-scaling + noise", ["layers-added"]),
  p("derived", "~/a-dus-perm", A, DERIVED, "related", "depth up-scaling + permutation", ["layers-added"]),
  p("derived", "~/s-drop-last/model.bin", S, DERIVED, "related", "stories260K last layer removed + update", [
    "layers-removed",
  ]),
  p("derived", "~/a-prune-mlp", A, DERIVED, "related", "25% of MLP neurons dropped"),
  p("derived", "~/a-prune-mlp-ft", A, DERIVED, "related", "50% of MLP neurons dropped + update"),
  p("derived", "~/s-prune-mlp/model.bin", S, DERIVED, "related", "stories260K MLP pruned 172 → 128"),
  p("derived", "~/merge-sft-cpt", A, DERIVED, "related", "average of two fine-tunes of base-a"),
  p("derived", "~/merge-sft-cpt", "@/zoo/a-sft", DERIVED, "related", "merge vs one of its parents"),
  p(
    "derived",
    "~/merge-sft-cpt",
    B,
    INDEP_SAME,
    "independent",
    "merge of base-a's descendants vs independent base-b",
  ),
  p("derived", "~/sft-ft", A, DERIVED, "related", "fine-tune of a fine-tune vs the base"),
  p("derived", "~/sft-ft", "@/zoo/a-sft", DERIVED, "related", "fine-tune of a fine-tune vs its parent", [
    "fine-tuned",
  ]),
  p("derived", "~/a-ft-big", A, DERIVED, "related", "large low-rank update (rel 0.5)"),
  p("derived", "~/a-vocab-extend.gguf", A, DERIVED, "related", "200 tokens appended", ["vocab-extended"]),
  p(
    "derived",
    "~/a-vocab-reorder.gguf",
    A,
    COPY,
    "related",
    "token ids shuffled, rows follow: same weights",
    ["vocab-reordered"],
  ),
  p("derived", "~/a-vocab-truncate.gguf", A, DERIVED, "related", "last 500 tokens dropped"),
  // independent kinds
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((seed) =>
    p(
      "independent",
      `~/a-reinit-${seed}`,
      A,
      INDEP_SAME,
      "independent",
      "fresh initialisation, same blueprint",
    ),
  ),
  ...[9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((seed) =>
    p(
      "independent",
      `~/s-reinit-${seed}/model.bin`,
      S,
      INDEP_SAME,
      "independent",
      "fresh initialisation of stories260K's blueprint",
    ),
  ),
  p(
    "independent",
    "~/a-perm-Q4_0.gguf",
    B,
    INDEP_SAME,
    "independent",
    "permuted quantized base-a vs independent base-b",
  ),
  p(
    "independent",
    "~/a-rot-noise05",
    B,
    INDEP_SAME,
    "independent",
    "rotated noised base-a vs independent base-b",
  ),
  p("independent", "~/a-rescale-q4", B, INDEP_SAME, "independent", "rescaled base-a vs independent base-b"),
  p("independent", "~/a-fused-perm", B, INDEP_SAME, "independent", "fused permuted base-a vs base-b"),
  p(
    "independent",
    "~/a-dus-perm",
    B,
    INDEP_SAME.concat("unrelated"),
    "independent",
    "up-scaled permuted base-a vs base-b",
  ),
  p("independent", "~/a-prune-mlp", B, INDEP_ANY, "independent", "pruned base-a vs base-b"),
  p(
    "independent",
    A,
    S,
    INDEP_ANY,
    "independent",
    "zoo base-a vs stories260K: other data, tokenizer, widths",
  ),
  p("independent", "@/zoo/neox-c", S, ["unrelated"], "independent", "neox-c vs stories260K"),
  p(
    "independent",
    "@/real/llama2c-independent/llama2xs.bin",
    "~/s-perm-q80/model.bin",
    INDEP_ANY,
    "independent",
    "independent llama2xs vs a permuted stories260K",
  ),
  p(
    "independent",
    "@/real/llama2c-independent/llama2xs.bin",
    "~/s-rot-noise05/model.bin",
    INDEP_ANY,
    "independent",
    "independent llama2xs vs rotated stories260K",
  ),
  // adversarial
  ...[0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 4].map((sigma) =>
    p(
      "adversarial",
      `~/a-noise-${sigma}`,
      A,
      sigma <= 0.5 ? COPY : RELATED,
      "related",
      `noise σ ${sigma}: weights still correlate ${(1 / Math.sqrt(1 + sigma * sigma)).toFixed(2)} with the original over 1.5M values`,
      sigma <= 0.5 ? ["noised"] : undefined,
      TRAINING_TAGS,
    ),
  ),
  ...[0.1, 0.3, 0.5, 0.7, 1].map((sigma) =>
    p(
      "adversarial",
      `~/a-perm-noise-${sigma}`,
      A,
      sigma <= 0.5 ? COPY : RELATED,
      "related",
      `permutation + noise σ ${sigma}`,
      undefined,
      TRAINING_TAGS,
    ),
  ),
  ...[0.3, 1].map((sigma) =>
    p(
      "adversarial",
      `~/a-rot-noise-${sigma}`,
      A,
      sigma <= 0.5 ? COPY : RELATED,
      "related",
      `rotation + noise σ ${sigma}`,
      undefined,
      TRAINING_TAGS,
    ),
  ),
  p(
    "adversarial",
    "~/s-perm-noise-0.5/model.bin",
    S,
    COPY,
    "related",
    "stories260K permuted + noise σ 0.5",
    undefined,
    TRAINING_TAGS,
  ),
  p(
    "adversarial",
    "~/a-noise-mats-0.3",
    A,
    COPY,
    "related",
    "noise σ 0.3 on the layer matrices only",
    ["noised"],
    TRAINING_TAGS,
  ),
  ...[0.3, 1].map((sigma) =>
    p(
      "adversarial",
      `~/s-noise-${sigma}/model.bin`,
      S,
      sigma <= 0.5 ? COPY : RELATED,
      "related",
      `stories260K + noise σ ${sigma}`,
    ),
  ),
  p("adversarial", "~/a-half-b", A, DERIVED, "related", "layers 0-1 and embedding of A (partial reuse)"),
  p("adversarial", "~/a-half-b", B, DERIVED, "related", "layers 2-3 of B (partial reuse)"),
  p("adversarial", "~/b-one-a", A, DERIVED, "related", "one layer of A copied into B"),
  p("adversarial", "~/b-one-a", B, DERIVED, "related", "B with one foreign layer"),
  p(
    "adversarial",
    "~/a-newembed",
    A,
    DERIVED,
    "related",
    "layers copied bit for bit, embedding/head replaced",
  ),
  p("adversarial", "~/b-embed-a", A, DERIVED, "related", "A's embedding/head/final norm, B's layers"),
  p("adversarial", "~/a-vocab-only.gguf", A, [], "error", "no weights: refused with that reason"),
  p("adversarial", "~/a-notok", A, ["identical"], "related", "no tokenizer: rows by id, a warning"),
  p("adversarial", "~/a-perm-notok", A, COPY, "related", "permuted copy without tokenizer", ["permuted"]),
  p("adversarial", "~/s-notok/model.bin", S, ["identical"], "related", "stories260K without its tokenizer"),
  p(
    "adversarial",
    "~/a-nan",
    A,
    [],
    "error",
    "7 non-finite values in one tensor: a one-line error naming the tensor (or a verdict with a warning), never NaN p",
  ),
  p("adversarial", "~/a-nan-embed", A, [], "error", "50 NaN in the embedding: as above"),
];
