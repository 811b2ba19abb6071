/** CompareResult objects built by hand for the HTML report tests and the rendering check. */
import type { CompareResult } from "../../src/compare/result.js";
import type { ProbeHtmlInput } from "../../src/report/html/probe-html.js";

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

/** A probe report of an API that fronts a GPT model with a translation layer. */
export function translatedApiReport(): ProbeHtmlInput {
  return {
    target: { baseUrl: "http://127.0.0.1:8080/v1", model: "spark-pro", api: "openai" },
    summary: [
      "The usage counts match the cl100k tokenizer exactly on 11 of 12 units.",
      "Answers are consistent with a hidden translation layer: 车水马龙 was read as car, water, horse, dragon.",
      "Asked who made it, it named OpenAI in 6 of 8 answers — weak evidence, models often misname their maker.",
    ],
    identity: {
      claims: [
        { vendor: "OpenAI", family: "GPT", count: 6 },
        { vendor: "iFlytek", family: "Spark", count: 2 },
      ],
      answers: 8,
      answersWithoutClaim: 0,
      transcript: [
        {
          prompt: "Who made you?",
          language: "en",
          answer: "I was made by OpenAI.",
          claims: [{ vendor: "OpenAI" }],
        },
      ],
      baseRate: {
        source: "real/identity (43 models)",
        models: 43,
        modelsMostlyNamingAnotherVendor: 9,
        modelsEverNamingAnotherVendor: 17,
      },
    },
    tokenizer: {
      best: "cl100k",
      tiedWith: [],
      candidates: [
        { family: "cl100k", agreement: 11 / 12, matchedUnits: 11, comparedUnits: 12 },
        { family: "o200k", agreement: 0.5, matchedUnits: 6, comparedUnits: 12 },
        { family: "llama-2", agreement: 0.25, matchedUnits: 3, comparedUnits: 12 },
      ],
      requests: 48,
      consistent: true,
      notes: [],
    },
    translationLayer: {
      suspected: true,
      verdict: "Consistent with a translation layer: surface-form probes fail while their controls pass.",
      evidence: ['车水马龙 → "car, water, horse and dragon"'],
      against: [],
      surfacePassed: 1,
      controlPassed: 7,
      answered: 8,
    },
    protocol: {
      idFormat: "chatcmpl-<29 alphanumerics>",
      reportedModel: "gpt-4o-mini",
      systemFingerprint: "fp_0ba0d124f1",
      notes: ["`n` is ignored"],
    },
    failures: [],
    cost: { requests: 72, answers: 70, cacheHits: 0, retries: 2, failures: 0 },
  };
}
