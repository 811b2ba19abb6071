import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError, InputNotFoundError } from "../../src/errors.js";
import { parseOllamaName } from "../../src/formats/ollama-store.js";
import { openModel } from "../../src/formats/resolve-model.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { fixture, runLineage } from "../helpers.js";

const GGUF = fixture("zoo", "gguf", "base-a-q4_0.gguf");

/** An Ollama models folder holding `names` (registry/namespace/model/tag) of the zoo's Q4_0 GGUF. */
async function ollamaStore(names: string[][]): Promise<{ dir: string; blob: string; digest: string }> {
  const dir = await mkdtemp(join(tmpdir(), "lineage-ollama-"));
  const bytes = await readFile(GGUF);
  const digest = createHash("sha256").update(bytes).digest("hex");
  await mkdir(join(dir, "blobs"), { recursive: true });
  const blob = join(dir, "blobs", `sha256-${digest}`);
  await copyFile(GGUF, blob);
  for (const parts of names) {
    const folder = join(dir, "manifests", ...parts.slice(0, 3));
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, parts[3]!),
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        config: {
          mediaType: "application/vnd.docker.container.image.v1+json",
          digest: `sha256:${"0".repeat(64)}`,
          size: 2,
        },
        layers: [
          {
            mediaType: "application/vnd.ollama.image.model",
            digest: `sha256:${digest}`,
            size: bytes.byteLength,
          },
          {
            mediaType: "application/vnd.ollama.image.template",
            digest: `sha256:${"1".repeat(64)}`,
            size: 10,
          },
        ],
      }),
    );
  }
  return { dir, blob, digest };
}

test("Ollama names parse as Ollama does: defaults registry.ollama.ai/library/…:latest", () => {
  assert.deepEqual(parseOllamaName("qwen2.5:7b"), {
    registry: "registry.ollama.ai",
    namespace: "library",
    model: "qwen2.5",
    tag: "7b",
  });
  assert.deepEqual(parseOllamaName("me/tiny"), {
    registry: "registry.ollama.ai",
    namespace: "me",
    model: "tiny",
    tag: "latest",
  });
  assert.deepEqual(parseOllamaName("hf.co/org/name:Q4_K_M"), {
    registry: "hf.co",
    namespace: "org",
    model: "name",
    tag: "Q4_K_M",
  });
  assert.equal(parseOllamaName("a/b/c/d"), undefined);
  assert.equal(parseOllamaName("../x"), undefined);
});

test("NAME[:TAG] resolves in OLLAMA_MODELS to the GGUF blob; a manifest path works too", async () => {
  const store = await ollamaStore([
    ["registry.ollama.ai", "library", "base-a", "q4"],
    ["registry.ollama.ai", "library", "base-a", "latest"],
  ]);
  const env = { OLLAMA_MODELS: store.dir };
  const model = await openCanonicalModel("base-a:q4", { env });
  assert.equal(model.source.format, "gguf");
  assert.equal(model.source.path, "base-a:q4");
  assert.equal(model.source.ollama?.blob, store.blob);
  assert.deepEqual(model.source.ollama?.otherLayers, ["application/vnd.ollama.image.template"]);
  const local = await openCanonicalModel(GGUF);
  assert.deepEqual(await model.read("layers.0.attn.k"), await local.read("layers.0.attn.k"));
  await Promise.all([model.close(), local.close()]);
  const latest = await openModel("base-a", { env });
  assert.equal(
    latest.ollama?.manifest,
    join(store.dir, "manifests", "registry.ollama.ai", "library", "base-a", "latest"),
  );
  await latest.store.close();
  const byPath = await openModel(
    join(store.dir, "manifests", "registry.ollama.ai", "library", "base-a", "q4"),
  );
  assert.equal(byPath.format, "gguf");
  await byPath.store.close();
  const run = await runLineage(["inspect", "base-a:q4", "--json"], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { format: string }).format, "gguf");
});

test("resolution order: a local path, then an Ollama model, then a Hub id; nothing found lists what was tried", async () => {
  const store = await ollamaStore([["registry.ollama.ai", "zoo", "base-a", "latest"]]);
  // `zoo/base-a` is pulled into Ollama: it wins over the Hub repository of the same name.
  const env = { OLLAMA_MODELS: store.dir, HF_ENDPOINT: "http://127.0.0.1:9", HF_HOME: join(store.dir, "hf") };
  const source = await openModel("zoo/base-a", { env });
  assert.equal(source.ollama?.blob, store.blob);
  await source.store.close();
  await assert.rejects(openModel("nope:1", { env }), (error: unknown) => {
    assert.ok(error instanceof InputNotFoundError);
    assert.match(
      error.message,
      /no such file or folder; not an Ollama model \(no manifest .*library\/nope\/1\); not a Hugging Face/,
    );
    return true;
  });
  const empty = await mkdtemp(join(tmpdir(), "lineage-local-first-"));
  await mkdir(join(empty, "zoo"));
  await copyFile(GGUF, join(empty, "zoo", "base-a"));
  const cwd = process.cwd();
  process.chdir(empty);
  try {
    const local = await openModel("zoo/base-a", { env });
    assert.equal(local.ollama, undefined);
    assert.equal(local.weightFiles[0], "zoo/base-a");
    await local.store.close();
  } finally {
    process.chdir(cwd);
  }
});

test("broken Ollama stores: a missing blob, a wrong size, a bad digest name the manifest", async () => {
  const store = await ollamaStore([["registry.ollama.ai", "library", "m", "latest"]]);
  const manifest = join(store.dir, "manifests", "registry.ollama.ai", "library", "m", "latest");
  const text = await readFile(manifest, "utf8");
  await writeFile(
    manifest,
    text.replace(
      /"size":\d+},\{"mediaType":"application\/vnd.ollama.image.template"/,
      '"size":5},{"mediaType":"application/vnd.ollama.image.template"',
    ),
  );
  await assert.rejects(openModel("m", { env: { OLLAMA_MODELS: store.dir } }), /manifest says 5 bytes/);
  await writeFile(manifest, text.replace(store.digest, "../../etc/passwd"));
  await assert.rejects(openModel("m", { env: { OLLAMA_MODELS: store.dir } }), (error: unknown) => {
    assert.ok(error instanceof FormatError && error.file === manifest && error.field === "layers.digest");
    return true;
  });
  await writeFile(manifest, text.replace(store.digest, "f".repeat(64)));
  await assert.rejects(openModel("m", { env: { OLLAMA_MODELS: store.dir } }), /model blob .* is missing/);
});

test("LM Studio / llama.cpp folders: the model GGUF beside a projector is chosen; several quantizations must be named", async () => {
  const dir = await mkdtemp(join(tmpdir(), "lineage-lmstudio-"));
  await copyFile(GGUF, join(dir, "base-a-Q4_0.gguf"));
  await copyFile(GGUF, join(dir, "mmproj-base-a-f16.gguf"));
  const source = await openModel(dir);
  assert.equal(source.weightFiles[0], join(dir, "base-a-Q4_0.gguf"));
  await source.store.close();
  await copyFile(GGUF, join(dir, "base-a-Q8_0.gguf"));
  await assert.rejects(
    openModel(dir),
    /holds 2 \.gguf files \(base-a-Q4_0\.gguf, base-a-Q8_0\.gguf\): name the one/,
  );
});
