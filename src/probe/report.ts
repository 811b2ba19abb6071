/** The `lineage probe` report: what a chat API revealed, with evidence for and against. */
import type { ProbeFailure } from "./attempts.js";
import type { OllamaModelInfo } from "./client/ollama.js";
import type { ClientStats } from "./client/types.js";
import type { IdentityReport } from "./identity/probe.js";
import type { ProtocolReport } from "./protocol/probe.js";
import type { TokenizerReport } from "./tokenizer/probe.js";
import type { TranslationReport } from "./translation/probe.js";

export interface ProbeReport {
  target: { baseUrl: string; model: string; api: "openai" | "ollama" };
  identity: IdentityReport | undefined;
  tokenizer: TokenizerReport | undefined;
  translationLayer: TranslationReport | undefined;
  protocol: ProtocolReport | undefined;
  /** Ollama only: what `/api/show` and `/api/tags` say about the base model. */
  ollama: OllamaModelInfo | undefined;
  /** Requests that failed after retries, and probes that could not run. */
  failures: ProbeFailure[];
  cost: ClientStats;
  /** Plain sentences, strongest evidence first. */
  summary: string[];
}
