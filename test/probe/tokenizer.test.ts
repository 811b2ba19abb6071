import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError, FormatError } from "../../src/errors.js";
import { FailureLog } from "../../src/probe/attempts.js";
import { OpenAiClient } from "../../src/probe/client/openai.js";
import type { ChatClient } from "../../src/probe/client/types.js";
import {
  DEFAULT_KS,
  defaultReferenceTable,
  fullReferenceTable,
} from "../../src/probe/tokenizer/default-table.js";
import { probeTokenizer, rankFamilies } from "../../src/probe/tokenizer/probe.js";
import {
  referenceTableFromCounters,
  referenceTableFromUnitCounts,
} from "../../src/probe/tokenizer/reference.js";
import { fitLine } from "../../src/probe/tokenizer/regression.js";
import { selectUnits } from "../../src/probe/tokenizer/select-units.js";
import type { TokenCounter } from "../../src/tokenizers/counter.js";
import { PROBE_UNITS } from "../../src/tokenizers/reference/probe-units.js";
import { UNIT_COUNTS } from "../../src/tokenizers/reference/unit-counts.generated.js";
import { loadTokenCounter } from "../../src/tokenizers/token-counter.js";
import { fixture } from "../helpers.js";
import { honestBrain } from "./brains.js";
import { allLiveCounters, liveCounter } from "./live.js";
import { startOpenAiServer } from "./servers.js";

const brain = honestBrain("I am a test model.", "我是测试模型。");
const reference = defaultReferenceTable();
const families = Object.keys(UNIT_COUNTS);
const LIVE_COUNTERS = await allLiveCounters();

