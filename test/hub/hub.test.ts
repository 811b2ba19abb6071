import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ApiError, InputNotFoundError } from "../../src/errors.js";
import { openModel } from "../../src/formats/resolve-model.js";
import { readTensorRows } from "../../src/formats/tensor-store.js";
import { formatHubAddress, parseExplicitHubAddress, plainRepoId } from "../../src/hub/hub-address.js";
import { HubClient } from "../../src/hub/hub-client.js";
import { mergeRanges } from "../../src/hub/hub-file-source.js";
import { hubSettings } from "../../src/hub/hub-settings.js";
import { emptyTraffic } from "../../src/hub/traffic.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { assertOneLineError, fixture, runLineage } from "../helpers.js";
import { f32Bytes, stateDictPickle, torchZip } from "../pytorch/build.js";
import { folderFiles, repoOf, type StandIn, startStandIn } from "./stand-in.js";

const TOKEN = "hf_stand_in_secret_token_1234567890";
const BASE_A = folderFiles(fixture("zoo", "base-a"));
const A_SFT = folderFiles(fixture("zoo", "a-sft"));
const Q4 = folderFiles(fixture("zoo", "gguf"))["base-a-q4_0.gguf"]!;
/** Two quantizations of one model, as GGUF repositories hold them (the same bytes under two names here). */
const GGUF = { "base-a-q4_0.gguf": Q4, "base-a-Q4_0-copy.gguf": Q4 };

let hub: StandIn;
before(async () => {
  hub = await startStandIn({
    "zoo/base-a": repoOf(BASE_A),
    "zoo/a-sft": repoOf(A_SFT),
    "zoo/private-a": repoOf(BASE_A, { token: TOKEN }),
    "zoo/gated-a": repoOf(BASE_A, { token: TOKEN, gated: true }),
    "zoo/quants": repoOf({ ...GGUF, "README.md": new TextEncoder().encode("# quants\n") }),
    "zoo/torch": repoOf({
      "pytorch_model.bin": torchZip(
        stateDictPickle([{ name: "model.embed_tokens.weight", key: "0", numel: 6, shape: [3, 2] }]),
        { "0": f32Bytes([1, 2, 3, 4, 5, 6]) },
      ),
      "config.json": new TextEncoder().encode(JSON.stringify({ model_type: "llama", hidden_size: 2 })),
    }),
  });
});
after(() => hub.close());

async function environment(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const home = await mkdtemp(join(tmpdir(), "lineage-hub-"));
  return {
    HF_ENDPOINT: hub.endpoint,
    HF_HOME: join(home, "hf"),
    LINEAGE_CACHE: join(home, "cache"),
    ...extra,
  };
}

function since(mark: number) {
  return hub.log.slice(mark);
}

test("addresses: hf://, web URLs, plain ORG/NAME; malformed ids are not addresses", () => {
  const endpoint = "https://hub.example";
  assert.deepEqual(parseExplicitHubAddress("hf://org/name@v1.0/sub/model.gguf", endpoint), {
    repo: "org/name",
    revision: "v1.0",
    file: "sub/model.gguf",
  });
  assert.deepEqual(parseExplicitHubAddress("https://huggingface.co/org/name/tree/dev", endpoint), {
    repo: "org/name",
    revision: "dev",
    file: undefined,
  });
  assert.deepEqual(
    parseExplicitHubAddress("https://hub.example/org/name/blob/main/a%20b.gguf", endpoint)?.file,
    "a b.gguf",
  );
  assert.deepEqual(parseExplicitHubAddress("https://huggingface.co/org/name", endpoint)?.revision, undefined);
  assert.equal(parseExplicitHubAddress("https://example.com/org/name", endpoint), undefined);
  assert.equal(parseExplicitHubAddress("hf://org/na--me", endpoint), undefined);
  assert.equal(parseExplicitHubAddress("hf://org/name/../x", endpoint), undefined);
  assert.deepEqual(plainRepoId("meta-llama/Llama-2-7b-hf")?.repo, "meta-llama/Llama-2-7b-hf");
  for (const bad of ["a/b/c", "a..b/c", "org/name.git", "-org/x", "org/", "qwen2.5:7b"])
    assert.equal(plainRepoId(bad), undefined, bad);
  assert.equal(formatHubAddress({ repo: "o/n", revision: "r", file: "f.gguf" }), "hf://o/n@r/f.gguf");
});

