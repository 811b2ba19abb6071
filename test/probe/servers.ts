/**
 * Real HTTP servers on 127.0.0.1:0 for the probe tests. Their `usage` counts come from a real
 * reference tokenizer (a TokenCounter) plus a chat-template overhead; their answers from a Brain.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenCounter } from "../../src/tokenizers/counter.js";
import type { Brain } from "./brains.js";

/** What a faulty server does to one request instead of answering it. */
export type Fault = "429" | "500" | "hang" | "broken-json" | "truncated-stream" | undefined;

export interface FakeServerOptions {
  counter: TokenCounter;
  brain: Brain;
  /** Tokens a chat template adds around the conversation (default 7) and around each message (default 4). */
  overhead?: number;
  perMessage?: number;
  /** Called with the 0-based request number; a fault replaces the answer. */
  fault?: (index: number) => Fault;
  /** Seconds sent in `Retry-After` with a 429 (decimals allowed, which the client reads too). */
  retryAfterSeconds?: number;
  /** Prepends to ids and adds provider-specific usage fields, as relays do. */
  idPrefix?: string;
  extraUsage?: Record<string, number>;
  /** Ignore max_tokens / stop / n / logprobs, like some reverse-engineered relays. */
  ignoreParameters?: boolean;
  /** Delay before each answer (default 0), so that concurrency shows. */
  delayMs?: number;
  /** Require this bearer token (401 otherwise). */
  apiKey?: string;
  /** Answer `choices: []` (some gateways do after a content filter). */
  emptyChoices?: boolean;
  /** Leave `usage` out of every answer. */
  noUsage?: boolean;
}

