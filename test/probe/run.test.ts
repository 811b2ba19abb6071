import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { probeCommand } from "../../src/cli/probe.js";
import { ApiError, UsageError } from "../../src/errors.js";
import { OllamaClient } from "../../src/probe/client/ollama.js";
import { OpenAiClient } from "../../src/probe/client/openai.js";
import { MAX_CONSECUTIVE_FAILURES } from "../../src/probe/client/transport.js";
import type { ProbeReport } from "../../src/probe/report.js";
import { type ProbeName, runProbe } from "../../src/probe/run.js";
import { defaultReferenceTable } from "../../src/probe/tokenizer/default-table.js";
import { renderProbeTerminal } from "../../src/report/probe-terminal.js";
import type { TokenCounter } from "../../src/tokenizers/counter.js";
import { loadTokenCounter } from "../../src/tokenizers/token-counter.js";
import { fixture, repoRoot } from "../helpers.js";
import { honestBrain } from "./brains.js";
import { liveCounter } from "./live.js";
import { type FakeServerOptions, startOllamaServer, startOpenAiServer } from "./servers.js";

const run = promisify(execFile);

/** Runs `task` with process.stdout captured (the CLI layer writes its report there). */
async function captureStdout(task: () => Promise<void>): Promise<{ stdout: string }> {
  const captured = { stdout: "" };
  const write = process.stdout.write;
  // The CLI writes strings; the test runner's own (binary) messages pass through untouched.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== "string") return write.call(process.stdout, chunk, ...rest);
    captured.stdout += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await task();
  } finally {
    process.stdout.write = write;
  }
  return captured;
}
const defaults = {
  apiKeyEnv: "PROBE_UNSET_KEY",
  probes: "identity,tokenizer,translation,protocol",
  samples: "1",
  concurrency: "4",
  timeout: "5",
  retries: "0",
  cacheDir: ".lineage-cache",
  cache: false,
  seed: "1234",
  progress: false,
  tokenizerUnits: "20",
};
const [cl100k, o200k] = await Promise.all([liveCounter("cl100k"), liveCounter("o200k")]);
const llama2 = await loadTokenCounter(fixture("vocab", "llama-spm.gguf"));
const reference = defaultReferenceTable();
const fast = { timeoutMs: 300, retries: 2, backoffMs: 5, maxBackoffMs: 20 };
const qwen = honestBrain(
  "I am Qwen, a large language model created by Alibaba Cloud.",
  "我是通义千问，由阿里云开发。",
);
const chatgpt = honestBrain("I am ChatGPT, developed by OpenAI.", "我是ChatGPT，由OpenAI开发。");

async function probeOpenAi(
  options: FakeServerOptions,
  extra: Partial<ConstructorParameters<typeof OpenAiClient>[0]> = {},
) {
  const server = await startOpenAiServer(options);
  try {
    const client = new OpenAiClient({ baseUrl: server.url, model: "test-model", ...fast, ...extra });
    return await runProbe({
      client,
      baseUrl: server.url,
      model: "test-model",
      reference,
      identitySamples: 1,
    });
  } finally {
    await server.close();
  }
}

/** Runs `probes` against an Ollama server (see `ollamaServer`), then closes it. */
async function probeOllama(
  model: string,
  counter: TokenCounter,
  family: string,
  probes: ProbeName[],
): Promise<ProbeReport> {
  const server = await ollamaServer(model, counter, family, "");
  try {
    const client = new OllamaClient({ baseUrl: server.url, model, ...fast });
    return await runProbe({ client, baseUrl: server.url, model, reference, probes, identitySamples: 1 });
  } finally {
    await server.close();
  }
}

/** An Ollama server whose /api/show names `family` as both family and architecture. */
function ollamaServer(model: string, counter: TokenCounter, family: string, template: string) {
  return startOllamaServer(model, { counter, brain: qwen, family, architecture: family, template });
}