test("settings: HF_ENDPOINT, HF_TOKEN, else the token file under HF_HOME; HF_HUB_CACHE; offline", async () => {
  const home = await mkdtemp(join(tmpdir(), "lineage-hf-home-"));
  await writeFile(join(home, "token"), `${TOKEN}\n`);
  const fromFile = hubSettings({ HF_HOME: home, HF_ENDPOINT: "http://x/", HF_HUB_OFFLINE: "1" });
  assert.equal(fromFile.token, TOKEN);
  assert.equal(fromFile.tokenSource, join(home, "token"));
  assert.equal(fromFile.endpoint, "http://x");
  assert.equal(fromFile.hubCache, join(home, "hub"));
  assert.equal(fromFile.offline, true);
  const fromEnv = hubSettings({ HF_HOME: home, HF_TOKEN: "other", HF_HUB_CACHE: "/c" });
  assert.deepEqual(
    [fromEnv.token, fromEnv.tokenSource, fromEnv.hubCache, fromEnv.offline],
    ["other", "HF_TOKEN", "/c", false],
  );
  assert.equal(hubSettings({ HF_HOME: join(home, "none") }).token, undefined);
});

test("a Hub model reads like the local folder: same tensors, tokenizer, config; weights through the CDN by ranges", async () => {
  const env = await environment();
  const mark = hub.log.length;
  const [remote, local] = [
    await openCanonicalModel("zoo/base-a", { env }),
    await openCanonicalModel(fixture("zoo", "base-a")),
  ];
  assert.equal(remote.source.path, "zoo/base-a");
  assert.deepEqual(remote.source.hfCache?.repo, "zoo/base-a");
  assert.deepEqual(remote.architecture, local.architecture);
  assert.deepEqual(await remote.read("layers.1.attn.q"), await local.read("layers.1.attn.q"));
  assert.deepEqual(await remote.readRows("embed", [5, 2999, 7]), await local.readRows("embed", [5, 2999, 7]));
  assert.match(remote.source.tokenizerFiles.join(" "), /tokenizer\.model/);
  await Promise.all([remote.close(), local.close()]);
  const requests = since(mark);
  const weights = requests.filter((r) => r.server === "cdn");
  assert.ok(weights.length > 0 && weights.every((r) => r.status === 206 && r.range !== undefined));
  assert.ok(
    requests.every((r) => r.authorization === undefined),
    "no token configured, none sent",
  );
  const fetched = weights.reduce((sum, r) => sum + r.bytes, 0);
  const size = statSync(fixture("zoo", "base-a", "model.safetensors")).size;
  assert.ok(fetched < size, `fetched ${fetched} of ${size}`);
});

test("a rerun fetches nothing: ranges from lineage's cache, metadata revalidated (304); offline makes no request", async () => {
  const env = await environment();
  const read = async (extra: Record<string, string> = {}) => {
    const model = await openCanonicalModel("hf://zoo/a-sft@main", { env: { ...env, ...extra } });
    const values = await model.read("layers.0.mlp.down");
    await model.close();
    return values;
  };
  const first = await read();
  const mark = hub.log.length;
  assert.deepEqual(await read(), first);
  assert.deepEqual(
    since(mark).map((r) => [r.path.split("?")[0], r.status]),
    [["/api/models/zoo/a-sft/revision/main", 304]],
  );
  const offline = hub.log.length;
  assert.deepEqual(await read({ HF_HUB_OFFLINE: "1" }), first);
  assert.equal(since(offline).length, 0);
});

test("the HF cache copy is read from disk when it holds the commit; offline it is found through refs/", async () => {
  const env = await environment();
  const hfCache = join(env.HF_HOME!, "hub", "models--zoo--base-a");
  const sha = Object.keys(repoOf(BASE_A).commits)[0]!;
  await mkdir(join(hfCache, "refs"), { recursive: true });
  await writeFile(join(hfCache, "refs", "main"), sha);
  await cp(fixture("zoo", "base-a"), join(hfCache, "snapshots", sha), { recursive: true });
  const mark = hub.log.length;
  const model = await openCanonicalModel("zoo/base-a", { env });
  assert.equal(model.source.folder, join(hfCache, "snapshots", sha));
  assert.equal(model.source.path, "zoo/base-a");
  await model.read("embed");
  await model.close();
  assert.deepEqual(
    since(mark).map((r) => r.path.split("?")[0]),
    ["/api/models/zoo/base-a/revision/main"],
  );
  const offline = hub.log.length;
  await (await openCanonicalModel("zoo/base-a", { env: { ...env, HF_HUB_OFFLINE: "1" } })).close();
  assert.equal(since(offline).length, 0);
  // A full commit the HF cache holds is read from disk without asking the Hub (a commit never changes),
  // also when the endpoint is down.
  const pinned = hub.log.length;
  const down = { ...env, HF_ENDPOINT: "http://127.0.0.1:9" };
  const atCommit = await openCanonicalModel(`hf://zoo/base-a@${sha}`, { env: down });
  assert.equal(atCommit.source.folder, join(hfCache, "snapshots", sha));
  await atCommit.close();
  assert.equal(since(pinned).length, 0);
});

