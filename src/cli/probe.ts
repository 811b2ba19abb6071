/** `lineage probe`: black-box evidence from a chat API. */
import type { Command } from "commander";
import { ApiError, UsageError } from "../errors.js";
import { OllamaClient } from "../probe/client/ollama.js";
import { OpenAiClient } from "../probe/client/openai.js";
import { type ProgressEvent, redact, type TransportOptions } from "../probe/client/transport.js";
import type { ChatClient } from "../probe/client/types.js";
import { PROBE_NAMES, type ProbeName, runProbe } from "../probe/run.js";
import { DEFAULT_UNIT_COUNT, defaultReferenceTable } from "../probe/tokenizer/default-table.js";
import type { ProgressReporter } from "../progress.js";
import { renderProbeHtml } from "../report/html/probe-html.js";
import { renderProbeTerminal } from "../report/probe-terminal.js";
import { assertWritable, parseInteger, writeOutput } from "./options.js";
import { progressDisplay } from "./progress.js";

interface ProbeOptions {
  baseUrl: string;
  model: string;
  ollama?: boolean;
  /** Undefined means OPENAI_API_KEY, except with --ollama, which sends no key unless named. */
  apiKeyEnv?: string;
  json?: boolean;
  html?: string;
  probes: string;
  samples: string;
  concurrency: string;
  maxRequests?: string;
  timeout: string;
  retries: string;
  cacheDir: string;
  cache: boolean;
  seed: string;
  progress: boolean;
  quiet?: boolean;
  tokenizerUnits: string;
}

function parseUnitCount(value: string): number {
  return value === "all" ? Number.POSITIVE_INFINITY : positiveInteger(value, "--tokenizer-units");
}

function positiveInteger(value: string, option: string, allowZero = false): number {
  return parseInteger(value, option, { min: allowZero ? 0 : 1 });
}

function parseProbes(list: string): ProbeName[] {
  const names = list
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of names) {
    if (!(PROBE_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown probe '${name}' (known: ${PROBE_NAMES.join(", ")})`, {
        field: "--probes",
      });
    }
  }
  return names as ProbeName[];
}

/** The transport's request events as progress events for the shared stderr display. */
function requestProgress(show: ProgressReporter | undefined) {
  if (show === undefined) return undefined;
  return (event: ProgressEvent) => {
    const s = event.stats;
    show({
      task: "probe",
      done: s.requests + s.cacheHits,
      unit: "requests",
      detail: `(${s.cacheHits} cached, ${s.retries} retries, ${s.failures} failed) ${event.label}`,
    });
  };
}

export async function probeCommand(options: ProbeOptions): Promise<void> {
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch {
    throw new UsageError(`--base-url is not a URL: '${options.baseUrl}'`, { field: "--base-url" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError("--base-url must be http:// or https://", { field: "--base-url" });
  }
  // An Ollama server gets no key unless one is named: OPENAI_API_KEY is not meant for it.
  const keyEnv = options.apiKeyEnv ?? (options.ollama === true ? undefined : "OPENAI_API_KEY");
  const apiKey = keyEnv === undefined ? undefined : process.env[keyEnv] || undefined;
  if (apiKey === undefined && keyEnv !== undefined) {
    process.stderr.write(`lineage: note: ${keyEnv} is not set; sending requests without an API key\n`);
  }
  if (options.html !== undefined) await assertWritable(options.html, "--html");
  const display = progressDisplay({ quiet: options.quiet === true || !options.progress });
  const transport: TransportOptions = {
    baseUrl: options.baseUrl,
    model: options.model,
    apiKey,
    concurrency: positiveInteger(options.concurrency, "--concurrency"),
    maxRequests:
      options.maxRequests === undefined ? undefined : positiveInteger(options.maxRequests, "--max-requests"),
    timeoutMs: positiveInteger(options.timeout, "--timeout") * 1000,
    retries: positiveInteger(options.retries, "--retries", true),
    cacheDir: options.cacheDir,
    refresh: !options.cache,
    onProgress: requestProgress(display.onProgress),
  };
  const seed = positiveInteger(options.seed, "--seed", true);
  const client: ChatClient =
    options.ollama === true
      ? new OllamaClient({ ...transport, seed })
      : new OpenAiClient({ ...transport, seed });
  const reference = defaultReferenceTable(parseUnitCount(options.tokenizerUnits));
  const probes = parseProbes(options.probes);
  const identitySamples = positiveInteger(options.samples, "--samples");
  let report: Awaited<ReturnType<typeof runProbe>>;
  try {
    report = await runProbe({
      client,
      baseUrl: options.baseUrl,
      model: options.model,
      reference,
      probes,
      identitySamples,
    });
  } finally {
    display.stop();
  }
  if (report.cost.answers === 0 && report.stoppedEarly !== null) {
    throw new ApiError(`gave up: ${redact(report.stoppedEarly, apiKey)}`, {
      file: options.baseUrl,
    });
  }
  if (report.cost.answers === 0 && report.failures.length > 0) {
    throw new ApiError(
      `no request succeeded; first failure: ${redact(report.failures[0]!.message, apiKey)}`,
      {
        file: options.baseUrl,
      },
    );
  }
  const text =
    options.json === true ? JSON.stringify(report, null, 2) : renderProbeTerminal(report).join("\n");
  process.stdout.write(`${redact(text, apiKey)}\n`);
  if (options.html !== undefined) {
    await writeOutput(options.html, redact(renderProbeHtml(report), apiKey), "--html");
    process.stderr.write(`lineage: HTML report written to ${options.html}\n`);
  }
}

export function registerProbe(program: Command): void {
  program
    .command("probe")
    .description(
      "Probe a chat API: tokenizer through usage counts, hidden translation layer, protocol tells, self-identification",
    )
    .requiredOption(
      "--base-url <url>",
      "API base URL, e.g. https://api.example.com/v1 (Ollama: http://localhost:11434)",
    )
    .requiredOption("--model <name>", "model name to send")
    .option("--ollama", "speak Ollama's native API (/api/chat, /api/show, /api/tags)")
    .option(
      "--api-key-env <name>",
      "environment variable holding the API key (default OPENAI_API_KEY; none with --ollama)",
    )
    .option("--json", "print the report as JSON")
    .option("--html <file>", "also write a single-file HTML report")
    .option("--probes <list>", "comma-separated probes to run", PROBE_NAMES.join(","))
    .option(
      "--tokenizer-units <n|all>",
      "probe units the tokenizer probe sends (3 requests each)",
      String(DEFAULT_UNIT_COUNT),
    )
    .option("--samples <n>", "identity samples per question and system-prompt setting", "2")
    .option("--concurrency <n>", "parallel requests", "4")
    .option("--max-requests <n>", "stop after this many HTTP requests (retries included)")
    .option("--timeout <seconds>", "per-request timeout", "60")
    .option("--retries <n>", "retries after a 429, 5xx, timeout or unusable answer", "4")
    .option("--cache-dir <dir>", "response cache folder", ".lineage-cache")
    .option("--no-cache", "ask again instead of reusing cached answers (fresh answers are still stored)")
    .option("--seed <n>", "seed sent with every request", "1234")
    .option("--no-progress", "no progress line on stderr (same as the global --quiet)")
    .action((options: ProbeOptions, command: Command) =>
      probeCommand({ ...options, quiet: command.optsWithGlobals<{ quiet?: boolean }>().quiet }),
    );
}
