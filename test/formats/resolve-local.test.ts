/**
 * A MODEL spelled as a local path never goes to the network (docs/hub.md, "Which MODEL is meant"): a
 * mistyped `zoo/base-x` beside an existing `zoo/` is "no such file or folder", and the injected fetch is
 * never called; an `ORG/NAME` with nothing local of that name still asks the Hub.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { InputNotFoundError, UsageError } from "../../src/errors.js";
import { openModel, withRevision } from "../../src/formats/resolve-model.js";
import { f32Safetensors, rejectsWith, tempDir, writeBytes } from "./build.js";

const root = await tempDir();
await mkdir(join(root, "zoo", "base-a"), { recursive: true });
await writeBytes(join(root, "zoo", "base-a", "model.safetensors"), f32Safetensors({ x: [2] }));
process.chdir(root);

/** Options whose Hub client records every request and answers 404. */
function recording() {
  const requests: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    requests.push(String(input instanceof Request ? input.url : input));
    return new Response("not found", { status: 404 });
  }) as typeof globalThis.fetch;
  const env = {
    HF_ENDPOINT: "http://127.0.0.1:9",
    HF_HOME: join(root, "hf"),
    LINEAGE_CACHE: join(root, "c"),
  };
  return { requests, options: { env, hub: { fetch, client: { retries: 0 } } } };
}

test("a path under an existing folder opens; a mistyped one is 'no such file or folder' without the Hub", async () => {
  const { requests, options } = recording();
  const source = await openModel("zoo/base-a", options);
  assert.equal(source.format, "safetensors");
  await source.store.close();
  await rejectsWith(openModel("zoo/base-x", options), InputNotFoundError, {
    file: "zoo/base-x",
    message: /no such file or folder: zoo\/ exists but has no base-x \(a local path, since zoo\/ exists here/,
  });
  await rejectsWith(openModel("zoo/base-a/model.gguf", options), InputNotFoundError, {
    message: /zoo\/base-a\/ exists but has no model\.gguf/,
  });
  for (const spec of ["./base-x", "../base-x/y", "/nonexistent-lineage/x", "~/x"]) {
    await rejectsWith(openModel(spec, options), InputNotFoundError, {
      file: spec,
      message: /no such file or folder.*the Hugging Face Hub was not asked/,
    });
  }
  assert.deepEqual(requests, []);
  await assert.rejects(withRevision("zoo/base-x", "main", options.env), UsageError);
});

test("ORG/NAME with nothing local of that name is still a Hub repository", async () => {
  const { requests, options } = recording();
  await assert.rejects(openModel("someorg/base-x", options));
  assert.ok(requests.length > 0, "the Hub was asked");
  assert.match(requests[0]!, /someorg\/base-x/);
  assert.equal(await withRevision("someorg/base-x", "main", options.env), "hf://someorg/base-x@main");
});