test("private and gated repositories: one line naming the repo and asking for a token; the token never leaks", async () => {
  const env = await environment();
  await assert.rejects(openModel("zoo/private-a", { env }), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 401);
    assert.match(error.describe(), /^hf:\/\/zoo\/private-a@main: .*zoo\/private-a needs a token.*HF_TOKEN/);
    return true;
  });
  await assert.rejects(
    openModel("zoo/gated-a", { env: { ...env, HF_TOKEN: "hf_wrong_token_0000" } }),
    (error: unknown) => {
      assert.ok(error instanceof ApiError && error.status === 403);
      assert.match(error.message, /gated.*token from HF_TOKEN does not give access/);
      assert.doesNotMatch(error.message, /hf_wrong_token/);
      return true;
    },
  );
  const mark = hub.log.length;
  const model = await openCanonicalModel("zoo/private-a", { env: { ...env, HF_TOKEN: TOKEN } });
  await model.read("embed");
  await model.close();
  const requests = since(mark);
  assert.ok(requests.filter((r) => r.server === "hub").every((r) => r.authorization === `Bearer ${TOKEN}`));
  assert.ok(
    requests.filter((r) => r.server === "cdn").every((r) => r.authorization === undefined),
    "token sent to the CDN",
  );
  // Nothing in lineage's cache mentions the token.
  const files = await listFiles(env.LINEAGE_CACHE!);
  assert.ok(files.length > 0);
  for (const file of files) assert.ok(!(await readFile(file)).includes(TOKEN), file);
  // The CLI: exit 1, one line, no token.
  const run = await runLineage(["inspect", "zoo/gated-a"], { ...env, HF_TOKEN: "hf_wrong_token_0000" });
  assert.equal(run.code, 1);
  assertOneLineError(run, "zoo/gated-a");
  assert.doesNotMatch(run.stderr + run.stdout, /hf_wrong_token/);
});

async function listFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else out.push(path);
  }
  return out;
}

test("404s say which of repository, revision and file is missing; a repo of several GGUFs asks for one", async () => {
  const env = await environment({ HF_TOKEN: TOKEN });
  await assert.rejects(
    openModel("zoo/nothing-here", { env }),
    /no repository zoo\/nothing-here on http:\/\/127\.0\.0\.1/,
  );
  await assert.rejects(openModel("hf://zoo/base-a@v9", { env }), /zoo\/base-a has no revision "v9"/);
  await assert.rejects(openModel("hf://zoo/base-a/missing.gguf", { env }), (error: unknown) => {
    assert.ok(error instanceof InputNotFoundError);
    assert.match(error.message, /no file missing\.gguf/);
    return true;
  });
  await assert.rejects(
    openModel("zoo/quants", { env: await environment() }),
    /holds 2 \.gguf files \(base-a-Q4_0-copy\.gguf, base-a-q4_0\.gguf\): name the one you mean/,
  );
});

test("429 is retried after Retry-After; 5xx with backoff; a hung server times out", async () => {
  const waits: number[] = [];
  const settings = hubSettings(await environment());
  const client = new HubClient({
    settings,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0,
    traffic: emptyTraffic(),
  });
  hub.throttle("/api/models/zoo/a-sft", 2, 3);
  const answer = await client.repoInfo({ repo: "zoo/a-sft", revision: "main" });
  assert.equal(answer.info?.files.length, Object.keys(A_SFT).length);
  assert.deepEqual(waits, [3000, 3000]);
  assert.equal(client.traffic.retries, 2);
  hub.throttle("/api/models/zoo/base-a", 1, 3600);
  await assert.rejects(client.repoInfo({ repo: "zoo/base-a" }), /asks to wait 3600 s/);
  hub.hang("/api/models/zoo/hang");
  const impatient = new HubClient({
    settings,
    timeoutMs: 200,
    retries: 1,
    sleep: async () => undefined,
    traffic: emptyTraffic(),
  });
  await assert.rejects(impatient.repoInfo({ repo: "zoo/hang" }), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.match(error.describe(), /^hf:\/\/zoo\/hang: timeout: no answer within 200 ms/);
    return true;
  });
  assert.equal(impatient.traffic.requests, 2);
});

