/**
 * `lineage compare --html FILE`: one self-contained HTML page for a CompareResult — verdict badge and
 * plain summary first, then the per-layer chart, the layer mapping, the evidence table and what changed.
 */
import { formatLog10P } from "../../compare/p-value-text.js";
import type { CompareResult, EvidenceItem, Verdict } from "../../compare/result.js";
import { formatBytes, formatNumber, html, type RawHtml, raw } from "./escape.js";
import { page } from "./page.js";
import { type Band, lineChart, mappingDiagram, type SeriesPoint, stackedBar } from "./svg-charts.js";

export interface CompareHtmlOptions {
  /** Range of the per-layer statistic for independent model pairs, drawn behind the layer chart. */
  nullBand?: Band;
  /** Timestamp printed in the footer (tests pass a fixed one). */
  generatedAt?: string;
  /** Rows of long tables shown before "and N more" (renamed tensors can run to thousands). */
  maxTableRows?: number;
}

export const VERDICT_MEANING: Record<Verdict, string> = {
  identical: "The two checkpoints hold the same weights, value for value (perhaps in another file format).",
  "same-weights":
    "The two checkpoints hold the same weights, changed only by operations that keep them (renaming, re-layout, quantization, added noise, permutation, rotation, rescaling).",
  derived:
    "The two models share inherited weights, trained further or restructured since (fine-tuning, continued pre-training, a shared initialisation, depth up-scaling, MoE upcycling, vocabulary extension). Which came first is said only where the weights show it.",
  inconclusive:
    "The evidence does not decide: nothing corresponds between the two models, or the similarity is too weak to call.",
  "architecture-only": "Same blueprint, but the weights were trained separately: no weight lineage.",
  unrelated: "Neither the weights nor the blueprint come from the reference.",
};

const DEFAULT_MAX_ROWS = 200;

