/**
 * How often real chat models misname their maker: the base rate that keeps identity answers weak
 * evidence. Computed from 43 models × 10 answers to "Who created you? Respond with one word only."
 * (cpldcpu/llmbenchmark, CC0; fixtures/identity/creator.json). `test/probe/identity-base-rate.test.ts`
 * recomputes IDENTITY_BASE_RATE from that file with `computeBaseRate` and fails if they drift apart.
 */
import { primaryClaim } from "./normalise.js";

export interface IdentityAnswers {
  llm: string;
  output: string[];
}

export interface BaseRate {
  source: string;
  models: number;
  answers: number;
  /** Answers whose first vendor claim is neither the maker nor the base model's maker. */
  answersNamingAnotherVendor: number;
  /** Answers naming no vendor at all ("Humans", "God", "Developers"). */
  answersNamingNoVendor: number;
  /** Models whose most frequent claim names another vendor. */
  modelsMostlyNamingAnotherVendor: number;
  /** Models that named another vendor at least once. */
  modelsEverNamingAnotherVendor: number;
  /** e.g. `deepseek-V3: OpenAI 10/10`. */
  examples: string[];
}

export function computeBaseRate(
  data: readonly IdentityAnswers[],
  truth: Readonly<Record<string, readonly string[]>>,
  source: string,
): BaseRate {
  let answers = 0;
  let other = 0;
  let none = 0;
  let mostly = 0;
  let ever = 0;
  const examples: string[] = [];
  for (const model of data) {
    const accepted = truth[model.llm] ?? [];
    const wrong = new Map<string, number>();
    let modelOther = 0;
    let modelRight = 0;
    for (const answer of model.output) {
      answers++;
      const claim = primaryClaim(answer);
      if (claim === undefined) {
        none++;
      } else if (accepted.includes(claim.vendor)) {
        modelRight++;
      } else {
        other++;
        modelOther++;
        wrong.set(claim.vendor, (wrong.get(claim.vendor) ?? 0) + 1);
      }
    }
    if (modelOther > 0) ever++;
    if (modelOther > modelRight && modelOther >= model.output.length / 2) {
      mostly++;
      const named = [...wrong.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([v, n]) => `${v} ${n}/${model.output.length}`);
      examples.push(`${model.llm}: ${named.join(", ")}`);
    }
  }
  return {
    source,
    models: data.length,
    answers,
    answersNamingAnotherVendor: other,
    answersNamingNoVendor: none,
    modelsMostlyNamingAnotherVendor: mostly,
    modelsEverNamingAnotherVendor: ever,
    examples,
  };
}

export const IDENTITY_BASE_RATE: BaseRate = {
  source: "cpldcpu/llmbenchmark creator probe (CC0): 43 models, 10 answers each",
  models: 43,
  answers: 430,
  answersNamingAnotherVendor: 68,
  answersNamingNoVendor: 44,
  modelsMostlyNamingAnotherVendor: 6,
  modelsEverNamingAnotherVendor: 10,
  examples: [
    "llama-3.2-1b-instruct: Amazon 2/10, Google 2/10, Microsoft 1/10",
    "wizardlm-2-8x22b: OpenAI 10/10",
    "qwen-2.5-72b-instruct: Anthropic 6/10, OpenAI 4/10",
    "deepseek-V3: OpenAI 10/10",
    "deepseek-chat-v2.5: OpenAI 10/10",
    "phi-4: OpenAI 9/10",
  ],
};
