/**
 * End to end: the command line's edges (issue 12). Unknown options and missing arguments exit 2;
 * numeric options are validated; output paths are checked before any work; the library is created only
 * by `add`/`import`; models without weight evidence are refused; a dead endpoint fails fast.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FingerprintLibrary } from "../../src/library/library.js";
import { assertOneLineError, fixture, runLineage } from "../helpers.js";

const dir = await mkdtemp(join(tmpdir(), "lineage-input-checks-"));
after(() => rm(dir, { recursive: true, force: true }));
const library = join(dir, "lib.db");
const readOnly = join(dir, "read-only");
await mkdir(readOnly);
await chmod(readOnly, 0o500);

/** A port that refuses connections: a server bound, then closed. */
async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/v1`;
}

/** A server answering HTTP 500 to everything. */
const failing = createServer((_request, response) => response.writeHead(500).end("internal error"));
await new Promise<void>((resolve) => failing.listen(0, "127.0.0.1", resolve));
after(() => new Promise((resolve) => failing.close(resolve)));
const failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/v1`;

const zoo = (name: string) => fixture("zoo", name);
const existing = join(dir, "existing.db");
FingerprintLibrary.open(existing).close();
const probeArgs = (url: string) => ["probe", "--base-url", url, "--model", "m", "--no-cache"];
const withKey = { OPENAI_API_KEY: "sk-test-not-a-real-key" };
const runs = {
  unknownOption: runLineage(["inspect", zoo("base-a"), "--colour"]),
  missingArgument: runLineage(["compare", zoo("base-a")]),
  noCommand: runLineage([]),
  help: runLineage(["compare", "--help"]),
  permutations: runLineage(["compare", zoo("b-yi"), zoo("base-a"), "--permutations", "200"]),
  htmlUnwritable: runLineage(["compare", zoo("b-yi"), zoo("base-a"), "--html", join(readOnly, "r.html")]),
  htmlNoFolder: runLineage(["compare", zoo("b-yi"), zoo("base-a"), "--html", join(dir, "nope", "r.html")]),
  htmlEmpty: runLineage(["compare", zoo("b-yi"), zoo("base-a"), "--html", ""]),
  libraryEmpty: runLineage(["library", "--library", "", "list"]),
  listMistyped: runLineage(["library", "--library", join(dir, "typo.db"), "list"]),
  matchMistyped: runLineage(["library", "--library", join(dir, "typo2.db"), "match", zoo("base-a")]),
  matchVocabOnly: runLineage(["library", "--library", existing, "match", fixture("vocab", "phi-3.gguf")]),
  addVocabOnly: runLineage(["library", "--library", library, "add", fixture("vocab", "llama-spm.gguf")]),
  refused: refusedUrl().then((url) => runLineage([...probeArgs(url), "--timeout", "5"], withKey)),
  failing: runLineage([...probeArgs(failingUrl), "--timeout", "5"], withKey),
  probeHtml: runLineage([...probeArgs(failingUrl), "--html", join(readOnly, "p.html")], withKey),
};

test("an unknown option and a missing argument exit 2, as the README says", async () => {
  const unknown = await runs.unknownOption;
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /unknown option '--colour'/);
  const missing = await runs.missingArgument;
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /missing required argument 'reference'/);
  assert.equal((await runs.noCommand).code, 2);
  assert.equal((await runs.help).code, 0, "--help is not an error");
});

test("--permutations is gone (the index test draws no permutations): refused as unknown before any work, exit 2", async () => {
  const run = await runs.permutations;
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /unknown option '--permutations'/);
  assert.equal(run.stdout, "");
});

test("--html to an unwritable or missing folder fails at once with one line, not after the work", async () => {
  const unwritable = await runs.htmlUnwritable;
  // Root can write anywhere: the check is meaningful only for other users.
  if (process.getuid?.() !== 0) {
    assertOneLineError(unwritable, "r.html");
    assert.equal(unwritable.code, 2);
  }
  const noFolder = await runs.htmlNoFolder;
  assertOneLineError(noFolder, "folder");
  assert.equal(noFolder.code, 2);
  assert.match(noFolder.stderr, /--html: cannot write .*r\.html: folder .*nope does not exist/);
});

test("an empty option value is a usage error saying so (exit 2), not a file named '' or a default", async () => {
  const html = await runs.htmlEmpty;
  assertOneLineError(html, "--html: needs <file>, got an empty value");
  assert.equal(html.code, 2);
  // `--library "$UNSET"` fell back to ~/.lineage/library.db: the wrong library, silently.
  const library = await runs.libraryEmpty;
  assertOneLineError(library, "--library: needs <path>, got an empty value");
  assert.equal(library.code, 2);
});

test("library list and match on a mistyped path: an error, and no database is created", async () => {
  const list = await runs.listMistyped;
  assertOneLineError(list, "typo.db");
  assert.match(list.stderr, /no library file here/);
  assert.equal(existsSync(join(dir, "typo.db")), false);
  const match = await runs.matchMistyped;
  assertOneLineError(match, "typo2.db");
  assert.equal(existsSync(join(dir, "typo2.db")), false);
});

test("library add of a vocabulary-only file is refused with the reason, and stores nothing", async () => {
  const run = await runs.addVocabOnly;
  assertOneLineError(run, "llama-spm.gguf");
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /no weight evidence, nothing to store: holds no weight tensors: a vocabulary-only GGUF/,
  );
  assert.equal(existsSync(library), false, "refused before the library is opened");
});

test("library match of a suspect without weight evidence never says no stored model shares its weights", async () => {
  const run = await runs.matchVocabOnly;
  assertOneLineError(run, "phi-3.gguf");
  assert.match(run.stderr, /no weight evidence, nothing to match/);
  assert.doesNotMatch(run.stdout, /shares its weights/);
});

test("probe against a refused connection or an endpoint failing every request: one line, fast", async () => {
  for (const run of [await runs.refused, await runs.failing]) {
    assertOneLineError(run, "gave up: 6 attempts in a row failed with no answer between them");
    assert.equal(run.code, 1);
  }
  assert.match((await runs.refused).stderr, /network error/);
  assert.match((await runs.failing).stderr, /HTTP 500/);
});

test("probe --html to an unwritable path fails before any request", async () => {
  const run = await runs.probeHtml;
  if (process.getuid?.() !== 0) assertOneLineError(run, "p.html");
});
