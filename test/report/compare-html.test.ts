import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderCompareHtml } from "../../src/report/html/compare-html.js";
import { escapeHtml, formatPValue } from "../../src/report/html/escape.js";
import { depthUpscaledResult, hostileResult } from "./sample-results.js";

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe("renderCompareHtml", () => {
  it("puts the verdict, summary, charts, evidence and changes in one self-contained page", () => {
    const page = renderCompareHtml(depthUpscaledResult(), {
      nullBand: { low: 0.03, high: 0.28, label: "independent pairs" },
    });
    assert.match(page, /^<!DOCTYPE html>/);
    assert.match(page, /<span class="badge v-derived">derived<\/span>/);
    assert.match(page, /its six layers are copies of base-a/);
    assert.match(page, /<span class="tag">layers-added<\/span>/);
    assert.match(page, /3\.0e-40/);
    assert.match(page, /87\.7 σ/);
    assert.equal(count(page, "<svg"), count(page, "</svg>"));
    assert.ok(count(page, "<svg") >= 4, "layer chart, mapping, parameters and vocabulary bars");
    assert.match(page, /class="band"/);
    assert.match(page, /suspect layer 3 → reference layer 1/);
    assert.match(page, /<code>model\.layers\.0\.ln1\.weight<\/code>/);
    assert.equal(count(page, "<tr>"), 1 + 9 + 1 + 1, "evidence header + 9 rows, renames header + 1 row");
    for (const external of [/<script/i, /\ssrc=/i, /href="(?!#)/i, /url\(/i, /@import/i]) {
      assert.doesNotMatch(page, external);
    }
  });

  it("renders a result with no layers, no evidence and no changes without empty charts", () => {
    const base = depthUpscaledResult();
    const page = renderCompareHtml({
      ...base,
      verdict: "unrelated",
      tags: [],
      zScore: null,
      evidence: [],
      warnings: [],
      changes: {
        unchangedShare: null,
        components: [],
        layerMapping: [],
        renamedTensors: [],
        vocabulary: null,
        experts: [],
      },
    });
    assert.match(page, /v-unrelated/);
    assert.equal(count(page, "<svg"), 0);
    assert.doesNotMatch(page, /Layer by layer|What changed|Caveats/);
    assert.match(page, /No evidence items/);
  });

  it("escapes every string from model files, so hostile names stay text", () => {
    const page = renderCompareHtml(hostileResult());
    assert.doesNotMatch(page, /<script/i);
    assert.doesNotMatch(page, /<img/i);
    assert.doesNotMatch(page, /<\/code><\/td><\/tr><\/table>&lt;/);
    assert.match(page, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.match(page, /ref&#39;&quot;&amp;&lt;script&gt;/);
    assert.doesNotMatch(page, /[\u0000\ud800]/);
    assert.equal(count(page, "<table>"), count(page, "</table>"));
  });

  it("caps long tables and says how many rows it left out", () => {
    const base = depthUpscaledResult();
    const renamed = Array.from({ length: 250 }, (_, i) => ({ from: `a.${i}`, to: `b.${i}` }));
    const page = renderCompareHtml(
      { ...base, changes: { ...base.changes, renamedTensors: renamed } },
      { maxTableRows: 20 },
    );
    assert.equal(count(page, "<code>b."), 20);
    assert.match(page, /… and 230 more/);
  });

  it("formats p-values and escapes the five HTML specials", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    assert.equal(formatPValue(1e-300), "< 1e-16");
    assert.equal(formatPValue(3.2e-9), "3.2e-9");
    assert.equal(formatPValue(0.0412), "0.041");
    assert.equal(formatPValue(undefined), "—");
  });
});
