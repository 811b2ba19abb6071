/** What a response id's shape suggests about the software that produced it. */

const FORMATS: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /^chatcmpl-[0-9a-f]{32}$/, name: "chatcmpl-<32 hex> (vLLM/SGLang style)" },
  { pattern: /^chatcmpl-[A-Za-z0-9]{20,40}$/, name: "chatcmpl-<base62> (OpenAI style)" },
  { pattern: /^chatcmpl-\d+$/, name: "chatcmpl-<digits> (llama.cpp/LocalAI style)" },
  { pattern: /^chatcmpl-/, name: "chatcmpl-… (OpenAI-compatible, other)" },
  { pattern: /^gen-\d+-[A-Za-z0-9]+$/, name: "gen-<time>-<id> (OpenRouter style)" },
  { pattern: /^msg_/, name: "msg_… (Anthropic style)" },
  { pattern: /^req_vrtx_/, name: "req_vrtx_… (Vertex AI style)" },
  { pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, name: "UUID" },
  { pattern: /^[0-9a-f]{32}$/i, name: "32 hex digits" },
  { pattern: /^\d+$/, name: "digits only" },
];

/** A named format, or the id's shape (letters → a, digits → 9) when none fits. */
export function classifyId(id: string | undefined): string {
  if (id === undefined || id === "") return "absent";
  for (const format of FORMATS) if (format.pattern.test(id)) return format.name;
  const shape = id
    .slice(0, 48)
    .replace(/[A-Za-z]/g, "a")
    .replace(/\d/g, "9");
  return `unrecognised shape ${shape}`;
}
