import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ApiError } from "../../src/errors.js";
import { OpenAiClient } from "../../src/probe/client/openai.js";
import { backoffDelay, parseRetryAfter } from "../../src/probe/client/retry.js";
import { parseSse } from "../../src/probe/client/sse.js";
import { BudgetExhaustedError } from "../../src/probe/client/transport.js";
import { honestBrain } from "./brains.js";
import { liveCounter } from "./live.js";
import { type FakeServer, type Fault, startOpenAiServer } from "./servers.js";

const SECRET = "sk-test-SECRET-9f8e7d6c5b4a";
const brain = honestBrain("I am Qwen, created by Alibaba Cloud.", "我是通义千问，由阿里云开发。");
const counter = await liveCounter("cl100k");
const fast = { retries: 3, backoffMs: 5, maxBackoffMs: 20, timeoutMs: 400 };

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("retry helpers", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    assert.equal(parseRetryAfter("2"), 2000);
    assert.equal(parseRetryAfter("0.5"), 500);
    assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6000);
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter("soon"), undefined);
  });
  it("backs off exponentially with jitter inside [½, 1) of the step, capped", () => {
    assert.equal(
      backoffDelay(0, 100, 10_000, () => 0),
      50,
    );
    assert.equal(
      backoffDelay(3, 100, 10_000, () => 0.99),
      796,
    );
    assert.equal(
      backoffDelay(20, 100, 1000, () => 0),
      500,
    );
  });
  it("parses SSE events and notices a missing [DONE]", () => {
    const full = parseSse('data: {"a":1}\n\ndata: {"b":2}\r\n\r\ndata: [DONE]\n\n');
    assert.deepEqual(full, { events: ['{"a":1}', '{"b":2}'], done: true });
    assert.equal(parseSse('data: {"a":1}\n\n').done, false);
  });
});

