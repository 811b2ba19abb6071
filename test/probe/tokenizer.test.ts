import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FailureLog } from "../../src/probe/attempts.js";
import { OpenAiClient } from "../../src/probe/client/openai.js";
import { probeTokenizer, rankFamilies } from "../../src/probe/tokenizer/probe.js";
import { referenceTableFromCounters } from "../../src/probe/tokenizer/reference.js";
import { fitLine } from "../../src/probe/tokenizer/regression.js";
import { TIKTOKEN_COUNTERS as GPT_COUNTERS } from "../../src/probe/tokenizer/tiktoken-counters.js";
import { DEFAULT_KS, DEFAULT_UNITS } from "../../src/probe/tokenizer/units.js";
import type { TokenCounter } from "../../src/tokenizers/counter.js";
import { honestBrain } from "./brains.js";
import { startOpenAiServer } from "./servers.js";

const brain = honestBrain("I am a test model.", "我是测试模型。");
const table = referenceTableFromCounters(GPT_COUNTERS, DEFAULT_UNITS, DEFAULT_KS);

async function probeServerWith(counter: TokenCounter, overhead: number) {
  const server = await startOpenAiServer({ counter, brain, overhead, perMessage: 3 });
  try {
    const client = new OpenAiClient({ baseUrl: server.url, model: "m", timeoutMs: 2000, retries: 1 });
    return await probeTokenizer(client, new FailureLog(), table);
  } finally {
    await server.close();
  }
}

describe("line fit", () => {
  it("recovers slope and intercept exactly and scores R²", () => {
    assert.deepEqual(fitLine([1, 2, 4], [15, 20, 30]), { slope: 5, intercept: 10, r2: 1 });
    const noisy = fitLine([1, 2, 3, 4], [1, 3, 2, 5]);
    assert.ok(noisy.r2 < 0.9 && noisy.r2 > 0);
    assert.throws(() => fitLine([2, 2], [1, 3]), RangeError);
  });
});

describe("tokenizer probe through usage counts", () => {
  it("the default units separate every pair of reference families", () => {
    const families = Object.keys(table.counts);
    for (const a of families) {
      for (const b of families) {
        if (a >= b) continue;
        const differs = DEFAULT_UNITS.some(
          (unit) => JSON.stringify(table.counts[a]![unit.id]) !== JSON.stringify(table.counts[b]![unit.id]),
        );
        assert.ok(differs, `${a} and ${b} look the same on every unit`);
      }
    }
  });

  for (const counter of GPT_COUNTERS) {
    it(`names ${counter.family} behind a server that counts with ${counter.family}`, async () => {
      const report = await probeServerWith(counter, 11);
      assert.equal(report.best, counter.family);
      assert.deepEqual(report.tiedWith, []);
      assert.equal(report.consistent, true);
      const top = report.candidates[0]!;
      assert.equal(top.agreement, 1);
      assert.ok(report.candidates.slice(1).every((c) => c.agreement < 1));
      assert.equal(report.requests, DEFAULT_UNITS.length * DEFAULT_KS.length);
      assert.equal(report.candidates.length, GPT_COUNTERS.length);
    });
  }

  it("names no family when usage is inflated by a factor (not a plain token count)", async () => {
    const inflated: TokenCounter = {
      family: "inflated",
      count: (text) => Math.ceil(GPT_COUNTERS[0]!.count(text) * 1.5),
    };
    const report = await probeServerWith(inflated, 5);
    assert.equal(report.best, undefined);
    assert.match(report.notes.join(" "), /no reference family matches/);
  });

  it("names no family and says why when the API sends no usage", () => {
    const observations = DEFAULT_UNITS.map((unit) => ({
      unit: unit.id,
      kind: unit.kind,
      promptTokens: [],
      slope: undefined,
      r2: undefined,
    }));
    const ranked = rankFamilies(table, observations);
    assert.ok(ranked.every((c) => c.comparedUnits === 0 && c.agreement === 0));
  });
});
