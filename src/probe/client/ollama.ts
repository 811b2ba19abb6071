/** Ollama's native API: `/api/chat`, `/api/show` (names the base family), `/api/tags`. */
import { ApiError } from "../../errors.js";
import { TransportClient } from "./base-client.js";
import type { ChatRequest, ChatResult } from "./types.js";
import { isObject, type Json, keysBeyond, num, parseJsonObject, str } from "./wire.js";

const KNOWN_CHAT_KEYS = [
  "model",
  "created_at",
  "message",
  "done",
  "done_reason",
  "total_duration",
  "load_duration",
  "prompt_eval_count",
  "prompt_eval_duration",
  "eval_count",
  "eval_duration",
];

/** Longest template we quote in a report: enough to recognise a chat format. */
const MAX_TEMPLATE_CHARS = 2000;

/** What Ollama says about a model's origin. */
export interface OllamaModelInfo {
  /** `details.family`, e.g. `llama`, `qwen2`. */
  family: string | undefined;
  families: string[];
  /** `model_info['general.architecture']`. */
  architecture: string | undefined;
  /** `model_info['general.basename']`, when the GGUF names its base. */
  baseName: string | undefined;
  parentModel: string | undefined;
  parameterSize: string | undefined;
  quantization: string | undefined;
  /** The chat template (truncated to 2000 characters). */
  template: string | undefined;
  /** `/api/tags` lists the model. */
  listed: boolean | undefined;
}

export class OllamaClient extends TransportClient {
  readonly kind = "ollama";

  chat(request: ChatRequest): Promise<ChatResult> {
    const options: Json = {
      temperature: request.temperature ?? 0,
      seed: this.seedOf(request),
    };
    if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
    if (request.stop !== undefined) options.stop = request.stop;
    const body = {
      model: this.options.model,
      messages: request.messages,
      stream: request.stream === true,
      options,
    };
    return this.transport.exchange({
      label: request.label,
      path: "/api/chat",
      body,
      parse: (text, fromCache) => parseOllamaChat(text, request.stream === true, fromCache),
    });
  }

  /** `/api/show` and `/api/tags`; each part is undefined when the server refuses it. */
  async describe(): Promise<OllamaModelInfo> {
    const show = await this.transport.exchange({
      label: "ollama /api/show",
      path: "/api/show",
      body: { model: this.options.model },
      parse: (text) => parseJsonObject(text, "/api/show answer"),
    });
    let listed: boolean | undefined;
    try {
      const tags = await this.transport.exchange({
        label: "ollama /api/tags",
        path: "/api/tags",
        method: "GET",
        parse: (text) => parseJsonObject(text, "/api/tags answer"),
      });
      const models = Array.isArray(tags.models) ? tags.models.filter(isObject) : [];
      listed = models.some((entry) => [str(entry.name), str(entry.model)].includes(this.options.model));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
    return { ...parseShow(show), listed };
  }
}

export function parseShow(show: Json): Omit<OllamaModelInfo, "listed"> {
  const details = isObject(show.details) ? show.details : {};
  const info = isObject(show.model_info) ? show.model_info : {};
  const template = str(show.template);
  return {
    family: str(details.family),
    families: Array.isArray(details.families)
      ? details.families.filter((f): f is string => typeof f === "string")
      : [],
    architecture: str(info["general.architecture"]),
    baseName: str(info["general.basename"]),
    parentModel: str(details.parent_model) || undefined,
    parameterSize: str(details.parameter_size),
    quantization: str(details.quantization_level),
    template: template === undefined ? undefined : template.slice(0, MAX_TEMPLATE_CHARS),
  };
}

export function parseOllamaChat(text: string, streamed: boolean, fromCache: boolean): ChatResult {
  const lines = streamed ? text.split("\n").filter((line) => line.trim() !== "") : [text];
  const objects = lines.map((line) =>
    parseJsonObject(line, streamed ? "Ollama stream line" : "Ollama chat answer"),
  );
  const last = objects.at(-1);
  if (last === undefined) throw new ApiError("Ollama sent an empty answer");
  if (str(last.error) !== undefined) throw new ApiError(`Ollama error: ${str(last.error)}`);
  if (last.done !== true)
    throw new ApiError(`Ollama ${streamed ? "stream" : "answer"} ended before 'done: true'`);
  const pieces = objects.map((o) => (isObject(o.message) ? (str(o.message.content) ?? "") : ""));
  const prompt = num(last.prompt_eval_count);
  const completion = num(last.eval_count);
  return {
    id: undefined,
    model: str(last.model),
    object: undefined,
    systemFingerprint: undefined,
    choices: [
      {
        content: pieces.join(""),
        finishReason: str(last.done_reason),
        hasLogprobs: last.logprobs !== undefined,
      },
    ],
    usage: {
      promptTokens: prompt,
      completionTokens: completion,
      totalTokens: prompt !== undefined && completion !== undefined ? prompt + completion : undefined,
      extraKeys: [],
    },
    extraKeys: keysBeyond(last, [...KNOWN_CHAT_KEYS, "logprobs"]),
    streamChunks: streamed ? pieces.filter((piece) => piece !== "") : undefined,
    fromCache,
  };
}
