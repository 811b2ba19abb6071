/**
 * A config that says "tied" beside a stored LM head: what is stored is what runs. The canonical view
 * exposes the stored head, counts it as separate and says so; sampled rows tell a differing head from a
 * stored copy. ../shared/cases/hf-tied-embeddings holds the case and its controls.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { openCanonicalModel } from "../../src/naming/open.js";
import { compareStoredHead } from "../../src/naming/tied-head.js";
import { buildInspectReport } from "../../src/report/inspect-report.js";
import { shared, skipUnlessShared } from "../helpers.js";

const CASE = ["cases", "hf-tied-embeddings"] as const;

async function look(folder: string) {
  const model = await openCanonicalModel(shared(...CASE, folder)!);
  try {
    const report = await buildInspectReport(model);
    return {
      tie: model.architecture.tieWordEmbeddings,
      head: model.get("lm_head")?.source.name,
      stored: await compareStoredHead(model),
      notes: report.notes.join("\n"),
    };
  } finally {
    await model.close();
  }
}

test(
  "tied config beside a differing stored head: the stored head is read, counted as separate, and reported",
  skipUnlessShared(...CASE),
  async () => {
    const r = await look("tied-config-different-head");
    assert.equal(r.head, "lm_head.weight");
    assert.equal(r.tie, false);
    assert.equal(r.stored.kind, "differs");
    assert.match(r.notes, /says the embeddings are tied, but a separate LM head tensor is stored/);
    assert.match(r.notes, /stored LM head differs from the embedding .*tie_word_embeddings is not what runs/);
  },
);

test(
  "the controls: a stored copy equal to the embedding, a tied model without a head, untied models",
  skipUnlessShared(...CASE),
  async () => {
    const copy = await look("tied-config-with-head");
    assert.equal(copy.stored.kind, "equal");
    assert.match(copy.notes, /equals the embedding/);
    const ok = await look("tied-ok");
    assert.deepEqual([ok.tie, ok.head, ok.stored.kind], [true, undefined, "none"]);
    assert.doesNotMatch(ok.notes, /LM head/);
    const explicit = await look("untied-explicit-copy");
    assert.deepEqual([explicit.tie, explicit.stored.kind], [false, "equal"]);
    assert.doesNotMatch(explicit.notes, /says the embeddings are tied/);
    const noHead = await look("untied-config-no-head");
    assert.deepEqual([noHead.tie, noHead.head], [false, undefined]);
    assert.match(noHead.notes, /not tied but there is no separate LM head tensor/);
  },
);