describe("OpenAI client against a real local server", () => {
  let server: FakeServer;
  let faults: Fault[] = [];
  /** Faults for the next requests, in order. */
  const schedule = (...next: Fault[]) => {
    faults = [];
    next.forEach((fault, i) => {
      faults[server.seen.length + i] = fault;
    });
  };
  before(async () => {
    server = await startOpenAiServer({
      counter,
      brain,
      apiKey: SECRET,
      fault: (i) => faults[i],
      retryAfterSeconds: 0.3,
      delayMs: 20,
    });
  });
  after(() => server.close());

  it("answers with usage counted by the real tokenizer, streamed or not, sending the key as a bearer token", async () => {
    faults = [];
    const client = new OpenAiClient({ baseUrl: server.url, model: "m", apiKey: SECRET, ...fast });
    const content = "你好世界你好世界";
    const plain = await client.chat({ label: "plain", messages: [{ role: "user", content }] });
    assert.equal(plain.usage?.promptTokens, 7 + 4 + counter.count(content));
    assert.equal(plain.systemFingerprint, "fp_test0001");
    const streamed = await client.chat({
      label: "stream",
      messages: [{ role: "user", content: "Count from 1 to 5, separated by spaces." }],
      stream: true,
    });
    assert.equal(streamed.choices[0]?.content, "1 2 3 4 5");
    assert.deepEqual(streamed.streamChunks, ["1 ", "2 ", "3 ", "4 ", "5"]);
    assert.equal(streamed.usage?.completionTokens, counter.count("1 2 3 4 5"));
    const body = JSON.parse(server.seen.at(-1)!.body);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.temperature, 0);
    assert.equal(typeof body.seed, "number");
    assert.equal(server.seen.at(-1)!.authorization, `Bearer ${SECRET}`);
  });

  it("retries 500, broken JSON, a hung request and a truncated stream, then succeeds", async () => {
    schedule("500", "broken-json", "hang", "truncated-stream");
    const start = server.seen.length;
    const client = new OpenAiClient({ baseUrl: server.url, model: "m", apiKey: SECRET, ...fast, retries: 4 });
    const result = await client.chat({
      label: "flaky",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    assert.equal(result.usage?.promptTokens, 7 + 4 + counter.count("hi"));
    assert.equal(client.stats.requests, 5);
    assert.equal(client.stats.retries, 4);
    assert.equal(server.seen.length - start, 5);
  });

  it("honours Retry-After on 429", async () => {
    schedule("429");
    const client = new OpenAiClient({ baseUrl: server.url, model: "m", apiKey: SECRET, ...fast });
    const started = Date.now();
    await client.chat({ label: "limited", messages: [{ role: "user", content: "hi" }] });
    assert.ok(Date.now() - started >= 290, "waited the server's 0.3 s");
    assert.equal(client.stats.retries, 1);
  });

  it("gives up with an ApiError naming status and request, without the key", async () => {
    faults = [];
    const client = new OpenAiClient({
      baseUrl: server.url,
      model: "m",
      apiKey: "sk-wrong-key-12345",
      ...fast,
    });
    await assert.rejects(
      client.chat({ label: "denied", messages: [{ role: "user", content: "hi" }] }),
      (error) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, 401);
        assert.match(error.describe(), /HTTP 401.*invalid api key.*'denied'/);
        assert.doesNotMatch(error.describe(), /sk-wrong-key/);
        return true;
      },
    );
    assert.equal(client.stats.requests, 1, "401 is not retried");
  });

  it("stops at the request budget", async () => {
    schedule("500", "500", "500", "500");
    const client = new OpenAiClient({
      baseUrl: server.url,
      model: "m",
      apiKey: SECRET,
      ...fast,
      maxRequests: 2,
    });
    await assert.rejects(
      client.chat({ label: "costly", messages: [{ role: "user", content: "hi" }] }),
      (error) => error instanceof BudgetExhaustedError && /budget of 2 spent.*HTTP 500/.test(error.message),
    );
    assert.equal(client.stats.requests, 2);
  });

  it("caches answers on disk (without the key) so a rerun sends nothing; refresh asks again", async () => {
    faults = [];
    const dir = await mkdtemp(join(tmpdir(), "lineage-cache-"));
    try {
      const request = { label: "cached", messages: [{ role: "user" as const, content: "你好" }] };
      const first = new OpenAiClient({
        baseUrl: server.url,
        model: "m",
        apiKey: SECRET,
        cacheDir: dir,
        ...fast,
      });
      const a = await first.chat(request);
      const second = new OpenAiClient({
        baseUrl: server.url,
        model: "m",
        apiKey: SECRET,
        cacheDir: dir,
        ...fast,
      });
      const b = await second.chat(request);
      assert.equal(second.stats.requests, 0);
      assert.equal(second.stats.cacheHits, 1);
      assert.equal(b.fromCache, true);
      assert.deepEqual({ ...b, fromCache: false }, a);
      const other = await second.chat({ ...request, seed: 99 });
      assert.equal(other.fromCache, false, "another seed is another sample");
      const refresh = new OpenAiClient({
        baseUrl: server.url,
        model: "m",
        apiKey: SECRET,
        cacheDir: dir,
        refresh: true,
        ...fast,
      });
      await refresh.chat(request);
      assert.equal(refresh.stats.requests, 1);
      const echoed = await refresh.chat({
        label: "echo",
        messages: [
          { role: "user", content: `Repeat the following sentence exactly, without any change: ${SECRET}` },
        ],
      });
      assert.equal(echoed.choices[0]?.content, SECRET, "the fresh answer is returned as sent");
      const files = await allFiles(dir);
      assert.equal(files.length, 3);
      for (const file of files) {
        assert.ok(!file.includes(SECRET));
        assert.ok(!(await readFile(file, "utf8")).includes(SECRET));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs at most `concurrency` requests at once", async () => {
    faults = [];
    const client = new OpenAiClient({
      baseUrl: server.url,
      model: "m",
      apiKey: SECRET,
      concurrency: 2,
      ...fast,
    });
    const jobs = Array.from({ length: 6 }, (_, i) =>
      client.chat({ label: `c${i}`, messages: [{ role: "user", content: `q${i}` }] }),
    );
    await Promise.all(jobs);
    assert.equal(server.peakInFlight(), 2);
    assert.equal(client.stats.requests, 6);
  });
});
