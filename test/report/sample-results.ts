/** CompareResult objects built by hand for the HTML report tests and the rendering check. */
import type { CompareResult } from "../../src/compare/result.js";
import { checkConsistency } from "../../src/probe/consistency.js";
import { IDENTITY_BASE_RATE } from "../../src/probe/identity/base-rate.js";
import type { IdentityReport } from "../../src/probe/identity/probe.js";
import type { ProtocolReport } from "../../src/probe/protocol/probe.js";
import type { ProbeReport } from "../../src/probe/report.js";
import { summarise } from "../../src/probe/summary.js";
import type { TokenizerReport } from "../../src/probe/tokenizer/probe.js";
import { judge } from "../../src/probe/translation/probe.js";

export function depthUpscaledResult(): CompareResult {
  const mapping = [0, 1, 2, 1, 2, 3].map((referenceLayer, suspectLayer) => ({
    suspectLayer,
    referenceLayer,
    similarity: 0.97 - 0.01 * suspectLayer,
  }));
  return {
    suspect: "a-dus",
    reference: "base-a",
    verdict: "derived",
    tags: ["layers-added", "fine-tuned"],
    pValue: 3e-40,
    pValueLog10: Math.log10(3e-40),
    test: {
      name: "index test",
      nullHypothesis: "the two models were trained separately",
      matches: 700,
      units: 780,
      sets: 13,
      expected: 13,
    },
    zScore: 87.7,
    direction: { earlier: "reference", evidence: "a-dus repeats base-a's layers (6 layers from 4)" },
    changes: {
      unchangedShare: 0.12,
      components: [{ component: "mlp", unchangedShare: 0.12, relativeError: 0.1, tensors: 18 }],
      layerMapping: mapping,
      renamedTensors: [{ from: "model.layers.0.input_layernorm.weight", to: "model.layers.0.ln1.weight" }],
      vocabulary: { kept: 3000, added: 0, removed: 0, reordered: 0 },
      experts: [],
    },
    evidence: [
      {
        component: "architecture",
        statistic: "blueprint",
        value: "llama, 6 vs 4 layers",
        note: "same family, deeper",
      },
      {
        component: "tokenizer",
        statistic: "same token list",
        value: true,
        note: "identical vocabulary (weak evidence: tokenizers are shared)",
      },
      ...mapping.map((m) => ({
        component: `layer ${m.suspectLayer}`,
        statistic: "invariant correlation",
        value: m.similarity,
        pValue: 1e-30,
        note: `matches reference layer ${m.referenceLayer}`,
      })),
      {
        component: "norm weights",
        statistic: "raw cosine",
        value: 0.999,
        note: "weak: every model's norms start at 1",
      },
    ],
    summary: [
      "a-dus was built from base-a: its six layers are copies of base-a's layers 0, 1, 2, 1, 2, 3, trained further.",
      "The chance that independent models agree this closely is below 1e-16.",
    ],
    warnings: ["Layer 5 is the least similar (0.92): it was trained most after the copy."],
    timing: { seconds: 1.7, bytesRead: 6_774_304, bytesTotal: 13_000_000 },
  };
}

export const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

/** Every string a model file or tokenizer can supply set to markup that would run if not escaped. */
export function hostileResult(): CompareResult {
  const base = depthUpscaledResult();
  return {
    ...base,
    suspect: HOSTILE,
    reference: `ref'"&${HOSTILE}`,
    changes: {
      ...base.changes,
      renamedTensors: [{ from: `${HOSTILE}.weight`, to: `</code></td></tr></table>${HOSTILE}` }],
      experts: [{ layer: 0, expert: 1, fromReferenceLayer: 0, similarity: 0.9 }],
    },
    evidence: [
      { component: HOSTILE, statistic: `${HOSTILE}`, value: HOSTILE, pValue: 0.5, note: `token ${HOSTILE}` },
    ],
    summary: [`Token ${HOSTILE} \u0000\ud800 kept.`],
    warnings: [HOSTILE],
  };
}

/**
 * A full probe report (the probe's own `ProbeReport` type) of an API that fronts a GPT model with a
 * translation layer: translation verdict by the probe's own `judge`, consistency by `checkConsistency`,
 * summary by `summarise`, the real identity base rate.
 */
export function translatedApiReport(): ProbeReport {
  const candidate = (family: string, matched: number, mismatches: string[]) => ({
    family,
    agreement: matched / 12,
    matchedUnits: matched,
    comparedUnits: 12,
    meanSlopeError: (12 - matched) / 12,
    mismatches,
  });
  const pair = (id: string, passed: boolean, answer: string) => ({
    id,
    category: "echo" as const,
    prompt: `prompt ${id}`,
    expected: `expected ${id}`,
    answer,
    passed,
    controlAnswer: "control answer",
    controlPassed: true,
    answeredInEnglish: !passed,
  });
  const identity: IdentityReport = {
    claims: [
      { vendor: "OpenAI", family: "GPT", count: 6 },
      { vendor: "iFlytek", family: "Spark", count: 2 },
    ],
    answers: 8,
    answersWithoutClaim: 0,
    failedRequests: 0,
    notSent: 0,
    transcript: [
      {
        prompt: "who-en",
        language: "en",
        withSystemPrompt: false,
        sample: 1,
        answer: "I was made by OpenAI.",
        claims: [{ vendor: "OpenAI", family: undefined }],
      },
    ],
    baseRate: IDENTITY_BASE_RATE,
  };
  const tokenizer: TokenizerReport = {
    best: "cl100k",
    tiedWith: [],
    candidates: [
      candidate("cl100k", 11, ["zh-rare"]),
      candidate("o200k", 6, ["zh-rare", "ja-tokyo"]),
      candidate("llama-2", 3, ["zh-rare", "ja-tokyo", "ko-hello"]),
    ],
    requests: 48,
    queries: 36,
    consistent: true,
    ks: [2, 3, 4],
    observations: [{ unit: "zh-rare", kind: "cjk", promptTokens: [16, 19, 22], slope: 3, r2: 1 }],
    notes: [],
  };
  const translationLayer = judge([
    pair("idiom", false, "car, water, horse and dragon"),
    pair("echo-rare", false, "I am not sure what you mean."),
    pair("pinyin", false, "I am not sure what you mean."),
    pair("radical", true, "氵"),
  ]);
  const protocol: ProtocolReport = {
    idFormat: "chatcmpl-<29 alphanumerics>",
    exampleId: "chatcmpl-abc",
    object: "chat.completion",
    reportedModel: "gpt-4o-mini",
    systemFingerprint: "fp_0ba0d124f1",
    usagePresent: true,
    extraUsageFields: [],
    extraResponseFields: [],
    parameters: { maxTokens: "honoured", stop: "honoured", n: "ignored", logprobs: "honoured" },
    streaming: { works: true, usageInStream: true, chunks: 40, completionTokens: 40, chunksPerToken: 1 },
    notes: ["`n` is ignored"],
  };
  const partial: Omit<ProbeReport, "summary"> = {
    target: { baseUrl: "http://127.0.0.1:8080/v1", model: "spark-pro", api: "openai" },
    identity,
    tokenizer,
    translationLayer,
    protocol,
    ollama: null,
    consistency: checkConsistency(null, identity, tokenizer),
    failures: [],
    notSent: [],
    stoppedEarly: null,
    cost: { requests: 72, answers: 70, cacheHits: 0, retries: 2, failures: 0, notSent: 0 },
  };
  return { ...partial, summary: summarise(partial) };
}
