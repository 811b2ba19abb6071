/** `runProbe`: the probes in sequence (so each one's request count is its own), one report. */
import { FailureLog } from "./attempts.js";
import { OllamaClient, type OllamaModelInfo } from "./client/ollama.js";
import type { ChatClient } from "./client/types.js";
import { checkConsistency } from "./consistency.js";
import { probeIdentity } from "./identity/probe.js";
import { probeProtocol } from "./protocol/probe.js";
import type { ProbeReport } from "./report.js";
import { summarise } from "./summary.js";
import { probeTokenizer } from "./tokenizer/probe.js";
import type { UnitSelection } from "./tokenizer/select-units.js";
import { probeTranslation } from "./translation/probe.js";

export type ProbeName = "identity" | "tokenizer" | "translation" | "protocol";
export const PROBE_NAMES: readonly ProbeName[] = ["identity", "tokenizer", "translation", "protocol"];

export interface RunProbeOptions {
  client: ChatClient;
  baseUrl: string;
  model: string;
  /** Reference counts the tokenizer probe compares with (see `defaultReferenceTable`). */
  reference: UnitSelection;
  probes?: readonly ProbeName[];
  identitySamples?: number;
}

export async function runProbe(options: RunProbeOptions): Promise<ProbeReport> {
  const { client } = options;
  const probes = new Set(options.probes ?? PROBE_NAMES);
  const log = new FailureLog();
  let ollama: OllamaModelInfo | null = null;
  if (client instanceof OllamaClient) {
    ollama = (await log.attempt("ollama", "ollama /api/show", () => client.describe())) ?? null;
  }
  const tokenizer = probes.has("tokenizer")
    ? await probeTokenizer(client, log, options.reference.table, options.reference.inseparable)
    : null;
  const protocol = probes.has("protocol") ? await probeProtocol(client, log) : null;
  const translationLayer = probes.has("translation") ? await probeTranslation(client, log) : null;
  const identity = probes.has("identity")
    ? await probeIdentity(client, log, { samples: options.identitySamples ?? 2 })
    : null;
  const partial: Omit<ProbeReport, "summary"> = {
    target: { baseUrl: options.baseUrl, model: options.model, api: client.kind },
    identity,
    tokenizer,
    translationLayer,
    protocol,
    ollama,
    consistency: checkConsistency(ollama, identity, tokenizer),
    failures: log.failures,
    notSent: log.notSent,
    stoppedEarly: client.stoppedBecause ?? null,
    cost: { ...client.stats },
  };
  return { ...partial, summary: summarise(partial) };
}
