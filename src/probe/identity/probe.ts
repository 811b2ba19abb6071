/** Identity probe: ask who made the model, in several languages, and count the vendors it claims. */
import type { FailureLog } from "../attempts.js";
import { answerText, type ChatClient, type ChatMessage } from "../client/types.js";
import { type BaseRate, IDENTITY_BASE_RATE } from "./base-rate.js";
import { type IdentityClaim, normaliseIdentity } from "./normalise.js";
import { IDENTITY_PROMPTS, IDENTITY_SYSTEM_PROMPT, type IdentityPrompt } from "./prompts.js";

export interface IdentityOptions {
  /** Samples per (prompt, system prompt on/off); samples after the first use temperature 0.7. */
  samples: number;
  prompts?: readonly IdentityPrompt[];
}

export interface IdentityClaimCount {
  vendor: string;
  /** null when the answers named only the vendor. */
  family: string | null;
  count: number;
}

export interface IdentityAnswer {
  prompt: string;
  language: string;
  withSystemPrompt: boolean;
  sample: number;
  /** The answer, cut to 300 characters. */
  answer: string;
  /** Claims read from the whole answer. */
  claims: IdentityClaim[];
}

export interface IdentityReport {
  /** Claims over all answers, most frequent first; each vendor counts once per answer. */
  claims: IdentityClaimCount[];
  /** Answers with text (an answer without choices or text is a failed request, not a claim-free answer). */
  answers: number;
  answersWithoutClaim: number;
  /** Requests sent that gave no answer after retries, or an answer without text. */
  failedRequests: number;
  /** Requests never sent (request budget spent, endpoint down). */
  notSent: number;
  /** Every answer, for the JSON report. */
  transcript: IdentityAnswer[];
  /** How often real models misname their maker: why these claims are weak evidence. */
  baseRate: BaseRate;
}

/** Longest answer kept in the report. */
const MAX_ANSWER_CHARS = 300;

export async function probeIdentity(
  client: ChatClient,
  log: FailureLog,
  options: IdentityOptions,
): Promise<IdentityReport> {
  const failedBefore = log.count("identity");
  const notSentBefore = log.countNotSent("identity");
  const jobs: Promise<IdentityAnswer | undefined>[] = [];
  for (const prompt of options.prompts ?? IDENTITY_PROMPTS) {
    for (const withSystemPrompt of [false, true]) {
      for (let sample = 0; sample < options.samples; sample++) {
        const messages: ChatMessage[] = withSystemPrompt
          ? [{ role: "system", content: IDENTITY_SYSTEM_PROMPT }]
          : [];
        messages.push({ role: "user", content: prompt.text });
        const label = `identity ${prompt.id}${withSystemPrompt ? " +system" : ""} #${sample + 1}`;
        jobs.push(
          log.attempt("identity", label, async () => {
            const result = await client.chat({
              label,
              messages,
              temperature: sample === 0 ? 0 : 0.7,
              seed: sample === 0 ? undefined : 1234 + sample,
              maxTokens: 120,
            });
            const answer = answerText(result, label);
            return {
              prompt: prompt.id,
              language: prompt.language,
              withSystemPrompt,
              sample: sample + 1,
              answer: answer.slice(0, MAX_ANSWER_CHARS),
              claims: normaliseIdentity(answer),
            };
          }),
        );
      }
    }
  }
  const transcript = (await Promise.all(jobs)).filter((entry) => entry !== undefined);
  const counts = new Map<string, IdentityClaimCount>();
  let withoutClaim = 0;
  for (const entry of transcript) {
    if (entry.claims.length === 0) withoutClaim++;
    for (const claim of entry.claims) {
      const key = `${claim.vendor}\u0000${claim.family ?? ""}`;
      const existing = counts.get(key) ?? { vendor: claim.vendor, family: claim.family ?? null, count: 0 };
      existing.count++;
      counts.set(key, existing);
    }
  }
  return {
    claims: [...counts.values()].sort((a, b) => b.count - a.count || a.vendor.localeCompare(b.vendor)),
    answers: transcript.length,
    answersWithoutClaim: withoutClaim,
    failedRequests: log.count("identity") - failedBefore,
    notSent: log.countNotSent("identity") - notSentBefore,
    transcript,
    baseRate: IDENTITY_BASE_RATE,
  };
}
