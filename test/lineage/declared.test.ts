import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { gguf, writeGguf } from "../../src/formats/gguf/writer.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { declaredLineage, parseFrontMatter, repoIdFromUrl } from "../../src/lineage/declared-lineage.js";
import { fixture, runLineage } from "../helpers.js";

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "lineage-declared-")), "model");
  await cp(fixture("zoo", "base-a"), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

async function declared(dir: string) {
  const source = await openModelSource(dir);
  try {
    return await declaredLineage(source);
  } finally {
    await source.store.close();
  }
}

test("front matter: base_model as a string or a list, base_model_relation; malformed or absent YAML gives nothing", () => {
  assert.deepEqual(parseFrontMatter("---\nbase_model: org/a\nbase_model_relation: quantized\n---\n# card"), {
    base_model: "org/a",
    base_model_relation: "quantized",
  });
  assert.deepEqual(parseFrontMatter("---\r\nbase_model:\r\n- org/a\r\n- org/b\r\n---\r\n")?.base_model, [
    "org/a",
    "org/b",
  ]);
  assert.equal(parseFrontMatter("# no front matter\nbase_model: x"), undefined);
  assert.equal(parseFrontMatter("---\nbase_model: [unclosed\n---\n"), undefined);
  // An alias bomb is refused by the YAML parser's alias cap instead of expanding.
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 12; i++)
    bomb.push(
      `${"b".repeat(i)}: &${"b".repeat(i)} [${Array(9)
        .fill(i === 1 ? "*a" : `*${"b".repeat(i - 1)}`)
        .join(", ")}]`,
    );
  assert.equal(parseFrontMatter(`---\n${bomb.join("\n")}\n---\n`), undefined);
  assert.equal(repoIdFromUrl("https://huggingface.co/meta-llama/Llama-3.1-8B"), "meta-llama/Llama-3.1-8B");
});

test("a model card's declaration wins; the relation is inferred as the Hub infers it when not written", async () => {
  const finetune = await declared(
    await folderWith({
      "README.md": "---\nbase_model: meta-llama/Llama-2-7b-hf\nbase_model_relation: finetune\n---\n",
    }),
  );
  assert.deepEqual(
    { baseModels: finetune.baseModels, relation: finetune.relation, source: finetune.source },
    { baseModels: ["meta-llama/Llama-2-7b-hf"], relation: "finetune", source: "README.md front matter" },
  );
  const merge = await declared(
    await folderWith({ "README.md": "---\nbase_model:\n  - org/a\n  - org/b\n---\n" }),
  );
  assert.deepEqual([merge.relation, merge.statements[0]?.relationInferred], ["merge", true]);
  const adapter = await declared(
    await folderWith({
      "adapter_config.json": JSON.stringify({ base_model_name_or_path: "Qwen/Qwen2-7B", peft_type: "LORA" }),
    }),
  );
  assert.deepEqual(
    [adapter.baseModels, adapter.relation, adapter.source],
    [["Qwen/Qwen2-7B"], "adapter", "adapter_config.json"],
  );
  const none = await declared(fixture("zoo", "base-a"));
  assert.deepEqual([none.baseModels, none.relation, none.source], [[], undefined, undefined]);
});

test("config.json _name_or_path is a weak statement, used only when nothing stronger is written", async () => {
  const config = JSON.parse(await readFile(fixture("zoo", "base-a", "config.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const dir = await folderWith({
    "config.json": JSON.stringify({ ...config, _name_or_path: "mistralai/Mistral-7B-v0.1" }),
  });
  const weak = await declared(dir);
  assert.deepEqual(
    [weak.baseModels, weak.source, weak.statements[0]?.weak],
    [["mistralai/Mistral-7B-v0.1"], "config.json _name_or_path", true],
  );
  await writeFile(join(dir, "README.md"), "---\nbase_model: org/real-base\n---\n");
  const strong = await declared(dir);
  assert.deepEqual([strong.baseModels, strong.statements.length], [["org/real-base"], 2]);
});

test("GGUF general.base_model.N and general.source: finetune/merge of the bases, quantized copy of the source", async () => {
  const path = join(await mkdtemp(join(tmpdir(), "lineage-declared-gguf-")), "m.gguf");
  await writeGguf(path, {
    metadata: [
      ["general.architecture", gguf.str("llama")],
      ["general.name", gguf.str("Tiny Chat")],
      ["general.finetune", gguf.str("Chat")],
      ["general.base_model.count", gguf.u32(1)],
      ["general.base_model.0.name", gguf.str("Tiny Base")],
      ["general.base_model.0.organization", gguf.str("Org")],
      ["general.base_model.0.repo_url", gguf.str("https://huggingface.co/org/tiny-base")],
      ["general.source.huggingface.repository", gguf.str("org/tiny-chat")],
    ],
  });
  const result = await declared(path);
  assert.deepEqual(
    result.statements.map((s) => [s.source, s.baseModels, s.relation]),
    [
      ["GGUF general.base_model", ["org/tiny-base"], "finetune"],
      ["GGUF general.source", ["org/tiny-chat"], "quantized"],
    ],
  );
  const run = await runLineage(["inspect", path, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as {
    declared: { baseModels: string[]; relation: string; source: string };
  };
  assert.deepEqual(
    [report.declared.baseModels, report.declared.relation, report.declared.source],
    [["org/tiny-base"], "finetune", "GGUF general.base_model"],
  );
});
