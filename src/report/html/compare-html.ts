/**
 * `lineage compare --html FILE`: one self-contained HTML page for a CompareResult — verdict badge and
 * plain summary first, then the per-layer chart, the layer mapping, the evidence table and what changed.
 */
import type { CompareResult, EvidenceItem, Verdict } from "../../compare/result.js";
import {
  headlineFigures,
  type LayerRow,
  layerRows,
  layerStatistic,
  pValueText,
  vocabularyParts,
} from "../compare-figures.js";
import {
  formatBytes,
  formatCount,
  formatNumber,
  formatPercent,
  formatSeconds,
  formatSimilarity,
} from "../format.js";
import { html, type RawHtml, raw } from "./escape.js";
import { page } from "./page.js";
import { type Band, lineChart, mappingDiagram, stackedBar } from "./svg-charts.js";

export interface CompareHtmlOptions {
  /** Range of the per-layer statistic for independent model pairs, drawn behind the layer chart. */
  nullBand?: Band;
  /** Timestamp printed in the footer (tests pass a fixed one). */
  generatedAt?: string;
  /** Rows of long tables shown before "and N more" (renamed tensors can run to thousands). */
  maxTableRows?: number;
}

/** One sentence per verdict; keyed by string so verdicts the engine adds render before this table knows them. */
export const VERDICT_MEANING: Readonly<Record<Verdict | "inconclusive", string>> &
  Record<string, string | undefined> = {
  identical: "The two checkpoints hold the same weights, value for value (perhaps in another file format).",
  "same-weights":
    "The two checkpoints hold the same weights, changed only by operations that keep them (renaming, re-layout, quantization, added noise, permutation, rotation, rescaling).",
  derived:
    "The two models share inherited weights, trained further or restructured since (fine-tuning, continued pre-training, a shared initialisation, depth up-scaling, MoE upcycling, vocabulary extension). Which came first is said only where the weights show it.",
  inconclusive:
    "The evidence does not decide: nothing corresponds between the two models, or the similarity is too weak to call either way.",
  "architecture-only": "Same blueprint, but the weights were trained separately: no weight lineage.",
  unrelated: "Neither the weights nor the blueprint are shared.",
};

const DEFAULT_MAX_ROWS = 200;

/** Why the verdict is what it is, when the engine says (`reason`, e.g. for `inconclusive`). */
function reasonOf(result: CompareResult): string | undefined {
  const reason = (result as { reason?: unknown }).reason;
  return typeof reason === "string" && reason !== "" ? reason : undefined;
}

function headline(result: CompareResult): RawHtml {
  const figures = headlineFigures(result);
  return html`<div class="headline">
  <span class="badge v-${result.verdict}" data-figure="verdict">${figures.verdict}</span>
  ${
    result.test.name === "none" || result.pValue === null
      ? html`<div class="figure"><b data-figure="pValue">no test</b><span>no p-value (${result.test.nullHypothesis})</span></div>`
      : html`<div class="figure"><b data-figure="pValue">${figures.pValue}</b><span>p-value (${result.test.name}${result.test.fittedOn === undefined ? "" : `, fitted null from ${result.test.fittedOn} pairs`})</span></div>`
  }
  <div class="figure"><b data-figure="zScore">${figures.zScore}</b><span>SD from independent pairs</span></div>
  ${figures.unchanged === null ? "" : html`<div class="figure"><b data-figure="unchangedShare">${figures.unchanged}</b><span>parameters unchanged</span></div>`}
</div>
<p>${VERDICT_MEANING[result.verdict] ?? ""}</p>
${reasonOf(result) === undefined ? "" : html`<p data-figure="reason"><b>Why:</b> ${reasonOf(result)}</p>`}
${result.tags.length === 0 ? "" : html`<p>${result.tags.map((tag) => html`<span class="tag">${tag}</span>`)}</p>`}`;
}

function layerTable(rows: readonly LayerRow[], statistic: string): RawHtml {
  return html`<table class="layers"><thead><tr><th>suspect layer</th><th>reference layer</th><th>${statistic}</th><th>p-value</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td class="num">${r.layer}</td><td class="num">${r.referenceLayer ?? "–"}</td><td class="num">${formatSimilarity(r.value)}</td><td class="num">${pValueText(r)}</td></tr>`)}
