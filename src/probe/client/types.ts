/** What the probes ask a chat API and what they get back, independent of the wire protocol. */
import { ApiError } from "../../errors.js";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  /** Names the request in progress lines and error messages, e.g. `tokenizer cjk k=3`. */
  label: string;
  messages: ChatMessage[];
  /** Defaults to 0 (deterministic where the API allows). */
  temperature?: number;
  /** Defaults to the client's seed. Different seeds give different cache entries (samples). */
  seed?: number;
  maxTokens?: number;
  stop?: string[];
  n?: number;
  logprobs?: boolean;
  /** Ask for a streamed answer (SSE for OpenAI, NDJSON for Ollama). */
  stream?: boolean;
}

export interface ChatChoice {
  content: string;
  finishReason: string | undefined;
  /** The choice carried logprobs (only meaningful when they were asked for). */
  hasLogprobs: boolean;
}

export interface ChatUsage {
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  totalTokens: number | undefined;
  /** Usage keys beyond prompt/completion/total tokens, e.g. `prompt_cache_hit_tokens` (DeepSeek). */
  extraKeys: string[];
}

export interface ChatResult {
  id: string | undefined;
  model: string | undefined;
  object: string | undefined;
  systemFingerprint: string | undefined;
  choices: ChatChoice[];
  usage: ChatUsage | undefined;
  /** Top-level response keys beyond the OpenAI schema (a relay or provider tell). */
  extraKeys: string[];
  /** Streaming only: the text of each content-bearing chunk, in order. */
  streamChunks: string[] | undefined;
  fromCache: boolean;
}

/** Counters a report quotes: what the probe cost. */
export interface ClientStats {
  /** HTTP attempts sent (retries included). */
  requests: number;
  /** Requests answered usably (fresh or from the cache). */
  answers: number;
  /** Answers served from the on-disk cache. */
  cacheHits: number;
  retries: number;
  /** Requests that were sent and failed after their retries. */
  failures: number;
  /** Requests never sent: the budget (`--max-requests`) was spent or the endpoint had stopped answering. */
  notSent: number;
}

export interface ChatClient {
  readonly kind: "openai" | "ollama";
  chat(request: ChatRequest): Promise<ChatResult>;
  readonly stats: ClientStats;
  /** Set when the client stopped sending because the endpoint failed too often in a row. */
  readonly stoppedBecause?: string | undefined;
}

/**
 * The first choice's text. An answer without choices (`choices: []`) or with empty text is not an
 * answer: it throws an ApiError, which the probes record as a failed request rather than reading it
 * as "named no vendor" or a wrong answer.
 */
export function answerText(result: ChatResult, label: string): string {
  const choice = result.choices[0];
  if (choice === undefined) throw new ApiError(`the answer has no choices for '${label}'`);
  if (choice.content.trim() === "") throw new ApiError(`the answer is empty for '${label}'`);
  return choice.content;
}
