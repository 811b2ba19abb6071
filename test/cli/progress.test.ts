/** The stderr progress display: silent off a terminal and with --quiet, drawn on a terminal after a delay. */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { progressDisplay } from "../../src/cli/progress.js";
import { fingerprintModel } from "../../src/fingerprint/from-path.js";
import type { ProgressEvent } from "../../src/progress.js";
import { fixture } from "../helpers.js";

/** A writable that says it is a terminal, keeping what is written. */
function fakeTerminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 100 });
  return { stream, text: () => chunks.join("") };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("progressDisplay", () => {
  it("draws nothing when stderr is not a terminal, or with --quiet", () => {
    assert.equal(progressDisplay({ stream: fakeTerminal(false).stream }).onProgress, undefined);
    assert.equal(progressDisplay({ stream: fakeTerminal(true).stream, quiet: true }).onProgress, undefined);
  });

  it("on a terminal, shows a task once it has run past the delay, with its count, and clears it at the end", async () => {
    const terminal = fakeTerminal(true);
    const display = progressDisplay({ stream: terminal.stream, showAfterMs: 20 });
    display.onProgress!({ task: "reading layers", done: 0, total: 4, unit: "layers" });
    assert.equal(terminal.text(), "", "nothing before the delay: short work stays silent");
    await wait(60);
    display.onProgress!({ task: "reading layers", done: 2, total: 4, unit: "layers" });
    await wait(150);
    display.stop();
    assert.match(terminal.text(), /reading layers \[.*\] 2\/4 layers/);
  });

  it("a task that ends before the delay is never drawn", async () => {
    const terminal = fakeTerminal(true);
    const display = progressDisplay({ stream: terminal.stream, showAfterMs: 50 });
    display.onProgress!({ task: "matching", done: 0, total: 2 });
    display.stop();
    await wait(80);
    assert.equal(terminal.text(), "");
  });
});

describe("library code reports progress through onProgress (and prints nothing)", () => {
  it("fingerprinting reports each layer of base-a", async () => {
    const events: ProgressEvent[] = [];
    await fingerprintModel(fixture("zoo", "base-a"), { onProgress: (event) => events.push(event) });
    assert.deepEqual(
      events.map((e) => [e.task, e.done, e.total]),
      [0, 1, 2, 3].map((layer) => ["fingerprinting", layer, 4]),
    );
  });
});
