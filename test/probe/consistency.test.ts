/** Declared family, self-identification and tokenizer evidence: contradictions only where the table knows. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OllamaModelInfo } from "../../src/probe/client/ollama.js";
import { checkConsistency } from "../../src/probe/consistency.js";
import { IDENTITY_BASE_RATE } from "../../src/probe/identity/base-rate.js";
import type { IdentityReport } from "../../src/probe/identity/probe.js";
import type { TokenizerReport } from "../../src/probe/tokenizer/probe.js";

const declared = (family: string): OllamaModelInfo => ({
  family,
  families: [family],
  architecture: family,
  baseName: undefined,
  parentModel: undefined,
  parameterSize: undefined,
  quantization: undefined,
  template: undefined,
  listed: true,
});

const claims = (vendor: string, family: string | null, count: number, answers = 10): IdentityReport => ({
  claims: [{ vendor, family, count }],
  answers,
  answersWithoutClaim: answers - count,
  failedRequests: 0,
  notSent: 0,
  transcript: [],
  baseRate: IDENTITY_BASE_RATE,
});

const counts = (best: string | null, tiedWith: string[] = []): TokenizerReport => ({
  best,
  tiedWith,
  candidates: [],
  requests: 27,
  queries: 27,
  consistent: true,
  ks: [2, 3, 4],
  observations: [],
  notes: [],
});

describe("checkConsistency", () => {
  it("agreeing sources are consistent; a single source is not enough", () => {
    assert.equal(
      checkConsistency(declared("qwen2"), claims("Alibaba", "Qwen", 9), counts("qwen2")).status,
      "consistent",
    );
    assert.equal(checkConsistency(null, null, counts("qwen2")).status, "not enough evidence");
  });

  it("the llama architecture hosts many families: declaring it contradicts nothing", () => {
    const report = checkConsistency(declared("llama"), null, counts("mistral-v1"));
    assert.equal(report.status, "not enough evidence");
    assert.deepEqual(report.statements[0]?.families, []);
  });

  it("a maker whose tokenizer is not among the references is not compared with the counts", () => {
    const report = checkConsistency(null, claims("Moonshot", "Kimi", 10), counts("o200k"));
    assert.equal(report.status, "not enough evidence");
  });

  it("a claim made by a minority of answers is not what the model says it is", () => {
    const report = checkConsistency(null, claims("OpenAI", "GPT", 5, 10), counts("qwen2"));
    assert.equal(report.status, "not enough evidence");
    const most = checkConsistency(null, claims("OpenAI", "GPT", 6, 10), counts("qwen2"));
    assert.equal(most.status, "inconsistent");
    assert.match(
      most.sentence ?? "",
      /^usage counts match qwen2 \(Qwen; strong evidence\), but the model names itself GPT \(OpenAI\) in 6 of 10 answers \(GPT; weak evidence\)$/,
    );
  });

  it("declared and claimed families can contradict each other without tokenizer evidence", () => {
    const report = checkConsistency(declared("gemma3"), claims("Meta", "Llama", 10), counts(null));
    assert.equal(report.status, "inconsistent");
    assert.equal(report.contradictions.length, 1);
  });
});
