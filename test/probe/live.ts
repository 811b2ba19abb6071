/** tokenc's live reference counters (gpt-tokenizer encodings), loaded on demand for the probe tests. */
import type { TokenCounter } from "../../src/tokenizers/counter.js";
import { LIVE_FAMILIES, loadLiveTokenCounter } from "../../src/tokenizers/reference/live-counters.js";

const loaded = new Map<string, Promise<TokenCounter>>();

/** One live counter; each encoding is loaded once per test process. */
export function liveCounter(family: string): Promise<TokenCounter> {
  let counter = loaded.get(family);
  if (counter === undefined) {
    counter = loadLiveTokenCounter(family);
    loaded.set(family, counter);
  }
  return counter;
}

export function allLiveCounters(): Promise<TokenCounter[]> {
  return Promise.all(LIVE_FAMILIES.map(liveCounter));
}
