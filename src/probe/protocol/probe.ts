/** Protocol tells: response metadata and whether standard parameters are honoured or silently ignored. */
import type { FailureLog } from "../attempts.js";
import type { ChatClient, ChatResult } from "../client/types.js";
import { classifyId } from "./id-format.js";

export type ParameterBehaviour = "honoured" | "ignored" | "not tested" | "unclear";

export interface ProtocolReport {
  idFormat: string;
  /** An example id (ids carry no secret). */
  exampleId: string | undefined;
  object: string | undefined;
  /** The model name the server reports (it may differ from the one asked for). */
  reportedModel: string | undefined;
  systemFingerprint: string | undefined;
  usagePresent: boolean;
  extraUsageFields: string[];
  extraResponseFields: string[];
  parameters: {
    maxTokens: ParameterBehaviour;
    stop: ParameterBehaviour;
    n: ParameterBehaviour;
    logprobs: ParameterBehaviour;
  };
  streaming: {
    works: boolean;
    usageInStream: boolean;
    chunks: number | undefined;
    completionTokens: number | undefined;
    /** chunks ÷ completion tokens: ≈1 when each chunk is one token. */
    chunksPerToken: number | undefined;
  };
  /** Plain-language observations: provider hints from field names and parameter handling. */
  notes: string[];
}

const COUNT_PROMPT = "Count from 1 to 40, separated by spaces. Output only the numbers.";

/** Provider hints from non-standard usage or response fields. */
const FIELD_HINTS: Record<string, string> = {
  prompt_cache_hit_tokens: "usage.prompt_cache_hit_tokens is a DeepSeek API field",
  prompt_cache_miss_tokens: "usage.prompt_cache_miss_tokens is a DeepSeek API field",
  x_groq: "x_groq is a Groq field",
  provider: "a top-level 'provider' field is an OpenRouter tell",
  prompt_filter_results: "prompt_filter_results is an Azure OpenAI field",
  reasoning_content: "reasoning_content appears on DeepSeek-R1-style servers",
};

export async function probeProtocol(client: ChatClient, log: FailureLog): Promise<ProtocolReport> {
  const ask = (
    label: string,
    extra: Omit<Parameters<ChatClient["chat"]>[0], "label" | "messages">,
    prompt = COUNT_PROMPT,
  ) =>
    log.attempt("protocol", label, () =>
      client.chat({ label, messages: [{ role: "user", content: prompt }], ...extra }),
    );
  const openai = client.kind === "openai";
  const [plain, capped, stopped, twoChoices, withLogprobs, streamed] = await Promise.all([
    ask("protocol plain", { maxTokens: 200 }),
    ask("protocol max_tokens=5", { maxTokens: 5 }),
    ask("protocol stop", { maxTokens: 200, stop: ["7"] }),
    openai ? ask("protocol n=2", { maxTokens: 20, n: 2, temperature: 0.7 }) : Promise.resolve(undefined),
    openai ? ask("protocol logprobs", { maxTokens: 5, logprobs: true }) : Promise.resolve(undefined),
    ask("protocol stream", { maxTokens: 200, stream: true }),
  ]);
  const notes: string[] = [];
  const extraUsage = [...new Set([plain, streamed].flatMap((r) => r?.usage?.extraKeys ?? []))].sort();
  const extraFields = [...new Set([plain, streamed].flatMap((r) => r?.extraKeys ?? []))].sort();
  for (const field of [...extraUsage, ...extraFields]) {
    const hint = FIELD_HINTS[field];
    if (hint !== undefined) notes.push(hint);
  }
  const parameters = {
    maxTokens: judgeMaxTokens(capped),
    stop: judgeStop(stopped),
    n: twoChoices === undefined ? "not tested" : twoChoices.choices.length === 2 ? "honoured" : "ignored",
    logprobs:
      withLogprobs === undefined
        ? "not tested"
        : withLogprobs.choices.some((c) => c.hasLogprobs)
          ? "honoured"
          : "ignored",
  } satisfies ProtocolReport["parameters"];
  for (const [name, behaviour] of Object.entries(parameters)) {
    if (behaviour === "ignored") notes.push(`parameter '${name}' was accepted but had no effect`);
  }
  const chunks = streamed?.streamChunks?.length;
  const completionTokens = streamed?.usage?.completionTokens;
  return {
    idFormat: classifyId(plain?.id),
    exampleId: plain?.id,
    object: plain?.object,
    reportedModel: plain?.model,
    systemFingerprint: plain?.systemFingerprint,
    usagePresent: plain?.usage?.promptTokens !== undefined,
    extraUsageFields: extraUsage,
    extraResponseFields: extraFields,
    parameters,
    streaming: {
      works: streamed !== undefined,
      usageInStream: streamed?.usage?.promptTokens !== undefined,
      chunks,
      completionTokens,
      chunksPerToken:
        chunks !== undefined && completionTokens !== undefined && completionTokens > 0
          ? Math.round((chunks / completionTokens) * 100) / 100
          : undefined,
    },
    notes,
  };
}

function numbersIn(result: ChatResult): number {
  return (result.choices[0]?.content.match(/\d+/g) ?? []).length;
}

/** Five tokens hold at most five numbers; a longer count means max_tokens was ignored. */
function judgeMaxTokens(result: ChatResult | undefined): ParameterBehaviour {
  if (result === undefined) return "not tested";
  const completion = result.usage?.completionTokens;
  if ((completion !== undefined && completion > 6) || numbersIn(result) > 6) return "ignored";
  return result.choices[0]?.finishReason === "length" || (completion !== undefined && completion <= 5)
    ? "honoured"
    : "unclear";
}

/** With stop ["7"] a count reaches 6 at most; seeing 7 or beyond means stop was ignored. */
function judgeStop(result: ChatResult | undefined): ParameterBehaviour {
  if (result === undefined) return "not tested";
  const numbers = (result.choices[0]?.content.match(/\d+/g) ?? []).map(Number);
  if (numbers.some((n) => n >= 7)) return "ignored";
  return numbers.includes(6) ? "honoured" : "unclear";
}
