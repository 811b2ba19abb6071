import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FailureLog } from "../../src/probe/attempts.js";
import { OpenAiClient } from "../../src/probe/client/openai.js";
import { judge, probeTranslation } from "../../src/probe/translation/probe.js";
import { type Brain, honestBrain, translationWrapper } from "./brains.js";
import { liveCounter } from "./live.js";
import { startOpenAiServer } from "./servers.js";

async function probeBrain(brain: Brain) {
  const server = await startOpenAiServer({ counter: await liveCounter("o200k"), brain });
  try {
    const client = new OpenAiClient({ baseUrl: server.url, model: "m", timeoutMs: 2000, retries: 1 });
    return await probeTranslation(client, new FailureLog());
  } finally {
    await server.close();
  }
}

describe("hidden translation layer", () => {
  it("is not suspected for a model that reads Chinese itself", async () => {
    const report = await probeBrain(honestBrain("I am Qwen.", "我是通义千问。"));
    assert.equal(report.suspected, false);
    assert.match(report.verdict, /^not consistent with a translation layer/);
    assert.equal(report.surfacePassed, report.pairs.length);
    assert.equal(report.evidence.length, 0);
  });

  it("is suspected for a ZH→EN→ZH wrapper, quoting the telling answers", async () => {
    const report = await probeBrain(translationWrapper("I am Claude, made by Anthropic."));
    assert.equal(report.suspected, true);
    assert.match(report.verdict, /^consistent with a translation layer/);
    assert.equal(report.controlPassed, report.pairs.length);
    const echo = report.evidence.find((line) => line.startsWith("echo-typo"));
    assert.ok(echo?.includes("我们今天在公园里玩得很开心"), "the typo-corrected echo is quoted");
    assert.ok(report.evidence.some((line) => line.startsWith("idiom")));
  });

  it("calls it inconclusive when the controls fail too (a weak model)", () => {
    const pair = {
      category: "echo" as const,
      prompt: "p",
      expected: "e",
      answer: "x",
      passed: false,
      controlAnswer: "y",
      controlPassed: false,
      answeredInEnglish: false,
    };
    const report = judge(["a", "b", "c", "d"].map((id) => ({ ...pair, id })));
    assert.equal(report.suspected, false);
    assert.match(report.verdict, /^inconclusive/);
  });
});
