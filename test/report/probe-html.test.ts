import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderProbeHtml } from "../../src/report/html/probe-html.js";
import { HOSTILE, translatedApiReport } from "./sample-results.js";

describe("renderProbeHtml", () => {
  it("shows the summary, the tokenizer ranking, the translation verdict and identity as weak evidence", () => {
    const report = translatedApiReport();
    const page = renderProbeHtml(report);
    assert.match(page, /What is behind spark-pro\?/);
    assert.match(page, /Best match: cl100k\./);
    assert.match(page, /class="bar best"/);
    assert.match(page, /91\.7% \(11\/12\)/, "agreement as the terminal prints it");
    assert.match(page, /<span class="badge v-derived">suspected<\/span>/);
    assert.match(page, /idiom: asked &quot;prompt idiom&quot;.*got &quot;car, water, horse and dragon&quot;/);
    assert.match(page, /\(weak evidence\)/);
    const rate = report.identity!.baseRate;
    assert.ok(
      page.includes(
        `${rate.modelsEverNamingAnotherVendor} of ${rate.models} models named another vendor at least once`,
      ),
    );
    assert.match(page, /<code>gpt-4o-mini<\/code>/);
    assert.match(page, /<span class="badge v-unrelated">consistent<\/span>/, "OpenAI claim, cl100k counts");
    assert.doesNotMatch(page, /<script|\ssrc=|url\(/i);
  });

  it("the translation badge says inconclusive when the verdict does", () => {
    const base = translatedApiReport();
    const verdict = "inconclusive: too few answered pairs";
    const page = renderProbeHtml({
      ...base,
      translationLayer: { ...base.translationLayer!, status: "inconclusive", suspected: false, verdict },
    });
    assert.match(page, /<span class="badge v-unknown">inconclusive<\/span> inconclusive: too few/);
    assert.doesNotMatch(page, />not suspected</);
  });

  it("renders a report whose probes did not run, and lists failures", () => {
    const page = renderProbeHtml({
      ...translatedApiReport(),
      identity: null,
      tokenizer: null,
      translationLayer: null,
      protocol: null,
      consistency: { status: "not enough evidence", statements: [], contradictions: [], sentence: null },
      failures: [{ probe: "tokenizer", request: "cjk k=3", message: "HTTP 500 after 3 retries" }],
    });
    assert.match(page, /1 request failed after retries/);
    assert.match(page, /tokenizer · cjk k=3: HTTP 500 after 3 retries/);
    assert.doesNotMatch(page, /Tokenizer behind|Hidden translation|Who it says|Protocol tells|sources agree/);
  });

  it("with no usage counts: no chart of 0/0 agreements, the note instead", () => {
    const base = translatedApiReport();
    const page = renderProbeHtml({
      ...base,
      tokenizer: {
        ...base.tokenizer!,
        best: null,
        candidates: [],
        notes: ["no unit could be measured: the API returned no usage.prompt_tokens"],
      },
    });
    assert.match(page, /No reference tokenizer family was identified/);
    assert.match(page, /returned no usage\.prompt_tokens/);
    const section = page.slice(page.indexOf("Tokenizer behind"), page.indexOf("Hidden translation"));
    assert.doesNotMatch(section, /class="bar/);
  });

  it("escapes answers, model names and tokenizer families from the server", () => {
    const base = translatedApiReport();
    const page = renderProbeHtml({
      ...base,
      target: { ...base.target, model: HOSTILE },
      summary: [HOSTILE],
      identity: {
        ...base.identity!,
        transcript: [
          {
            ...base.identity!.transcript[0]!,
            answer: HOSTILE,
            claims: [{ vendor: HOSTILE, family: undefined }],
          },
        ],
      },
      tokenizer: {
        ...base.tokenizer!,
        best: HOSTILE,
        candidates: [{ ...base.tokenizer!.candidates[0]!, family: HOSTILE }],
      },
      protocol: { ...base.protocol!, reportedModel: HOSTILE, notes: [HOSTILE] },
    });
    assert.doesNotMatch(page, /<script|<img/i);
    assert.ok(page.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  });
});
