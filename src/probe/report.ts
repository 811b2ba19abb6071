/** The `lineage probe` report: what a chat API revealed, with evidence for and against. */
import type { ProbeFailure, ProbeNotSent } from "./attempts.js";
import type { OllamaModelInfo } from "./client/ollama.js";
import type { ClientStats } from "./client/types.js";
import type { ConsistencyReport } from "./consistency.js";
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
  /** Whether the declared family, the model's own claims and the tokenizer evidence agree. */
  consistency: ConsistencyReport;
  /** Requests that were sent and failed after retries. */
  failures: ProbeFailure[];
  /** Requests never sent: the `--max-requests` budget was spent, or the endpoint had stopped answering. */
  notSent: ProbeNotSent[];
  /** Why the client stopped sending early (too many failures in a row), or null. */
  stoppedEarly: string | null;
  cost: ClientStats;
  /** Plain sentences, strongest evidence first. */
  summary: string[];
}
