/** Server-sent events as sent by OpenAI-compatible streams: `data:` lines, events split by blank lines. */

export interface SseStream {
  /** The JSON text of each `data:` event except the final `[DONE]`. */
  events: string[];
  /** A `data: [DONE]` event was seen. */
  done: boolean;
}

export function parseSse(body: string): SseStream {
  const events: string[] = [];
  let done = false;
  for (const block of body.replace(/\r\n?/g, "\n").split("\n\n")) {
    const data = block
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""))
      .join("\n");
    if (data === "") continue;
    if (data.trim() === "[DONE]") {
      done = true;
      continue;
    }
    events.push(data);
  }
  return { events, done };
}
