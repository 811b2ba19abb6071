import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { computeBaseRate, IDENTITY_BASE_RATE } from "../../src/probe/identity/base-rate.js";
import { normaliseIdentity, primaryClaim } from "../../src/probe/identity/normalise.js";
import { fixture, shared, skipUnlessShared } from "../helpers.js";

function readAnswers(path: string): { llm: string; output: string[] }[] {
  return (JSON.parse(readFileSync(path, "utf8")) as { results: { llm: string; output: string[] }[] }).results;
}

const truth = (
  JSON.parse(readFileSync(fixture("identity", "creator-truth.json"), "utf8")) as {
    models: Record<string, string[]>;
  }
).models;

describe("identity normaliser", () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ["I am ChatGPT, a large language model trained by OpenAI.", "OpenAI", "GPT"],
    ["我是通义千问，由阿里云开发的超大规模语言模型。", "Alibaba", "Qwen"],
    ["我是文心一言，百度研发的知识增强大语言模型。", "Baidu", "ERNIE"],
    ["我是讯飞星火认知大模型。", "iFlytek", "Spark"],
    ["我是智谱清言，基于GLM-4。", "Zhipu", "GLM"],
    ["I'm Kimi, an AI assistant by Moonshot AI.", "Moonshot", "Kimi"],
    ["我是零一万物开发的Yi-34B。", "01.AI", "Yi"],
    ["我是百川智能的Baichuan大模型", "Baichuan", undefined],
    ["我是豆包，字节跳动开发的AI。", "ByteDance", "Doubao"],
    ["我是腾讯混元大模型", "Tencent", "Hunyuan"],
    ["Je suis Claude, créé par Anthropic.", "Anthropic", "Claude"],
    ["Ich bin Gemma, ein offenes Modell von Google DeepMind.", "Google", "Gemma"],
    ["I am Llama 3, developed by Meta AI.", "Meta", "Llama"],
    ["I'm Grok, built by xAI.", "xAI", "Grok"],
    ["Microsoft", "Microsoft", undefined],
    ["Amazon Nova", "Amazon", "Nova"],
    ["I am DeepSeek-V3, made by DeepSeek.", "DeepSeek", undefined],
    ["Mistral AI", "Mistral", undefined],
    ["MiniMax", "MiniMax", undefined],
    ["Humans", undefined, undefined],
    ["FlowGPT", undefined, undefined],
  ];
  for (const [answer, vendor, family] of cases) {
    it(`reads ${JSON.stringify(answer)} as ${vendor ?? "no vendor"}`, () => {
      const claim = primaryClaim(answer);
      assert.equal(claim?.vendor, vendor);
      assert.equal(claim?.family, family);
    });
  }

  it("does not count negated mentions, and lists several vendors in order", () => {
    assert.deepEqual(
      normaliseIdentity("I am not ChatGPT; I am Claude, made by Anthropic.").map((c) => c.vendor),
      ["Anthropic"],
    );
    assert.deepEqual(
      normaliseIdentity("我不是通义千问，我是文心一言。").map((c) => c.vendor),
      ["Baidu"],
    );
    assert.deepEqual(
      normaliseIdentity("I am based on GPT-4 by OpenAI and fine-tuned by Baidu.").map((c) => c.vendor),
      ["OpenAI", "Baidu"],
    );
  });
});

describe("base rate of misnamed makers (43 real models)", () => {
  it("the constant in the source equals what the committed fixture gives", () => {
    const computed = computeBaseRate(
      readAnswers(fixture("identity", "creator.json")),
      truth,
      IDENTITY_BASE_RATE.source,
    );
    assert.deepEqual(computed, IDENTITY_BASE_RATE);
    assert.ok(computed.examples.includes("deepseek-V3: OpenAI 10/10"));
  });

  it("every honest model whose answers name its maker is read as that maker", () => {
    for (const model of readAnswers(fixture("identity", "creator.json"))) {
      const claims = model.output.map((answer) => primaryClaim(answer)?.vendor);
      if (
        ["claude-3-opus", "gpt-4o", "minimax-01", "command-r7b-12-2024", "qwq-32b-preview"].includes(
          model.llm,
        )
      ) {
        const right = claims.filter((vendor) => truth[model.llm]?.includes(vendor ?? "")).length;
        assert.ok(right >= 7, `${model.llm}: ${right}/10`);
      }
    }
  });

  it("the shared copy matches the fixture", skipUnlessShared("real", "identity", "creator"), () => {
    const path = shared("real", "identity", "creator", "output_queries.json")!;
    assert.deepEqual(readAnswers(path), readAnswers(fixture("identity", "creator.json")));
  });
});
