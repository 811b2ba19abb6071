/** The `lineage probe` report: what a chat API revealed, with evidence for and against. */
import type { ProbeFailure } from "./attempts.js";
import type { OllamaModelInfo } from "./client/ollama.js";
import type { ClientStats } from "./client/types.js";
import type { IdentityReport } from "./identity/probe.js";
import type { ProtocolReport } from "./protocol/probe.js";
import type { TokenizerReport } from "./tokenizer/probe.js";
import type { TranslationReport } from "./translation/probe.js";

/** A probe that was not run (or an Ollama-only part on another API) is `null`, so every key is in the JSON. */
export interface ProbeReport {
  target: { baseUrl: string; model: string; api: "openai" | "ollama" };
  identity: IdentityReport | null;
  tokenizer: TokenizerReport | null;
  translationLayer: TranslationReport | null;
  protocol: ProtocolReport | null;
  /** Ollama only: what `/api/show` and `/api/tags` say about the base model. */
  ollama: OllamaModelInfo | null;
  /** Requests that failed after retries, and probes that could not run. */
  failures: ProbeFailure[];
  cost: ClientStats;
  /** Plain sentences, strongest evidence first. */
  summary: string[];
}
