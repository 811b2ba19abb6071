/** OpenAI-compatible `POST {base}/chat/completions`, streamed (SSE) or not. */
import { ApiError } from "../../errors.js";
import { TransportClient } from "./base-client.js";
import { parseSse } from "./sse.js";
import type { ChatChoice, ChatRequest, ChatResult, ChatUsage } from "./types.js";
import { isObject, type Json, keysBeyond, num, parseJsonObject, str } from "./wire.js";

const KNOWN_TOP_LEVEL = [
  "id",
  "object",
  "created",
  "model",
  "choices",
  "usage",
  "system_fingerprint",
  "service_tier",
];
const KNOWN_USAGE = ["prompt_tokens", "completion_tokens", "total_tokens"];

export class OpenAiClient extends TransportClient {
  readonly kind = "openai";

  chat(request: ChatRequest): Promise<ChatResult> {
    const body = this.body(request);
    return this.transport.exchange({
      label: request.label,
      path: "/chat/completions",
      body,
      parse: (text, fromCache) =>
        request.stream === true ? parseStream(text, fromCache) : parseCompletion(text, fromCache),
    });
  }

  private body(request: ChatRequest): Json {
    const body: Json = {
      model: this.options.model,
      messages: request.messages,
      temperature: request.temperature ?? 0,
      seed: this.seedOf(request),
    };
    if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
    if (request.stop !== undefined) body.stop = request.stop;
    if (request.n !== undefined) body.n = request.n;
    if (request.logprobs === true) body.logprobs = true;
    if (request.stream === true) {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    return body;
  }
}

function parseUsage(value: unknown): ChatUsage | undefined {
  if (!isObject(value)) return undefined;
  return {
    promptTokens: num(value.prompt_tokens),
    completionTokens: num(value.completion_tokens),
    totalTokens: num(value.total_tokens),
    extraKeys: keysBeyond(value, KNOWN_USAGE),
  };
}

function parseChoice(value: unknown): ChatChoice {
  const choice = isObject(value) ? value : {};
  const message = isObject(choice.message) ? choice.message : {};
  return {
    content: str(message.content) ?? "",
    finishReason: str(choice.finish_reason),
    hasLogprobs: choice.logprobs !== undefined && choice.logprobs !== null,
  };
}

export function parseCompletion(text: string, fromCache: boolean): ChatResult {
  const json = parseJsonObject(text, "chat completion");
  if (isObject(json.error)) {
    throw new ApiError(`the API returned an error object: ${str(json.error.message) ?? "no message"}`);
  }
  if (!Array.isArray(json.choices)) throw new ApiError("chat completion has no 'choices' array");
  return {
    id: str(json.id),
    model: str(json.model),
    object: str(json.object),
    systemFingerprint: str(json.system_fingerprint),
    choices: json.choices.map(parseChoice),
    usage: parseUsage(json.usage),
    extraKeys: keysBeyond(json, KNOWN_TOP_LEVEL),
    streamChunks: undefined,
    fromCache,
  };
}

export function parseStream(text: string, fromCache: boolean): ChatResult {
  const { events, done } = parseSse(text);
  if (!done) throw new ApiError(`stream ended before 'data: [DONE]' (${events.length} events received)`);
  const chunks: string[] = [];
  const contents = new Map<number, string[]>();
  const finish = new Map<number, string>();
  const logprobs = new Set<number>();
  let first: Json | undefined;
  let usage: ChatUsage | undefined;
  const extra = new Set<string>();
  for (const event of events) {
    const json = parseJsonObject(event, "stream chunk");
    first ??= json;
    for (const key of keysBeyond(json, KNOWN_TOP_LEVEL)) extra.add(key);
    if (json.usage !== undefined && json.usage !== null) usage = parseUsage(json.usage);
    if (!Array.isArray(json.choices)) continue;
    for (const raw of json.choices) {
      if (!isObject(raw)) continue;
      const index = num(raw.index) ?? 0;
      const delta = isObject(raw.delta) ? raw.delta : {};
      const piece = str(delta.content);
      if (piece !== undefined && piece !== "") {
        if (index === 0) chunks.push(piece);
        contents.set(index, [...(contents.get(index) ?? []), piece]);
      }
      const reason = str(raw.finish_reason);
      if (reason !== undefined) finish.set(index, reason);
      if (raw.logprobs !== undefined && raw.logprobs !== null) logprobs.add(index);
    }
  }
  const indices = [...new Set([...contents.keys(), ...finish.keys()])].sort((a, b) => a - b);
  return {
    id: str(first?.id),
    model: str(first?.model),
    object: str(first?.object),
    systemFingerprint: str(first?.system_fingerprint),
    choices: indices.map((index) => ({
      content: (contents.get(index) ?? []).join(""),
      finishReason: finish.get(index),
      hasLogprobs: logprobs.has(index),
    })),
    usage,
    extraKeys: [...extra].sort(),
    streamChunks: chunks,
    fromCache,
  };
}
