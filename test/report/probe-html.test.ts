import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderProbeHtml } from "../../src/report/html/probe-html.js";
import { HOSTILE, translatedApiReport } from "./sample-results.js";

describe("renderProbeHtml", () => {
  it("shows the summary, the tokenizer ranking, the translation verdict and identity as weak evidence", () => {
    const page = renderProbeHtml(translatedApiReport());
    assert.match(page, /What is behind spark-pro\?/);
    assert.match(page, /Best match: cl100k\./);
    assert.match(page, /class="bar best"/);
    assert.match(page, /<span class="badge v-derived">suspected<\/span>/);
    assert.match(page, /车水马龙 → &quot;car, water, horse and dragon&quot;/);
    assert.match(page, /\(weak evidence\)/);
    assert.match(page, /17 of 43 models named another vendor/);
    assert.match(page, /<code>gpt-4o-mini<\/code>/);
    assert.doesNotMatch(page, /<script|\ssrc=|url\(/i);
  });

  it("renders a report whose probes did not run, and lists failures", () => {
    const page = renderProbeHtml({
      ...translatedApiReport(),
      identity: undefined,
      tokenizer: undefined,
      translationLayer: undefined,
      protocol: undefined,
      failures: [{ probe: "tokenizer", request: "cjk k=3", message: "HTTP 500 after 3 retries" }],
    });
    assert.match(page, /1 request failed after retries/);
    assert.match(page, /tokenizer · cjk k=3: HTTP 500 after 3 retries/);
    assert.doesNotMatch(page, /Tokenizer behind|Hidden translation|Who it says|Protocol tells/);
  });

  it("escapes answers, model names and tokenizer families from the server", () => {
    const base = translatedApiReport();
    const page = renderProbeHtml({
      ...base,
      target: { ...base.target, model: HOSTILE },
      summary: [HOSTILE],
      identity: {
        ...base.identity!,
        transcript: [{ prompt: "?", language: "en", answer: HOSTILE, claims: [{ vendor: HOSTILE }] }],
      },
      tokenizer: {
        ...base.tokenizer!,
        best: HOSTILE,
        candidates: [{ family: HOSTILE, agreement: 1, matchedUnits: 1, comparedUnits: 1 }],
      },
      protocol: { ...base.protocol!, reportedModel: HOSTILE, notes: [HOSTILE] },
    });
    assert.doesNotMatch(page, /<script|<img/i);
    assert.ok(page.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  });
});