async function probeServerWith(counter: TokenCounter, overhead: number) {
  const server = await startOpenAiServer({ counter, brain, overhead, perMessage: 3 });
  try {
    const client = new OpenAiClient({ baseUrl: server.url, model: "m", timeoutMs: 2000, retries: 1 });
    return await probeTokenizer(client, new FailureLog(), reference.table, reference.inseparable);
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

describe("reference table", () => {
  it("tokenc's generated counts equal what the live counters give for the same texts", () => {
    const live = referenceTableFromCounters(LIVE_COUNTERS, PROBE_UNITS, DEFAULT_KS);
    const full = fullReferenceTable();
    for (const counter of LIVE_COUNTERS)
      assert.deepEqual(live.counts[counter.family], full.counts[counter.family]);
  });

  it("rejects a table without the asked repetition count, accepts the real one", () => {
    const truncated = { fam: { origin: "test", counts: { [PROBE_UNITS[0]!.id]: [1, 2] } } };
    assert.throws(() => referenceTableFromUnitCounts(truncated, [PROBE_UNITS[0]!], [2, 3]), FormatError);
    assert.equal(
      referenceTableFromUnitCounts(truncated, [PROBE_UNITS[0]!], [1, 2]).counts.fam?.[PROBE_UNITS[0]!.id]
        ?.length,
      2,
    );
  });

  it("selects few units that still separate every separable pair of the reference families", () => {
    assert.equal(families.length >= 14, true);
    assert.ok(reference.table.units.length <= 20 && reference.table.units.length < PROBE_UNITS.length);
    const full = fullReferenceTable();
    const growth = (table: typeof full, family: string, unit: string) => {
      const row = table.counts[family]![unit]!;
      return row.map((n) => n - row[0]!).join(",");
    };
    for (const a of families) {
      for (const b of families) {
        if (a >= b) continue;
        const separable = full.units.some((u) => growth(full, a, u.id) !== growth(full, b, u.id));
        const separated = reference.table.units.filter(
          (u) => growth(full, a, u.id) !== growth(full, b, u.id),
        ).length;
        if (separable) assert.ok(separated >= 1, `${a} vs ${b}`);
        else assert.ok(reference.inseparable.some(([x, y]) => x === a && y === b));
      }
    }
    assert.equal(selectUnits(full, 2).table.units.length, 2, "the cap is respected");
  });
});

describe("tokenizer probe through usage counts", () => {
  for (const counter of LIVE_COUNTERS) {
    it(`names ${counter.family} among all ${families.length} reference families behind a server counting with it`, async () => {
      const report = await probeServerWith(counter, 11);
      assert.equal(report.best, counter.family);
      assert.deepEqual(report.tiedWith, []);
      assert.equal(report.consistent, true);
      assert.equal(report.candidates.length, families.length);
      assert.equal(report.candidates[0]!.agreement, 1);
      assert.ok(report.candidates.slice(1).every((c) => c.agreement < 1));
      assert.equal(report.requests, reference.table.units.length * DEFAULT_KS.length);
    });
  }

  for (const [file, family, twin] of [
    ["llama-spm.gguf", "llama-2", "phi-3"],
    ["gpt-neox.gguf", "gpt-neox", undefined],
  ] as const) {
    it(`names ${family} behind a server counting with the real ${file} tokenizer (our encoder)`, async () => {
      const report = await probeServerWith(await loadTokenCounter(fixture("vocab", file)), 9);
      assert.equal(report.best, family);
      assert.deepEqual(report.tiedWith, twin === undefined ? [] : [twin]);
      if (twin !== undefined)
        assert.match(report.notes.join(" "), new RegExp(`${family} and ${twin} give identical counts`));
      assert.equal(report.candidates[0]!.agreement, 1);
    });
  }

  it("names no family when failures left only units on which two separable families agree", async () => {
    const o200k = await liveCounter("o200k");
    const full = fullReferenceTable();
    const same = (unit: string) =>
      JSON.stringify(full.counts.o200k![unit]) === JSON.stringify(full.counts["mistral-tekken"]![unit]);
    const kept = new Set(
      reference.table.units
        .filter((u) => same(u.id))
        .map((u) => u.id)
        .slice(0, 3),
    );
    assert.equal(kept.size, 3, "three selected units on which o200k and mistral-tekken agree");
    // An in-process client: o200k counts for the kept units, an ApiError (as after exhausted retries) for the rest.
    const stats = { requests: 0, answers: 0, cacheHits: 0, retries: 0, failures: 0, notSent: 0 };
    const client: ChatClient = {
      kind: "openai",
      stats,
      async chat(request) {
        stats.requests++;
        const unit = request.label.split(" ")[1]!;
        if (!kept.has(unit)) throw new ApiError(`HTTP 500 for '${request.label}'`, { status: 500 });
        const content = request.messages[0]!.content;
        const usage = {
          promptTokens: 10 + o200k.count(content),
          completionTokens: 1,
          totalTokens: undefined,
          extraKeys: [],
        };
        return {
          id: "x",
          model: "m",
          object: undefined,
          systemFingerprint: undefined,
          choices: [],
          usage,
          extraKeys: [],
          streamChunks: undefined,
          fromCache: false,
        };
      },
    };
    const report = await probeTokenizer(client, new FailureLog(), reference.table, reference.inseparable);
    assert.equal(report.best, null);
    assert.ok(report.tiedWith.length > 0);
    assert.match(report.notes.join(" "), /match the measured units equally/);
  });

  it("names no family when usage is inflated by a factor (not a plain token count)", async () => {
    const cl100k = await liveCounter("cl100k");
    const inflated: TokenCounter = {
      family: "inflated",
      count: (text) => Math.ceil(cl100k.count(text) * 1.5),
    };
    const report = await probeServerWith(inflated, 5);
    assert.equal(report.best, null);
    assert.match(report.notes.join(" "), /no reference family matches/);
  });

  it("ranks each of the reference families first when the usage counts are that family's own plus an overhead", () => {
    for (const family of families) {
      const observations = reference.table.units.map((unit) => ({
        unit: unit.id,
        kind: unit.category,
        promptTokens: reference.table.counts[family]![unit.id]!.map((n) => n + 13),
        slope: 1,
        r2: 1,
      }));
      const [top, second] = rankFamilies(reference.table, observations);
      const twin = reference.inseparable.find(([a, b]) => a === family || b === family);
      assert.equal(top!.agreement, 1, family);
      if (twin === undefined) {
        assert.equal(top!.family, family);
        assert.ok(second!.agreement < 1, `${family} is separated from ${second!.family}`);
      } else {
        assert.ok(twin.includes(top!.family) && second!.agreement === 1 && twin.includes(second!.family));
      }
    }
  });

  it("compares nothing when the API sends no usage", () => {
    const observations = reference.table.units.map((unit) => ({
      unit: unit.id,
      kind: unit.category,
      promptTokens: [],
      slope: undefined,
      r2: undefined,
    }));
    const ranked = rankFamilies(reference.table, observations);
    assert.ok(ranked.every((c) => c.comparedUnits === 0 && c.agreement === 0));
  });
});