test("one GGUF file of a repository by hf://ORG/NAME/FILE; its vocabulary from the fetched header", async () => {
  const env = await environment();
  const model = await openCanonicalModel("hf://zoo/quants/base-a-q4_0.gguf", { env });
  assert.equal(model.source.format, "gguf");
  const local = await openCanonicalModel(fixture("zoo", "gguf", "base-a-q4_0.gguf"));
  assert.deepEqual(await model.read("layers.2.mlp.up"), await local.read("layers.2.mlp.up"));
  await Promise.all([model.close(), local.close()]);
  const run = await runLineage(["inspect", "hf://zoo/quants/base-a-q4_0.gguf", "--json"], env);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as { tokenizer: { vocabSize: number; error: string | null } };
  assert.equal(report.tokenizer.error, null);
  assert.equal(report.tokenizer.vocabSize, 3000);
});

test("nearby ranges merge into one request, far ones do not, none exceeds the cap", () => {
  assert.deepEqual(
    mergeRanges(
      [
        { offset: 100, length: 10 },
        { offset: 0, length: 10 },
        { offset: 5000, length: 10 },
      ],
      1000,
      1 << 20,
    ),
    [
      { offset: 0, length: 110 },
      { offset: 5000, length: 10 },
    ],
  );
  assert.deepEqual(mergeRanges([{ offset: 0, length: 25 }], 0, 10), [
    { offset: 0, length: 10 },
    { offset: 10, length: 10 },
    { offset: 20, length: 5 },
  ]);
});

test("an HF cache root (models--org--name/) gives the tokenizer as well as the weights (issue 12)", async () => {
  const root = join(await mkdtemp(join(tmpdir(), "lineage-hf-root-")), "models--zoo--base-a");
  const sha = "0123456789abcdef0123456789abcdef01234567";
  await mkdir(join(root, "refs"), { recursive: true });
  await writeFile(join(root, "refs", "main"), sha);
  await cp(fixture("zoo", "base-a"), join(root, "snapshots", sha), { recursive: true });
  const run = await runLineage(["inspect", root, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as {
    tokenizer: { vocabSize: number; error: string | null; file: string };
  };
  assert.equal(report.tokenizer.error, null);
  assert.equal(report.tokenizer.vocabSize, 3000);
  assert.equal(report.tokenizer.file, join(root, "snapshots", sha, "tokenizer.model"));
});

test("scattered reads of one file: separate concurrent requests, one consistent cache entry", async () => {
  const env = await environment();
  const model = await openCanonicalModel("zoo/base-a", { env });
  const store = model.source.store;
  // Every fifth tensor: ranges further apart than the merge gap, fetched by concurrent requests.
  const names = store.tensors.filter((_, i) => i % 5 === 0).map((t) => t.name);
  const mark0 = hub.log.length;
  const reads = await Promise.all(names.map((name) => store.read(name)));
  const first = since(mark0);
  assert.ok(first.filter((r) => r.server === "cdn").length > 2);
  // The Hub redirected when the header was read; every range since went straight to that CDN address.
  const resolves = first.filter((r) => r.server === "hub" && r.path.endsWith("/model.safetensors"));
  assert.equal(resolves.length, 0);
  // When that address expires (403), the client goes through the Hub again.
  hub.expireCdn();
  const mark1 = hub.log.length;
  await readTensorRows(store, store.tensors[1]!.name, [0]);
  assert.deepEqual(
    since(mark1).map((r) => [r.server, r.status]),
    [
      ["cdn", 403],
      ["hub", 302],
      ["cdn", 206],
    ],
  );
  await model.close();
  const again = await openCanonicalModel("zoo/base-a", { env: { ...env, HF_HUB_OFFLINE: "1" } });
  const mark = hub.log.length;
  const cached = await Promise.all(names.map((name) => again.source.store.read(name)));
  await again.close();
  assert.equal(since(mark).length, 0);
  assert.deepEqual(cached, reads);
});

test("a PyTorch checkpoint on the Hub: zip directory and pickle read through ranges, nothing run", async () => {
  const model = await openCanonicalModel("zoo/torch", { env: await environment() });
  assert.equal(model.source.format, "pytorch");
  assert.deepEqual([...(await model.readRows("embed", [2, 0]))], [5, 6, 1, 2]);
  await model.close();
});

test("--revision: applied to Hub ids, a usage error (exit 2) on a local path", async () => {
  const env = await environment();
  const run = await runLineage(["inspect", "zoo/a-sft", "--revision", "main", "--json"], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { path: string }).path, "hf://zoo/a-sft@main");
  assert.match(run.stderr, /^lineage: fetched .* from the Hub \(\d+ requests/m);
  const local = await runLineage(["inspect", fixture("zoo", "base-a"), "--revision", "v1"], env);
  assert.equal(local.code, 2);
  assertOneLineError(local, "--revision applies to Hugging Face Hub models");
});
