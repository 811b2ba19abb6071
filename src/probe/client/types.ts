/** What the probes ask a chat API and what they get back, independent of the wire protocol. */

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
  failures: number;
}

export interface ChatClient {
  readonly kind: "openai" | "ollama";
  chat(request: ChatRequest): Promise<ChatResult>;
  readonly stats: ClientStats;
}

/** First choice's text, or "" when the API returned no choice. */
export function firstContent(result: ChatResult): string {
  return result.choices[0]?.content ?? "";
}
