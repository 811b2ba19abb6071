import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CompareResult } from "../../src/compare/result.js";
import { renderCompare } from "../../src/report/compare-terminal.js";
import { renderCompareHtml } from "../../src/report/html/compare-html.js";
import { escapeHtml } from "../../src/report/html/escape.js";
import { niceTicks } from "../../src/report/html/svg-charts.js";
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
    assert.match(page, /<span class="badge v-derived" data-figure="verdict">derived<\/span>/);
    assert.match(page, /its six layers are copies of base-a/);
    assert.match(page, /<span class="tag">layers-added<\/span>/);
    assert.match(page, /<b data-figure="pValue">3\.0e-40<\/b>/, "the p-value itself, not a floor");
    assert.match(page, /<b data-figure="zScore">87\.7<\/b><span>SD from independent pairs/);
    assert.match(page, /<b data-figure="unchangedShare">12\.0%<\/b>/);
    assert.equal(count(page, "<svg"), count(page, "</svg>"));
    assert.ok(count(page, "<svg") >= 4, "layer chart, mapping, parameters and vocabulary bars");
    assert.match(page, /class="band"/);
    assert.match(page, /suspect layer 3 → reference layer 1/);
    assert.match(page, /<code>model\.layers\.0\.ln1\.weight<\/code>/);
    assert.equal(
      count(page, "<tr>"),
      1 + 6 + 1 + 3 + 1 + 1,
      "layer table header + 6 rows, evidence header + 3 other rows, renames header + 1 row",
    );
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
    assert.equal(count(page, "<table"), count(page, "</table>"));
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

  it("a verdict the table does not know yet (inconclusive) renders with its reason, grey badge", () => {
    const base = depthUpscaledResult();
    const page = renderCompareHtml({
      ...base,
      verdict: "inconclusive" as CompareResult["verdict"],
      reason: "vocabulary-only file: no weights to compare",
    } as CompareResult);
    assert.match(page, /<span class="badge v-inconclusive" data-figure="verdict">inconclusive<\/span>/);
    assert.match(page, /The evidence does not decide/);
    assert.match(page, /<b>Why:<\/b> vocabulary-only file: no weights to compare/);
    assert.match(renderCompare({ ...base, reason: "x" } as CompareResult).join("\n"), /^why: x$/m);
  });

  it("escapes the five HTML specials", () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("the layer chart plots the statistic of the layer table, not the mapping similarity", () => {
    const base = depthUpscaledResult();
    // The engine's layer mapping score and its per-layer test statistic differ (issue 12: 0.27 vs 0.009).
    const result = {
      ...base,
      changes: {
        ...base.changes,
        layerMapping: base.changes.layerMapping.map((m) => ({ ...m, similarity: 0.27 })),
      },
      evidence: base.evidence.map((item) =>
        item.component.startsWith("layer ") ? { ...item, statistic: "aligned CKA", value: 0.009 } : item,
      ),
    };
    const page = renderCompareHtml(result);
    const chart = page.slice(page.indexOf("<svg"), page.indexOf("</svg>"));
    assert.equal(count(chart, ": aligned CKA 0.009</title>"), 6, "every dot shows the table's statistic");
    assert.doesNotMatch(chart, /0\.27/);
    assert.match(chart, /aria-label="per-layer aligned CKA"/);
    assert.equal(count(page, '<td class="num">0.009</td>'), 6);
  });

  it("the vocabulary bar splits shared tokens into same id / other id instead of stacking both", () => {
    const base = depthUpscaledResult();
    const page = renderCompareHtml({
      ...base,
      changes: { ...base.changes, vocabulary: { kept: 3000, added: 20, removed: 5, reordered: 100 } },
    });
    const start = page.indexOf("<h3>Vocabulary");
    const bar = page.slice(start, page.indexOf("</svg>", start));
    assert.match(bar, /shared, same id: 2,900/);
    assert.match(bar, /shared, other id: 100/);
    assert.match(bar, /only in the suspect: 20/);
    assert.match(bar, /only in the reference: 5/);
    const widths = [...bar.matchAll(/<rect x="[\d.]+" y="8" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    const total = widths.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 608) < 0.5, `parts fill the bar once (${total})`);
    assert.ok(Math.abs(widths[0]! / total - 2900 / 3025) < 1e-3, "same-id part is its share of the union");
  });

  it("axis ticks fall on round values", () => {
    assert.deepEqual(niceTicks(-0.05, 1), [-0.25, 0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(-0.3, 1), [-0.5, 0, 0.5, 1]);
    assert.deepEqual(niceTicks(0.93, 0.98), [0.93, 0.94, 0.95, 0.96, 0.97, 0.98]);
    const page = renderCompareHtml(depthUpscaledResult(), {
      nullBand: { low: -0.05, high: 0.3, label: "independent weights" },
    });
    const labels = [...page.matchAll(/class="tick y-tick">([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(labels, ["-0.25", "0.00", "0.25", "0.50", "0.75", "1.00"]);
    const base = depthUpscaledResult();
    const deep = renderCompareHtml({
      ...base,
      changes: {
        ...base.changes,
        layerMapping: Array.from({ length: 36 }, (_, i) => ({
          suspectLayer: i,
          referenceLayer: i,
          similarity: 0.5,
        })),
      },
      evidence: [],
    });
    const layers = [...deep.matchAll(/class="tick x-tick">(\d+)</g)].map((m) => Number(m[1]));
    assert.deepEqual(layers, [0, 5, 10, 15, 20, 25, 30, 35]);
  });
});
