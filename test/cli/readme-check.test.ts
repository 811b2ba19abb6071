/** The README checker's own rules: segments, wildcard, and the only tolerated differences. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { difference, findSegments, needsShared, normalise, splitArgs } from "../../scripts/check-readme.js";

describe("README checker", () => {
  it("finds `$ lineage` commands and their output inside fenced blocks only", () => {
    const lines = [
      "$ lineage inspect outside",
      "```",
      "$ lineage inspect a",
      "out a",
      '$ lineage tokenizer count "车水 马龙" --tokenizer x',
      "7 tokens",
      "$ ls",
      "not checked",
      "```",
    ];
    const segments = findSegments(lines);
    assert.deepEqual(
      segments.map((s) => [s.args, s.start, s.end]),
      [
        [["inspect", "a"], 3, 4],
        [["tokenizer", "count", "车水 马龙", "--tokenizer", "x"], 5, 6],
      ],
    );
    assert.deepEqual(splitArgs(`add x --notes "seed 1, 500 steps"`), [
      "add",
      "x",
      "--notes",
      "seed 1, 500 steps",
    ]);
  });

  it("without ../shared, skips the commands naming it and the library commands of their block", () => {
    const lines = [
      "```",
      "$ lineage library add fixtures/zoo/base-a",
      "added",
      "```",
      "```",
      "$ lineage library add ../shared/zoo/neox-c",
      "added",
      "$ lineage inspect fixtures/zoo/b-yi",
      "b-yi",
      "$ lineage library list",
      "NAME",
      "```",
    ];
    const segments = findSegments(lines);
    assert.deepEqual(
      segments.map((s) => s.block),
      [0, 4, 4, 4],
    );
    assert.deepEqual(
      [...needsShared(segments)].map((s) => s.args.join(" ")),
      ["library add ../shared/zoo/neox-c", "library list"],
    );
  });

  it("tolerates timings, dates and the repo's location, nothing else", () => {
    assert.equal(normalise("1.59 s, 4.5 MB read"), "<seconds> s, 4.5 MB read");
    assert.equal(normalise("base-a  llama  2026-11-28"), "base-a  llama  <date>");
    assert.equal(difference(["1.59 s, 4.5 MB read"], ["2.01 s, 4.5 MB read"]), undefined);
    assert.match(difference(["1.59 s, 4.5 MB read"], ["1.59 s, 4.6 MB read"]) ?? "", /line 1/);
    assert.match(difference(["p 3.18e-1"], ["p 0.32"]) ?? "", /README "p 3.18e-1", actual "p 0.32"/);
  });

  it("`…` stands for any lines between a matching head and tail", () => {
    assert.equal(difference(["a", "…", "z"], ["a", "b", "c", "z"]), undefined);
    assert.match(difference(["a", "…", "z"], ["a", "b", "y"]) ?? "", /from the end/);
    assert.match(difference(["a", "b"], ["a"]) ?? "", /line 2/);
    assert.match(difference(["a"], ["a", "extra"]) ?? "", /line 2/);
  });
});
