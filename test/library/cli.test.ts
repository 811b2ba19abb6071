import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fixture, runLineage } from "../helpers.js";

const lineage = (args: string[], env: NodeJS.ProcessEnv) => runLineage(args, env);

describe("lineage library (command line, on the committed zoo fixtures)", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "lineage-cli-"));
    env = { LINEAGE_LIBRARY: join(dir, "lib.db") };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("adds two bases, names a fine-tune's base and calls the other independent", async () => {
    const corrupt = join(dir, "corrupt.db");
    writeFileSync(corrupt, "this is not sqlite".repeat(300));
    const [first, bad] = await Promise.all([
      lineage(["library", "add", fixture("zoo", "base-a")], env),
      lineage(["library", "list", "--library", corrupt], env),
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /corrupt\.db: not a usable SQLite library/);
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/, "no stack trace");
    const added = await lineage(
      ["library", "add", fixture("zoo", "base-b"), "--name", "B", "--notes", "seed 2"],
      env,
    );
    assert.match(added.stdout, /added B \(128 anchor tokens, 4 layers, 9 unit sets\)/);
    const match = await lineage(["library", "match", fixture("zoo", "a-sft"), "--json"], env);
    assert.equal(match.code, 0, match.stderr);
    const ranked = JSON.parse(match.stdout).matches;
    assert.deepEqual(
      ranked.map((m: { name: string; relation: string }) => [m.name, m.relation]),
      [
        ["base-a", "derived"],
        ["B", "independent"],
      ],
    );
    assert.ok(ranked[0].pValueLog10 <= -6 && ranked[1].pValueLog10 >= -3);
  });

  it("exports, imports elsewhere, and refuses a name clash with exit code 1 (bad input, not a usage error)", async () => {
    const file = join(dir, "export.json");
    assert.equal((await lineage(["library", "export", file], env)).code, 0);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).entries.length, 2);
    const other = join(dir, "other.db");
    const imported = await lineage(["library", "--library", other, "import", file], env);
    assert.match(imported.stdout, /imported 2 fingerprints/);
    const clash = await lineage(["library", "import", file, "--library", other], env);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, /already has "B", "base-a" \(use --replace\)/);
    const missing = await lineage(["library", "--library", other, "remove", "no-such-name"], env);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /other\.db: name: no fingerprint named "no-such-name" \(known: B, base-a\)/);
    const removed = await lineage(["library", "--library", other, "remove", "B"], env);
    assert.equal(removed.code, 0, removed.stderr);
  });
});