function assertShape(report: ProbeReport): void {
  const json = JSON.parse(JSON.stringify(report));
  assert.ok(Array.isArray(json.identity.claims));
  for (const claim of json.identity.claims)
    assert.deepEqual(
      Object.keys(claim).sort(),
      ["count", "family", "vendor"].filter((k) => k in claim).sort(),
    );
  assert.ok(
    "best" in json.tokenizer &&
      Array.isArray(json.tokenizer.candidates) &&
      typeof json.tokenizer.requests === "number",
  );
  assert.ok(
    json.tokenizer.candidates.every(
      (c: { family: string; agreement: number }) =>
        typeof c.family === "string" && typeof c.agreement === "number",
    ),
  );
  assert.equal(typeof json.translationLayer.suspected, "boolean");
  assert.ok(Array.isArray(json.translationLayer.evidence));
  assert.equal(typeof json.protocol, "object");
  assert.ok(Array.isArray(json.summary) && json.summary.length > 0);
  const text = [...renderProbeTerminal(report), ...report.summary].join("\n");
  assert.doesNotMatch(text, /fraud/i);
}

describe("runProbe against local servers", () => {
  it("an honest server: its tokenizer, its own maker, no translation layer, parameters honoured", async () => {
    const report = await probeOpenAi({ counter: o200k, brain: qwen });
    assertShape(report);
    assert.equal(report.tokenizer?.best, "o200k");
    assert.equal(report.identity?.claims[0]?.vendor, "Alibaba");
    assert.equal(report.identity?.claims[0]?.family, "Qwen");
    assert.equal(report.translationLayer?.suspected, false);
    assert.deepEqual(report.protocol?.parameters, {
      maxTokens: "honoured",
      stop: "honoured",
      n: "honoured",
      logprobs: "honoured",
    });
    assert.equal(report.protocol?.idFormat, "chatcmpl-<base62> (OpenAI style)");
    assert.equal(report.protocol?.systemFingerprint, "fp_test0001");
    assert.equal(report.protocol?.streaming.usageInStream, true);
    assert.equal(report.failures.length, 0);
    assert.match(report.summary.join("\n"), /Self-identification \(weak evidence\)/);
  });

  it("a server claiming another maker: the claim is reported as weak evidence next to the tokenizer", async () => {
    const report = await probeOpenAi({
      counter: cl100k,
      brain: chatgpt,
      idPrefix: "",
      extraUsage: { prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: 5 },
      ignoreParameters: true,
    });
    assertShape(report);
    assert.equal(report.tokenizer?.best, "cl100k");
    assert.equal(report.identity?.claims[0]?.vendor, "OpenAI");
    assert.deepEqual(report.protocol?.parameters, {
      maxTokens: "ignored",
      stop: "ignored",
      n: "ignored",
      logprobs: "ignored",
    });
    assert.deepEqual(report.protocol?.extraUsageFields, [
      "prompt_cache_hit_tokens",
      "prompt_cache_miss_tokens",
    ]);
    assert.ok(report.protocol?.notes.some((note) => note.includes("DeepSeek")));
    assert.match(report.summary.join("\n"), /misname their maker/);
  });

  it("a faulty server (429, 500, hangs, broken JSON, truncated streams): the probe finishes with a clear report", async () => {
    const cycle = ["429", "500", "hang", "broken-json", "truncated-stream", undefined, undefined] as const;
    const report = await probeOpenAi({ counter: cl100k, brain: qwen, fault: (i) => cycle[i % cycle.length] });
    assertShape(report);
    assert.ok(report.cost.retries > 0);
    assert.ok(report.cost.answers > 0);
    for (const failure of report.failures) assert.match(failure.message, /HTTP|timeout|JSON|stream|budget/);
    if (report.failures.length > 0) assert.match(report.summary.join("\n"), /failed after retries/);
  });

  it("a server that always fails: every probe reports what it could not do, nothing is thrown", async () => {
    const report = await probeOpenAi({ counter: cl100k, brain: qwen, fault: () => "500" }, { retries: 1 });
    assert.equal(report.tokenizer?.best, null);
    assert.equal(report.cost.answers, 0);
    assertShape(report);
    assert.ok(report.failures.length > 0 && report.failures.every((f) => /HTTP 500/.test(f.message)));
    assert.match(report.translationLayer?.verdict ?? "", /^inconclusive/);
  });

  it("a request budget stops the run early: requests never sent are not failures", async () => {
    const report = await probeOpenAi({ counter: cl100k, brain: qwen }, { maxRequests: 10 });
    assert.equal(report.cost.requests, 10);
    assert.equal(report.cost.failures, 0);
    assert.deepEqual(report.failures, []);
    assert.ok(report.notSent.length > 0);
    assert.equal(report.cost.notSent, report.notSent.length);
    assert.ok(report.notSent.every((entry) => entry.reason === "request budget spent"));
    assert.equal(report.identity?.failedRequests, 0);
    assert.ok((report.identity?.notSent ?? 0) > 0);
    const text = report.summary.join("\n");
    assert.match(text, /request\(s\) were not sent: the --max-requests budget was spent/);
    assert.doesNotMatch(text, /failed after retries/);
  });

  it("a refused connection: stops after a few attempts in a row, sends nothing more", async () => {
    const server = await startOpenAiServer({ counter: cl100k, brain: qwen });
    const url = server.url;
    await server.close(); // the port now refuses connections
    const client = new OpenAiClient({ baseUrl: url, model: "test-model", ...fast, retries: 4 });
    const report = await runProbe({
      client,
      baseUrl: url,
      model: "test-model",
      reference,
      identitySamples: 1,
    });
    assert.ok(report.cost.requests <= MAX_CONSECUTIVE_FAILURES + 4, `${report.cost.requests} requests`);
    assert.equal(report.cost.answers, 0);
    assert.match(report.stoppedEarly ?? "", /^6 attempts in a row failed .*network error/);
    assert.ok(
      report.notSent.length > 50 && report.notSent.every((e) => e.reason === "endpoint stopped answering"),
    );
    assert.match(report.summary[0]!, /^The endpoint stopped answering/);
  });

  it("an endpoint answering 500 to everything: stops early too; 429s and broken bodies do not count", async () => {
    const report = await probeOpenAi({ counter: cl100k, brain: qwen, fault: () => "500" }, { retries: 4 });
    assert.ok(report.cost.requests <= MAX_CONSECUTIVE_FAILURES + 4, `${report.cost.requests} requests`);
    assert.match(report.stoppedEarly ?? "", /HTTP 500/);
    const lively = await probeOpenAi(
      {
        counter: cl100k,
        brain: qwen,
        fault: (i) => (i % 3 === 2 ? undefined : i % 2 ? "429" : "broken-json"),
      },
      { retries: 4 },
    );
    assert.equal(lively.stoppedEarly, null, "a server that answers is not taken as down");
  });

  it("choices: [] is a failed request, not an answer that named no vendor", async () => {
    const report = await probeOpenAi({ counter: cl100k, brain: qwen, emptyChoices: true });
    assert.equal(report.identity?.answers, 0);
    assert.equal(report.identity?.answersWithoutClaim, 0);
    assert.ok((report.identity?.failedRequests ?? 0) > 0);
    assert.ok(report.failures.some((f) => /no choices/.test(f.message)));
    assert.equal(report.translationLayer?.answered, 0);
    assert.match(report.summary.join("\n"), /Self-identification \(weak evidence\): no answer in 0 answers/);
    assert.doesNotMatch(
      renderProbeTerminal(report).join("\n"),
      /of 0 answers named no vendor; 0 requests failed/,
    );
  });

  it("no usage in the answers: no table of 0/0 agreements, a note instead", async () => {
    const report = await probeOpenAi({ counter: cl100k, brain: qwen, noUsage: true });
    assert.deepEqual(report.tokenizer?.candidates, []);
    assert.equal(report.tokenizer?.best, null);
    const text = renderProbeTerminal(report).join("\n");
    assert.doesNotMatch(text, /\(0\/0\)/);
    assert.match(text, /no unit could be measured/);
  });

  it("an Ollama server: /api/show's family and template are reported, prompt_eval_count gives the tokenizer", async () => {
    const template = "{{ .System }}<|im_start|>user\n{{ .Prompt }}<|im_end|>";
    const server = await ollamaServer("test-model:7b", o200k, "qwen2", template);
    try {
      const client = new OllamaClient({ baseUrl: server.url, model: "test-model:7b", ...fast });
      const report = await runProbe({
        client,
        baseUrl: server.url,
        model: "test-model:7b",
        reference,
        identitySamples: 1,
      });
      assert.equal(report.ollama?.family, "qwen2");
      assert.equal(report.ollama?.architecture, "qwen2");
      assert.equal(report.ollama?.listed, true);
      assert.match(report.ollama?.template ?? "", /im_start/);
      assert.equal(report.tokenizer?.best, "o200k");
      assert.equal(report.protocol?.parameters.n, "not tested");
      assert.equal(report.protocol?.parameters.maxTokens, "honoured");
      assert.match(report.summary.join("\n"), /details\.family=qwen2/);
      // Declared qwen2, counts with o200k: the declared family and the tokenizer evidence contradict.
      assert.equal(report.consistency.status, "inconsistent");
    } finally {
      await server.close();
    }
  });

  it("declared qwen2 and claiming Qwen while counting like Llama 2: reported as inconsistent evidence", async () => {
    const report = await probeOllama("qwen-demo:7b", llama2, "qwen2", ["tokenizer", "identity"]);
    assert.equal(report.tokenizer?.best, "llama-2");
    assert.equal(report.identity?.claims[0]?.family, "Qwen");
    assert.equal(report.consistency.status, "inconsistent");
    assert.deepEqual(
      report.consistency.statements.map((s) => [s.source, s.families]),
      [
        ["declared", ["Qwen"]],
        ["self-identification", ["Qwen"]],
        ["tokenizer", ["Llama", "Phi"]],
      ],
    );
    assert.equal(report.consistency.contradictions.length, 2, "tokenizer vs declared, tokenizer vs claim");
    assert.equal(
      report.summary[0],
      "Inconsistent evidence: usage counts match llama-2 / phi-3 (Llama or Phi; strong evidence), " +
        "but Ollama /api/show declares details.family=qwen2, general.architecture=qwen2 (Qwen; declared by the packager) " +
        "and the model names itself Qwen (Alibaba) in 16 of 16 answers (Qwen; weak evidence). " +
        "These cannot all be right; usage counts are the strongest of these signals, self-identification the weakest.",
    );
  });

  it("an honest Ollama server: declared, claimed and counted families agree", async () => {
    const report = await probeOllama("m", o200k, "gptoss", ["tokenizer"]);
    assert.equal(report.consistency.status, "consistent");
    assert.doesNotMatch(report.summary.join("\n"), /Inconsistent/);
  });
});

