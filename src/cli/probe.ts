/** `lineage probe`: black-box evidence from a chat API. */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { ApiError, UsageError } from "../errors.js";
import { OllamaClient } from "../probe/client/ollama.js";
import { OpenAiClient } from "../probe/client/openai.js";
import { type ProgressEvent, redact, type TransportOptions } from "../probe/client/transport.js";
import type { ChatClient } from "../probe/client/types.js";
import { PROBE_NAMES, type ProbeName, runProbe } from "../probe/run.js";
import { DEFAULT_UNIT_COUNT, defaultReferenceTable } from "../probe/tokenizer/default-table.js";
import { renderProbeHtml } from "../report/html/probe-html.js";
import { renderProbeTerminal } from "../report/probe-terminal.js";

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
  tokenizerUnits: string;
}

function parseUnitCount(value: string): number {
  return value === "all" ? Number.POSITIVE_INFINITY : positiveInteger(value, "--tokenizer-units");
}

function positiveInteger(value: string, option: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new UsageError(
      `${option} must be a ${allowZero ? "non-negative" : "positive"} integer, got '${value}'`,
      { field: option },
    );
  }
  return n;
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

function progressPrinter(): (event: ProgressEvent) => void {
  return (event) => {
    const s = event.stats;
    const line = `probe: ${s.requests} sent, ${s.cacheHits} cached, ${s.retries} retries, ${s.failures} failed · ${event.label}`;
    process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
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
  const showProgress = options.progress && process.stderr.isTTY === true;
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
    onProgress: showProgress ? progressPrinter() : undefined,
  };
  const seed = positiveInteger(options.seed, "--seed", true);
  const client: ChatClient =
    options.ollama === true
      ? new OllamaClient({ ...transport, seed })
      : new OpenAiClient({ ...transport, seed });
  const report = await runProbe({
    client,
    baseUrl: options.baseUrl,
    model: options.model,
    reference: defaultReferenceTable(parseUnitCount(options.tokenizerUnits)),
    probes: parseProbes(options.probes),
    identitySamples: positiveInteger(options.samples, "--samples"),
  });
  if (showProgress) process.stderr.write("\r\x1b[2K");
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
    await writeFile(options.html, redact(renderProbeHtml(report), apiKey));
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
    .option("--no-progress", "no progress line on stderr")
    .action(probeCommand);
}
