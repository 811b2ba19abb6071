import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "../../src/errors.js";
import { LIVE_FAMILIES, loadLiveTokenCounter } from "../../src/tokenizers/reference/live-counters.js";
import { PROBE_UNITS, RECORDED_REPETITIONS, repeatUnit } from "../../src/tokenizers/reference/probe-units.js";
import {
  familySlopes,
  unitCountFamilies,
  unitCounts,
  unitSlope,
} from "../../src/tokenizers/reference/unit-counts.js";

test("probe units have unique ids and non-empty text", () => {
  const ids = new Set(PROBE_UNITS.map((unit) => unit.id));
  assert.equal(ids.size, PROBE_UNITS.length);
  assert.ok(PROBE_UNITS.length >= 30 && PROBE_UNITS.length <= 60);
  for (const unit of PROBE_UNITS) assert.ok(unit.text.length > 0, unit.id);
  assert.equal(repeatUnit({ id: "t", category: "english", text: "ab", separator: " " }, 3), "ab ab ab");
});

test("the count table covers every unit for every reference family", () => {
  const families = unitCountFamilies();
  for (const family of ["gpt-2", "p50k", "cl100k", "o200k", "llama-2", "llama-3", "qwen2", "gemma-3"]) {
    assert.ok(families.includes(family), family);
  }
  for (const family of families) {
    for (const unit of PROBE_UNITS) {
      const counts = unitCounts(family, unit.id);
      assert.equal(counts.length, RECORDED_REPETITIONS.length);
      assert.ok(unitSlope(family, unit.id) > 0, `${family} ${unit.id}`);
    }
  }
  assert.throws(() => unitCounts("cl100k", "no-such-unit"), /no reference count/);
});

test("slopes are stable from the second repetition on (the probe's regression is linear)", () => {
  for (const family of unitCountFamilies()) {
    for (const unit of PROBE_UNITS) {
      const [, c2, c3, c4] = unitCounts(family, unit.id);
      assert.equal((c3 ?? 0) - (c2 ?? 0), (c4 ?? 0) - (c3 ?? 0), `${family} ${unit.id}`);
    }
  }
});

test("the units separate the big families: slopes differ on several units", () => {
  const pairs: [string, string][] = [
    ["cl100k", "o200k"],
    ["llama-3", "cl100k"],
    ["qwen2", "cl100k"],
    ["llama-2", "mistral-v1"],
    ["gemma", "gemma-3"],
    ["deepseek-v3", "qwen2"],
  ];
  for (const [a, b] of pairs) {
    const sa = familySlopes(a);
    const sb = familySlopes(b);
    const differing = PROBE_UNITS.filter((unit) => sa.get(unit.id) !== sb.get(unit.id)).length;
    assert.ok(differing >= 3, `${a} vs ${b}: ${differing}`);
  }
});

test("live counters reproduce the generated table exactly", async () => {
  assert.deepEqual([...LIVE_FAMILIES].sort(), ["cl100k", "gpt-2", "o200k", "p50k"]);
  for (const family of ["gpt-2", "cl100k"]) {
    const counter = await loadLiveTokenCounter(family);
    for (const unit of PROBE_UNITS) {
      const live = RECORDED_REPETITIONS.map((k) => counter.count(repeatUnit(unit, k)));
      assert.deepEqual(live, unitCounts(family, unit.id), `${family} ${unit.id}`);
    }
  }
  const cl100k = await loadLiveTokenCounter("cl100k");
  assert.equal(cl100k.count("<|endoftext|>"), 7);
  await assert.rejects(loadLiveTokenCounter("llama-9"), UsageError);
});
