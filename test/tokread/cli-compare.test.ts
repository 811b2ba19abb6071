import assert from "node:assert/strict";
import { test } from "node:test";
import { Command, CommanderError } from "commander";
import { registerTokenizerCompare, terminalLines } from "../../src/cli/tokenizer-compare.js";
import { compareVocabularies } from "../../src/tokenizers/compare/compare-vocabularies.js";
import { readVocabulary } from "../../src/tokenizers/read.js";
import { fixture, runLineage } from "../helpers.js";

const lineage = (...args: string[]) => runLineage(args);

/** The command in this process (for parse errors, which happen before anything is printed). */
async function parseInProcess(...args: string[]): Promise<void> {
  const program = new Command("lineage").exitOverride().configureOutput({ writeErr: () => undefined });
  registerTokenizerCompare(program);
  await program.parseAsync(["compare", ...args], { from: "user" });
}

test("end to end: --json prints relation, sharedTokens, sameIdPrefix, explanation; exit 0", async () => {
  const { code, stdout, stderr } = await lineage(
    "tokenizer",
    "compare",
    fixture("zoo", "tokenizers", "T1x.model"),
    fixture("zoo", "base-a"),
    "--json",
  );
  assert.equal(code, 0, stderr);
  const json = JSON.parse(stdout);
  assert.equal(json.relation, "extended");
  assert.equal(json.sharedTokens, 3000);
  assert.equal(json.sameIdPrefix, 3000);
  assert.match(json.explanation, /300 tokens appended/);
  assert.deepEqual(json.extension.base, "b");
  assert.equal(json.b.label, "base-a/tokenizer.model");
  assert.equal(json.merges, null);
});

test("end to end: a missing path exits 1 with one line naming it, nothing on stdout", async () => {
  const missing = await lineage(
    "tokenizer",
    "compare",
    "/nonexistent/tokenizer.model",
    fixture("zoo", "tokenizers", "T1.model"),
  );
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^lineage: error: \/nonexistent\/tokenizer\.model: no such file or folder\n$/);
  assert.equal(missing.stdout, "");
});

test("terminal output names the relation and the evidence at a glance", async () => {
  const c = compareVocabularies(
    await readVocabulary(fixture("zoo", "tokenizers", "T2.model")),
    await readVocabulary(fixture("zoo", "tokenizers", "T1.model")),
  );
  const out = terminalLines(c).join("\n");
  assert.match(out, /relation\s+\S*INDEPENDENT/);
  assert.match(out, /shared\s+\S*1,753 tokens/);
  assert.match(out, /special\s+\S*bos\s+"<s>" #1 \S*=\S* "<s>" #1/);
  assert.match(out, /natural, not lineage/);
});

test("a missing argument is a commander usage error, before any file is read", async () => {
  await assert.rejects(parseInProcess(fixture("zoo", "tokenizers", "T1.model")), (error: unknown) => {
    return (
      error instanceof CommanderError && error.code === "commander.missingArgument" && error.exitCode !== 0
    );
  });
});
