import assert from "node:assert/strict";
import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hubRelationOf } from "../../src/compare/declared-agreement.js";
import { fixture, runLineage } from "../helpers.js";

test("the measured relation in the Hub's vocabulary", () => {
  assert.equal(hubRelationOf({ verdict: "derived", tags: ["fine-tuned"] }), "finetune");
  assert.equal(hubRelationOf({ verdict: "derived", tags: ["merged"] }), "merge");
  assert.equal(hubRelationOf({ verdict: "same-weights", tags: ["quantized"] }), "quantized");
  assert.equal(hubRelationOf({ verdict: "same-weights", tags: ["dtype-cast"] }), "quantized");
  assert.equal(hubRelationOf({ verdict: "same-weights", tags: ["permuted", "noised"] }), null);
  for (const verdict of ["identical", "inconclusive", "architecture-only", "unrelated"] as const) {
    assert.equal(hubRelationOf({ verdict, tags: [] }), null);
  }
});

/** A copy of a zoo model whose model card declares `base`. */
async function declaring(model: string, base: string, relation?: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "lineage-agree-")), model);
  await cp(fixture("zoo", model), dir, { recursive: true });
  const extra = relation === undefined ? "" : `base_model_relation: ${relation}\n`;
  await writeFile(join(dir, "README.md"), `---\nbase_model: ${base}\n${extra}---\n# ${model}\n`);
  return dir;
}

interface Json {
  verdict: string;
  hubRelation: string | null;
  declared: { agreement: string; statement: string };
  summary: string[];
}

async function compare(suspect: string, reference: string): Promise<Json> {
  const run = await runLineage(["compare", suspect, reference, "--json", "--quiet"]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as Json;
}

test("compare checks what the models declare: a true base agrees, a false one is contradicted, a silent copy is undeclared", async () => {
  const [honest, false_, silent] = await Promise.all([
    compare(await declaring("a-sft", "zoo-org/base-a", "finetune"), fixture("zoo", "base-a")),
    compare(await declaring("b-yi", "zoo-org/base-a", "finetune"), fixture("zoo", "base-a")),
    compare(fixture("zoo", "a-sft"), fixture("zoo", "base-a")),
  ]);
  assert.equal(honest.verdict, "derived");
  assert.equal(honest.hubRelation, "finetune");
  assert.equal(honest.declared.agreement, "agrees");
  assert.ok(honest.summary.includes(honest.declared.statement));
  assert.equal(false_.verdict, "architecture-only");
  assert.equal(false_.hubRelation, null);
  assert.equal(false_.declared.agreement, "contradicted");
  assert.match(
    false_.declared.statement,
    /names the reference as its base, but the weights show no sign of being shared with it/,
  );
  assert.equal(silent.declared.agreement, "undeclared");
  assert.match(silent.declared.statement, /base_model: base-a, base_model_relation: finetune/);
});

interface CardJson extends Json {
  direction: { earlier: string } | null;
  declared: Json["declared"] & {
    card?: { model: string; base_model: string; base_model_relation: string; conditional: boolean };
  };
}

test("the suggested card lines follow the report's own direction: the later model's card, or conditional lines when no direction was found", async () => {
  const [quantized, reversed, undirected] = (await Promise.all([
    compare(fixture("zoo", "gguf", "base-a-q4_0.gguf"), fixture("zoo", "base-a")),
    compare(fixture("zoo", "base-a"), fixture("zoo", "gguf", "base-a-q4_0.gguf")),
    compare(fixture("zoo", "base-a"), fixture("zoo", "a-sft")),
  ])) as [CardJson, CardJson, CardJson];
  // The quantized file came later, whichever side it is given on.
  assert.equal(quantized.direction?.earlier, "reference");
  assert.deepEqual(quantized.declared.card, {
    model: "suspect",
    base_model: "base-a",
    base_model_relation: "quantized",
    conditional: false,
  });
  assert.match(
    quantized.declared.statement,
    /in base-a-q4_0\.gguf's model card: base_model: base-a, base_model_relation: quantized/,
  );
  assert.equal(reversed.direction?.earlier, "suspect");
  assert.deepEqual(reversed.declared.card, {
    model: "reference",
    base_model: "base-a",
    base_model_relation: "quantized",
    conditional: false,
  });
  assert.match(
    reversed.declared.statement,
    /in base-a-q4_0\.gguf's model card: base_model: base-a, base_model_relation: quantized/,
  );
  assert.doesNotMatch(reversed.declared.statement, /base_model: base-a-q4_0/);
  // No direction: never a bare base_model line for either model.
  assert.equal(undirected.direction, null);
  assert.equal(undirected.declared.card?.conditional, true);
  assert.match(
    undirected.declared.statement,
    /if base-a was made from a-sft, its model card would say: base_model: a-sft, base_model_relation: finetune; the weights do not show which came first/,
  );
  assert.doesNotMatch(undirected.declared.statement, /\(in [^ ]+ model card/);
});

test("a declared base that the evidence of direction contradicts is said so", async () => {
  const result = await compare(
    await declaring("base-a", "base-a-q4_0.gguf", "quantized"),
    fixture("zoo", "gguf", "base-a-q4_0.gguf"),
  );
  assert.equal(result.declared.agreement, "agrees");
  assert.match(
    result.declared.statement,
    /The suspect names the reference as its base, and the weights agree; but only base-a-q4_0\.gguf's weights lie on a quantization grid, which points to base-a as the earlier model\./,
  );
});