describe("lineage probe (CLI, real process)", () => {
  const SECRET = "sk-cli-SECRET-0a1b2c3d4e5f";
  const cli = (args: string[], env: Record<string, string>) =>
    run(process.execPath, ["--import", "tsx", join(repoRoot, "src", "cli", "main.ts"), "probe", ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      timeout: 60_000,
    }).catch((error: { stdout: string; stderr: string; code: number }) => error);

  it("prints JSON, caches answers so a rerun costs nothing, and never reveals the key", async () => {
    const server = await startOpenAiServer({ counter: cl100k, brain: qwen, apiKey: SECRET });
    const cacheDir = await mkdtemp(join(tmpdir(), "lineage-cli-"));
    const htmlPath = join(await mkdtemp(join(tmpdir(), "lineage-html-")), "probe.html");
    try {
      const args = [
        "--base-url",
        server.url,
        "--model",
        "m",
        "--api-key-env",
        "PROBE_TEST_KEY",
        "--samples",
        "1",
      ];
      args.push("--probes", "tokenizer,identity", "--cache-dir", cacheDir, "--timeout", "5");
      const first = await cli([...args, "--json"], { PROBE_TEST_KEY: SECRET });
      assert.equal(first.stderr, "", "no note, no progress line when stderr is not a TTY");
      const report = JSON.parse(first.stdout) as ProbeReport;
      assert.equal(report.tokenizer?.best, "cl100k");
      assert.ok(report.cost.requests > 0);
      // The rerun goes through the same command in this process, its stdout captured: all from cache.
      process.env.PROBE_TEST_KEY = SECRET;
      let second = { stdout: "" };
      try {
        second = await captureStdout(() =>
          probeCommand({
            ...defaults,
            baseUrl: server.url,
            model: "m",
            apiKeyEnv: "PROBE_TEST_KEY",
            cacheDir,
            cache: true,
            probes: "tokenizer,identity",
            html: htmlPath,
          }),
        );
      } finally {
        delete process.env.PROBE_TEST_KEY;
      }
      assert.match(second.stdout, /Tokenizer \(strong evidence\): usage counts match cl100k/);
      assert.match(second.stdout, /cost: 0 HTTP requests .*, \d+ answers from cache/);
      const files = (await readdir(cacheDir, { recursive: true, withFileTypes: true })).filter((e) =>
        e.isFile(),
      );
      assert.ok(files.length > 0);
      const cached = await Promise.all(files.map((e) => readFile(join(e.parentPath, e.name), "utf8")));
      const names = files.map((e) => e.name);
      const html = await readFile(htmlPath, "utf8");
      assert.match(html, /^<!doctype html>/i);
      assert.match(html, /cl100k/);
      for (const text of [first.stdout, first.stderr, second.stdout, html, ...cached, ...names]) {
        assert.ok(!text.includes(SECRET), "the key must not appear in output or cache");
      }
    } finally {
      await server.close();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it("a refused key becomes an ApiError naming the status, without the key", async () => {
    const server = await startOpenAiServer({ counter: cl100k, brain: qwen, apiKey: "sk-the-right-one" });
    process.env.PROBE_TEST_KEY = SECRET;
    try {
      await assert.rejects(
        probeCommand({
          ...defaults,
          baseUrl: server.url,
          model: "m",
          apiKeyEnv: "PROBE_TEST_KEY",
          cache: false,
          probes: "protocol",
        }),
        (error) => {
          assert.ok(error instanceof ApiError);
          assert.match(error.describe(), /no request succeeded.*HTTP 401/);
          assert.ok(!error.describe().includes(SECRET));
          return true;
        },
      );
    } finally {
      delete process.env.PROBE_TEST_KEY;
      await server.close();
    }
  });

  it("never sends OPENAI_API_KEY to an Ollama server unless a key variable is named", async () => {
    const server = await ollamaServer("m", cl100k, "llama", "");
    process.env.OPENAI_API_KEY = SECRET;
    try {
      const { stdout } = await captureStdout(() =>
        probeCommand({
          ...defaults,
          apiKeyEnv: undefined,
          ollama: true,
          baseUrl: server.url,
          model: "m",
          probes: "protocol",
          json: true,
        }),
      );
      assert.equal(JSON.parse(stdout).ollama.family, "llama");
      assert.ok(
        server.seen.length > 0 && server.seen.every((request) => request.authorization === undefined),
      );
    } finally {
      delete process.env.OPENAI_API_KEY;
      await server.close();
    }
  });

  it("rejects bad option values before sending anything", async () => {
    await assert.rejects(
      probeCommand({ ...defaults, baseUrl: "ftp://x", model: "m" }),
      /--base-url must be http/,
    );
    await assert.rejects(
      probeCommand({ ...defaults, baseUrl: "http://127.0.0.1:9", model: "m", probes: "identity,vibes" }),
      (error) => error instanceof UsageError && /unknown probe 'vibes'/.test(error.message),
    );
    await assert.rejects(
      probeCommand({ ...defaults, baseUrl: "http://127.0.0.1:9", model: "m", concurrency: "0" }),
      UsageError,
    );
  });
});
