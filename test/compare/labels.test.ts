/**
 * Every labelled pair of ../shared (zoo and real labels.json, the compare cases of cases/README.md) is a
 * test: the verdict must be the label's (or one it also accepts), and the p-value must agree with it
 * (shared weights ≤ 1e-6, independent ≥ 1e-3). Pairs marked pending are `todo`. Skipped without ../shared (the committed zoo subset runs in zoo.test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { isIndependent, labelledPairs } from "../../scripts/eval-pairs.js";
import { compareModels } from "../../src/compare/compare-models.js";
import { fixture, repoRoot, shared } from "../helpers.js";

const root = shared();
const { pairs } = root === undefined ? { pairs: [] } : labelledPairs(root, join(repoRoot, "fixtures"));

test("labelled pairs are present", { skip: root === undefined ? "../shared is not present" : false }, () => {
  assert.ok(pairs.length >= 40, `${pairs.length} pairs`);
  assert.ok(fixture("zoo"));
});

for (const pair of pairs) {
  const name = `${pair.set}: ${pair.suspect} vs ${pair.reference} → ${pair.verdict}`;
  test(name, pair.pending === undefined ? {} : { todo: pair.pending }, async () => {
    const result = await compareModels(pair.suspectPath, pair.referencePath);
    assert.ok(
      result.verdict === pair.verdict || pair.alsoAccept.includes(result.verdict),
      `got ${result.verdict} [${result.tags}] p=1e${result.pValueLog10?.toFixed(1)}: ${result.summary[0]}`,
    );
    if (isIndependent(pair))
      assert.ok(
        (result.pValueLog10 ?? Number.NaN) >= -3,
        `independent pair with p = 1e${result.pValueLog10}`,
      );
    else if (result.verdict !== "inconclusive")
      assert.ok((result.pValueLog10 ?? Number.NaN) <= -6, `related pair with p = 1e${result.pValueLog10}`);
    for (const sentence of result.summary) assert.doesNotMatch(sentence, /\(\)|\[\]|undefined|NaN/);
  });
}