function headline(result: CompareResult): RawHtml {
  const unchanged = result.changes.unchangedShare;
  return html`<div class="headline">
  <span class="badge v-${result.verdict}">${result.verdict}</span>
  <div class="figure"><b>${formatLog10P(result.pValueLog10)}</b><span>p-value (${result.test.name})</span></div>
  <div class="figure"><b>${result.zScore === null ? "—" : `${formatNumber(result.zScore, 1)} σ`}</b><span>from independent pairs</span></div>
  ${unchanged === null ? "" : html`<div class="figure"><b>${formatNumber(unchanged * 100, 1)} %</b><span>parameters unchanged</span></div>`}
</div>
<p>${VERDICT_MEANING[result.verdict]}</p>
${result.tags.length === 0 ? "" : html`<p>${result.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</p>`}`;
}

function layerPoints(result: CompareResult): SeriesPoint[] {
  if (result.changes.layerMapping.length > 0) {
    return result.changes.layerMapping.map((m) => ({
      x: m.suspectLayer,
      y: m.similarity,
      title: `suspect layer ${m.suspectLayer} ↔ reference layer ${m.referenceLayer ?? "none"}: ${formatNumber(m.similarity)}`,
    }));
  }
  return result.evidence.flatMap((item) => {
    const layer = /^layer (\d+)$/.exec(item.component);
    return layer && typeof item.value === "number"
      ? [
          {
            x: Number(layer[1]),
            y: item.value,
            title: `layer ${layer[1]}: ${item.statistic} ${formatNumber(item.value)}`,
          },
        ]
      : [];
  });
}

function layerSection(result: CompareResult, options: CompareHtmlOptions): RawHtml {
  const points = layerPoints(result);
  if (points.length === 0) return html``;
  const lowest = Math.min(0, ...points.map((p) => p.y), options.nullBand?.low ?? 0);
  const chart = lineChart({
    points,
    yDomain: [Math.floor(lowest * 10) / 10, 1],
    xLabel: "suspect layer",
    yLabel: "same-index share",
    title: "per-layer share of units at the same index",
    ...(options.nullBand === undefined ? {} : { band: options.nullBand }),
  });
  const mapping = result.changes.layerMapping;
  const referenceLayers = Math.max(0, ...mapping.map((m) => (m.referenceLayer ?? -1) + 1));
  const diagram =
    mapping.length === 0
      ? ""
      : mappingDiagram(
          mapping.map((m) => ({ from: m.suspectLayer, to: m.referenceLayer, similarity: m.similarity })),
          Math.max(...mapping.map((m) => m.suspectLayer + 1)),
          referenceLayers,
          "suspect layers",
          "reference layers",
        );
  return html`<h2>Layer by layer</h2>
<p class="muted">Share of each suspect layer's sampled hidden units that match the unit at the same index of the mapped reference layer${options.nullBand ? "; the grey band is what separately trained models reach by chance" : ""}.</p>
${raw(chart)}
${diagram === "" ? "" : html`<h3>Layer mapping</h3>${raw(diagram)}`}`;
}

function pBar(p: number | undefined): RawHtml {
  if (p === undefined || !Number.isFinite(p)) return html``;
  const strength = Math.min(16, -Math.log10(Math.max(p, 1e-16))) / 16;
  return raw(`<span class="pbar" style="width:${(4 + strength * 60).toFixed(0)}px"></span>`);
}

function evidenceRow(item: EvidenceItem): RawHtml {
  // Numbers align right on one line; strings (which may be long and come from model files) wrap.
  const value =
    typeof item.value === "number"
      ? html`<td class="num">${formatNumber(item.value)}</td>`
      : html`<td>${String(item.value)}</td>`;
  return html`<tr><td>${item.component}</td><td>${item.statistic}</td>${value}<td class="num">${pBar(item.pValue)}${item.pValue === undefined ? "—" : formatLog10P(item.pValueLog10 ?? Math.log10(Math.max(item.pValue, Number.MIN_VALUE)))}</td><td>${item.note}</td></tr>`;
}

function moreRows(total: number, shown: number): RawHtml {
  return total > shown ? html`<p class="muted">… and ${formatNumber(total - shown)} more.</p>` : html``;
}

function changesSection(result: CompareResult, maxRows: number): RawHtml {
  const { unchangedShare, renamedTensors, vocabulary, experts } = result.changes;
  const parts: RawHtml[] = [];
  if (unchangedShare !== null) {
    parts.push(
      html`<h3>Parameters</h3>${raw(
        stackedBar([
          { label: "unchanged", value: unchangedShare * 100, unit: " %", className: "unchanged" },
          { label: "changed", value: (1 - unchangedShare) * 100, unit: " %", className: "changed" },
        ]),
      )}`,
    );
  }
  if (vocabulary !== null) {
    parts.push(
      html`<h3>Vocabulary (rows matched by token string)</h3>${raw(
        stackedBar([
          { label: "kept", value: vocabulary.kept, className: "kept" },
          { label: "added", value: vocabulary.added, className: "added" },
          { label: "removed", value: vocabulary.removed, className: "removed" },
          { label: "reordered", value: vocabulary.reordered, className: "reordered" },
        ]),
      )}`,
    );
  }
  if (renamedTensors.length > 0) {
    const shown = renamedTensors.slice(0, maxRows);
    parts.push(html`<h3>Tensor correspondence (${formatNumber(renamedTensors.length)} renamed)</h3>
<table><thead><tr><th>reference tensor</th><th>suspect tensor</th></tr></thead><tbody>
${shown.map((r) => html`<tr><td><code>${r.from}</code></td><td><code>${r.to}</code></td></tr>`)}
</tbody></table>${moreRows(renamedTensors.length, shown.length)}`);
  }
  if (experts.length > 0) {
    const shown = experts.slice(0, maxRows);
    parts.push(html`<h3>Experts and the MLPs they come from</h3>
<table><thead><tr><th>layer</th><th>expert</th><th>from reference layer</th><th>similarity</th></tr></thead><tbody>
${shown.map((e) => html`<tr><td class="num">${e.layer}</td><td class="num">${e.expert}</td><td class="num">${e.fromReferenceLayer}</td><td class="num">${formatNumber(e.similarity)}</td></tr>`)}
</tbody></table>${moreRows(experts.length, shown.length)}`);
  }
  return parts.length === 0 ? html`` : html`<h2>What changed</h2>${parts}`;
}

export function renderCompareHtml(result: CompareResult, options: CompareHtmlOptions = {}): string {
  const maxRows = options.maxTableRows ?? DEFAULT_MAX_ROWS;
  const body = html`<h1>Is ${result.suspect} built on ${result.reference}?</h1>
<p class="sub">lineage compare · suspect <code>${result.suspect}</code> · reference <code>${result.reference}</code></p>
${headline(result)}
<section class="summary"><h2>In plain words</h2>${result.summary.map((line) => html`<p>${line}</p>`)}</section>
${result.warnings.length === 0 ? "" : html`<div class="warn"><b>Caveats</b><ul>${result.warnings.map((w) => html`<li>${w}</li>`)}</ul></div>`}
${layerSection(result, options)}
<h2>Evidence</h2>
${
  result.evidence.length === 0
    ? html`<p class="muted">No evidence items.</p>`
    : html`<table><colgroup><col style="width:16%"><col style="width:18%"><col style="width:13%"><col style="width:18%"><col style="width:35%"></colgroup><thead><tr><th>component</th><th>statistic</th><th>value</th><th>p-value</th><th>reading</th></tr></thead>
<tbody>${result.evidence.map(evidenceRow)}</tbody></table>`
}
${changesSection(result, maxRows)}
<footer>Generated by lineage${options.generatedAt ? ` on ${options.generatedAt}` : ""} · compared in ${formatNumber(result.timing.seconds, 2)} s, ${formatBytes(result.timing.bytesRead)} read · p-values are under the null hypothesis that the two models were trained separately (${result.test.name}).</footer>`;
  return page(`lineage: ${result.suspect} vs ${result.reference} — ${result.verdict}`, body);
}