export interface FakeServer {
  url: string;
  /** Most requests the server was answering at the same time. */
  peakInFlight(): number;
  /** Request bodies and authorization headers seen, in order. */
  seen: { path: string; body: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

interface Message {
  role: string;
  content: string;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function promptTokens(messages: readonly Message[], options: FakeServerOptions): number {
  const perMessage = options.perMessage ?? 4;
  return messages.reduce(
    (sum, m) => sum + perMessage + options.counter.count(m.content),
    options.overhead ?? 7,
  );
}

/** Cut `text` to at most `maxTokens` tokens by dropping characters from the end. */
function truncateTokens(text: string, maxTokens: number, counter: TokenCounter): string {
  let chars = [...text];
  while (chars.length > 0 && counter.count(chars.join("")) > maxTokens) chars = chars.slice(0, -1);
  return chars.join("");
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

interface Answer {
  content: string;
  finish: "stop" | "length";
  completion: number;
}

function answer(messages: Message[], body: Record<string, unknown>, options: FakeServerOptions): Answer {
  let content = options.brain(messages);
  let finish: Answer["finish"] = "stop";
  if (options.ignoreParameters !== true) {
    const stop = Array.isArray(body.stop) ? (body.stop as string[]) : [];
    for (const s of stop) {
      const at = content.indexOf(s);
      if (at >= 0) content = content.slice(0, at);
    }
    const max = typeof body.max_tokens === "number" ? body.max_tokens : undefined;
    if (max !== undefined && options.counter.count(content) > max) {
      content = truncateTokens(content, max, options.counter);
      finish = "length";
    }
  }
  return { content, finish, completion: options.counter.count(content) };
}

/** An OpenAI-compatible `/v1/chat/completions` server. */
export async function startOpenAiServer(options: FakeServerOptions): Promise<FakeServer> {
  const seen: FakeServer["seen"] = [];
  let index = 0;
  let inFlight = 0;
  let peak = 0;
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    peak = Math.max(peak, ++inFlight);
    response.on("close", () => inFlight--);
    const raw = await readBody(request);
    seen.push({ path: request.url ?? "", body: raw, authorization: request.headers.authorization });
    const fault = options.fault?.(index++);
    await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "invalid api key" } }));
      return;
    }
    if (request.url !== "/v1/chat/completions") {
      response.writeHead(404).end();
      return;
    }
    if (fault === "429") {
      response.writeHead(429, { "retry-after": String(options.retryAfterSeconds ?? 0) }).end("rate limited");
      return;
    }
    if (fault === "500") {
      response.writeHead(500).end("internal error");
      return;
    }
    if (fault === "hang") return; // never answers; the client's timeout must fire
    if (fault === "broken-json") {
      response
        .writeHead(200, { "content-type": "application/json" })
        .end('{"id": "chatcmpl-x", "choices": [');
      return;
    }
    const body = JSON.parse(raw) as Record<string, unknown>;
    const messages = body.messages as Message[];
    const n = options.ignoreParameters !== true && typeof body.n === "number" ? body.n : 1;
    const result = answer(messages, body, options);
    const usage = {
      prompt_tokens: promptTokens(messages, options),
      completion_tokens: result.completion * n,
      total_tokens: promptTokens(messages, options) + result.completion * n,
      ...options.extraUsage,
    };
    const id = `${options.idPrefix ?? "chatcmpl-"}${"a".repeat(29 - index.toString().length)}${index}`;
    const logprobs = body.logprobs === true && options.ignoreParameters !== true ? { content: [] } : null;
    if (body.stream === true) {
      response.writeHead(200, { "content-type": "text/event-stream" });
      const pieces = result.content.match(/\S+\s*|\s+/g) ?? [];
      const chunk = (extra: Record<string, unknown>) =>
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 1, model: body.model, ...extra })}\n\n`;
      let text = chunk({
        choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
      });
      for (const piece of pieces)
        text += chunk({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
      text += chunk({ choices: [{ index: 0, delta: {}, finish_reason: result.finish }] });
      const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
      if (streamOptions?.include_usage === true) text += chunk({ choices: [], usage });
      if (fault === "truncated-stream") {
        response.end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      response.end(`${text}data: [DONE]\n\n`);
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created: 1,
        model: body.model,
        system_fingerprint: "fp_test0001",
        choices: options.emptyChoices
          ? []
          : Array.from({ length: n }, (_, i) => ({
              index: i,
              message: { role: "assistant", content: result.content },
              finish_reason: result.finish,
              logprobs,
            })),
        ...(options.noUsage ? {} : { usage }),
      }),
    );
  });
  const url = await listen(server);
  return { url: `${url}/v1`, seen, peakInFlight: () => peak, close: closer(server) };
}

export interface FakeOllamaOptions extends FakeServerOptions {
  family: string;
  architecture: string;
  template: string;
}

/** An Ollama server: `/api/chat` (NDJSON when streaming), `/api/show`, `/api/tags`. */
export async function startOllamaServer(model: string, options: FakeOllamaOptions): Promise<FakeServer> {
  const seen: FakeServer["seen"] = [];
  const server = createServer(async (request, response) => {
    const raw = await readBody(request);
    seen.push({ path: request.url ?? "", body: raw, authorization: request.headers.authorization });
    response.setHeader("content-type", "application/json");
    if (request.url === "/api/tags") {
      response.end(JSON.stringify({ models: [{ name: model, model, details: { family: options.family } }] }));
      return;
    }
    if (request.url === "/api/show") {
      response.end(
        JSON.stringify({
          template: options.template,
          details: {
            format: "gguf",
            family: options.family,
            families: [options.family],
            parameter_size: "7B",
            quantization_level: "Q4_0",
          },
          model_info: { "general.architecture": options.architecture, "general.basename": "Test-Base" },
        }),
      );
      return;
    }
    if (request.url !== "/api/chat") {
      response.writeHead(404).end();
      return;
    }
    const body = JSON.parse(raw) as {
      messages: Message[];
      stream?: boolean;
      options?: { num_predict?: number; stop?: string[] };
    };
    const result = answer(
      body.messages,
      { max_tokens: body.options?.num_predict, stop: body.options?.stop },
      options,
    );
    const final = {
      model,
      created_at: "2026-01-01T00:00:00Z",
      message: { role: "assistant", content: body.stream ? "" : result.content },
      done: true,
      done_reason: result.finish,
      prompt_eval_count: promptTokens(body.messages, options),
      eval_count: result.completion,
    };
    if (body.stream === true) {
      const pieces = result.content.match(/\S+\s*|\s+/g) ?? [];
      const lines = pieces.map((piece) =>
        JSON.stringify({ model, message: { role: "assistant", content: piece }, done: false }),
      );
      response.end(`${[...lines, JSON.stringify(final)].join("\n")}\n`);
      return;
    }
    response.end(JSON.stringify(final));
  });
  const url = await listen(server);
  return { url, seen, peakInFlight: () => 1, close: closer(server) };
}