</tbody></table>`;
}

function layerSection(result: CompareResult, options: CompareHtmlOptions): RawHtml {
  const rows = layerRows(result);
  if (rows.length === 0) return html``;
  const statistic = layerStatistic(rows);
  const values = rows.map((r) => r.value);
  const chart = lineChart({
    points: rows.map((r) => ({
      x: r.layer,
      y: r.value,
      title: `suspect layer ${r.layer}${r.referenceLayer === null ? "" : ` ↔ reference layer ${r.referenceLayer}`}: ${statistic} ${formatSimilarity(r.value)}`,
    })),
    yDomain: [Math.min(0, ...values, options.nullBand?.low ?? 0), Math.max(1, ...values)],
    xLabel: "suspect layer",
    yLabel: statistic,
    title: `per-layer ${statistic}`,
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
<p class="muted">${statistic} of each suspect layer with the reference layer it was compared with (chart and table show the same figures)${options.nullBand ? "; the grey band is the range independent models reach" : ""}.</p>
${raw(chart)}
${layerTable(rows, statistic)}
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
  return html`<tr><td>${item.component}</td><td>${item.statistic}</td>${value}<td class="num">${pBar(item.pValue)}${pValueText(item)}</td><td>${item.note}</td></tr>`;
}

function moreRows(total: number, shown: number): RawHtml {
  return total > shown ? html`<p class="muted">… and ${formatNumber(total - shown)} more.</p>` : html``;
}

function changesSection(result: CompareResult, maxRows: number): RawHtml {
  const { unchangedShare, renamedTensors, experts } = result.changes;
  const parts: RawHtml[] = [];
  if (unchangedShare !== null) {
    parts.push(
      html`<h3>Parameters</h3>${raw(
        stackedBar([
          {
            label: "unchanged",
            value: unchangedShare,
            text: formatPercent(unchangedShare),
            className: "unchanged",
          },
          {
            label: "changed",
            value: 1 - unchangedShare,
            text: formatPercent(1 - unchangedShare),
            className: "changed",
          },
        ]),
      )}`,
    );
  }
  const vocabulary = vocabularyParts(result);
  if (vocabulary !== null) {
    const part = (label: string, value: number, className: string) => ({
      label,
      value,
      text: formatCount(value),
      className,
    });
    parts.push(
      html`<h3>Vocabulary (rows matched by token string)</h3>${raw(
        stackedBar([
          part("shared, same id", vocabulary.sameId, "kept"),
          part("shared, other id", vocabulary.moved, "reordered"),
          part("only in the suspect", vocabulary.added, "added"),
          part("only in the reference", vocabulary.removed, "removed"),
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
${shown.map((e) => html`<tr><td class="num">${e.layer}</td><td class="num">${e.expert}</td><td class="num">${e.fromReferenceLayer}</td><td class="num">${formatSimilarity(e.similarity)}</td></tr>`)}
</tbody></table>${moreRows(experts.length, shown.length)}`);
  }
  return parts.length === 0 ? html`` : html`<h2>What changed</h2>${parts}`;
}

export function renderCompareHtml(result: CompareResult, options: CompareHtmlOptions = {}): string {
  const maxRows = options.maxTableRows ?? DEFAULT_MAX_ROWS;
  // Per-layer items are shown in the layer table; the evidence table holds everything else.
  const layerComponents = new Set(layerRows(result).map((r) => `layer ${r.layer}`));
  const evidence = result.evidence.filter((item) => !layerComponents.has(item.component));
  const body = html`<h1>Is ${result.suspect} built on ${result.reference}?</h1>
<p class="sub">lineage compare · suspect <code>${result.suspect}</code> · reference <code>${result.reference}</code></p>
${headline(result)}
<section class="summary"><h2>In plain words</h2>${result.summary.map((line) => html`<p>${line}</p>`)}</section>
${result.warnings.length === 0 ? "" : html`<div class="warn"><b>Caveats</b><ul>${result.warnings.map((w) => html`<li>${w}</li>`)}</ul></div>`}
${layerSection(result, options)}
<h2>Evidence</h2>
${
  evidence.length === 0
    ? html`<p class="muted">No evidence items beyond the layers.</p>`
    : html`<table><colgroup><col style="width:16%"><col style="width:18%"><col style="width:13%"><col style="width:18%"><col style="width:35%"></colgroup><thead><tr><th>component</th><th>statistic</th><th>value</th><th>p-value</th><th>reading</th></tr></thead>
<tbody>${evidence.map(evidenceRow)}</tbody></table>`
}
${changesSection(result, maxRows)}
<footer>Generated by lineage${options.generatedAt ? ` on ${options.generatedAt}` : ""} · compared in ${formatSeconds(result.timing.seconds)}, ${formatBytes(result.timing.bytesRead)} read · p-values are under the hypothesis that the two models' weights are independent.</footer>`;
  return page(`lineage: ${result.suspect} vs ${result.reference} — ${result.verdict}`, body);
}
