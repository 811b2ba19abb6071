/**
 * Hand-written inline SVG charts for the single-file reports: no browser, no external resources.
 * Labels pass through `escapeHtml`; numbers are formatted here.
 */
import { formatNumber } from "../format.js";
import { escapeHtml } from "./escape.js";

export interface SeriesPoint {
  x: number;
  y: number;
  /** Tooltip text (escaped). */
  title?: string;
}

export interface Band {
  low: number;
  high: number;
  label: string;
}

export interface LineChartSpec {
  points: SeriesPoint[];
  /** Values the y axis must cover; it is widened to round tick values (see `niceTicks`). */
  yDomain: [number, number];
  xLabel: string;
  yLabel: string;
  band?: Band;
  /** Text shown next to the chart's accessible title. */
  title: string;
}

const WIDTH = 640;
const HEIGHT = 260;
const MARGIN = { left: 56, right: 16, top: 16, bottom: 44 };

function n(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : "0";
}

/**
 * Tick values at round numbers covering [lo, hi]: a step of 1, 2, 2.5 or 5 × 10^k giving at most
 * `maxTicks` intervals; the first and last ticks bound the axis. Ticks are exact decimals (0.1, not
 * 0.30000000000000004), so their labels are what they say.
 */
export function niceTicks(lo: number, hi: number, maxTicks = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => (hi - lo) / s <= maxTicks + 1e-9)!;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + (step / magnitude === 2.5 ? 1 : 0));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toFixed(decimals)));
}

function tickLabel(value: number, ticks: readonly number[]): string {
  const decimals = Math.max(...ticks.map((t) => (String(t).split(".")[1] ?? "").length));
  return value.toFixed(decimals);
}

/** Similarity per layer with the independent-pair band shaded behind it. */
export function lineChart(spec: LineChartSpec): string {
  const yTicks = niceTicks(spec.yDomain[0], spec.yDomain[1]);
  const y0 = yTicks[0]!;
  const y1 = yTicks.at(-1)!;
  const xs = spec.points.map((p) => p.x);
  const xMin = xs.length === 0 ? 0 : Math.min(...xs);
  const xMax = xs.length === 0 ? 1 : Math.max(...xs, xMin + 1);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  // Points sit inside the frame, not on its edges, so the first and last dots are drawn whole.
  const inset = 12;
  const sx = (x: number) => MARGIN.left + inset + ((x - xMin) / (xMax - xMin)) * (plotW - 2 * inset);
  const sy = (y: number) => MARGIN.top + (1 - (Math.min(Math.max(y, y0), y1) - y0) / (y1 - y0)) * plotH;
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${n(sy(t))}" y2="${n(sy(t))}" class="grid"/>`,
      `<text x="${MARGIN.left - 6}" y="${n(sy(t) + 4)}" text-anchor="end" class="tick y-tick">${tickLabel(t, yTicks)}</text>`,
    );
  }
  // Layer labels every 1, 2, 5, 10, 20, 50… layers, at multiples of the step (0, 5, 10, not 0, 3, 6).
  const xStep = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((step) => (xMax - xMin) / step <= 12) ?? 1000;
  for (let x = Math.ceil(xMin / xStep) * xStep; x <= xMax; x += xStep) {
    parts.push(
      `<text x="${n(sx(x))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" class="tick x-tick">${x}</text>`,
    );
  }
  if (spec.band !== undefined) {
    const top = sy(spec.band.high);
    const bottom = sy(spec.band.low);
    parts.push(
      `<rect x="${MARGIN.left}" y="${n(top)}" width="${plotW}" height="${n(Math.max(1, bottom - top))}" class="band"><title>${escapeHtml(spec.band.label)}</title></rect>`,
      `<text x="${WIDTH - MARGIN.right - 4}" y="${n(top - 4)}" text-anchor="end" class="band-label">${escapeHtml(spec.band.label)}</text>`,
    );
  }
  if (spec.points.length > 0) {
    const path = spec.points.map((p, i) => `${i === 0 ? "M" : "L"}${n(sx(p.x))},${n(sy(p.y))}`).join(" ");
    parts.push(`<path d="${path}" class="series"/>`);
    for (const p of spec.points) {
      parts.push(
        `<circle cx="${n(sx(p.x))}" cy="${n(sy(p.y))}" r="3.5" class="dot"><title>${escapeHtml(p.title ?? `${p.x}: ${formatNumber(p.y)}`)}</title></circle>`,
      );
    }
  }
  parts.push(
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle" class="axis-label">${escapeHtml(spec.xLabel)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" class="axis-label">${escapeHtml(spec.yLabel)}</text>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" class="axis"/>`,
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" class="axis"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(spec.title)}" class="chart">${parts.join("")}</svg>`;
}

export interface MappingLink {
  from: number;
  to: number | null;
  similarity: number;
}

/** Suspect layers (left) joined to the reference layers they descend from (right). */
export function mappingDiagram(
  links: MappingLink[],
  leftCount: number,
  rightCount: number,
  leftLabel: string,
  rightLabel: string,
): string {
  const rows = Math.max(leftCount, rightCount, 1);
  const rowH = Math.min(26, Math.max(8, 400 / rows));
  const height = 40 + rows * rowH;
  const leftX = 170;
  const rightX = 470;
  const y = (i: number, count: number) => 30 + (i + 0.5) * ((rows * rowH) / Math.max(count, 1));
  const parts: string[] = [
    `<text x="${leftX}" y="16" text-anchor="middle" class="axis-label">${escapeHtml(leftLabel)}</text>`,
    `<text x="${rightX}" y="16" text-anchor="middle" class="axis-label">${escapeHtml(rightLabel)}</text>`,
  ];
  for (const link of links) {
    if (link.to === null) continue;
    const s = Math.max(0, Math.min(1, link.similarity));
    parts.push(
      `<line x1="${leftX + 8}" y1="${n(y(link.from, leftCount))}" x2="${rightX - 8}" y2="${n(y(link.to, rightCount))}" class="link" stroke-opacity="${(0.15 + 0.85 * s).toFixed(2)}" stroke-width="${(1 + 3 * s).toFixed(1)}"><title>suspect layer ${link.from} → reference layer ${link.to}: ${formatNumber(link.similarity)}</title></line>`,
    );
  }
  const showLabels = rowH >= 12;
  for (let i = 0; i < leftCount; i++) {
    parts.push(`<circle cx="${leftX}" cy="${n(y(i, leftCount))}" r="5" class="node"/>`);
    if (showLabels)
      parts.push(
        `<text x="${leftX - 12}" y="${n(y(i, leftCount) + 4)}" text-anchor="end" class="tick">${i}</text>`,
      );
  }
  for (let i = 0; i < rightCount; i++) {
    parts.push(`<circle cx="${rightX}" cy="${n(y(i, rightCount))}" r="5" class="node ref"/>`);
    if (showLabels)
      parts.push(`<text x="${rightX + 12}" y="${n(y(i, rightCount) + 4)}" class="tick">${i}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${n(height)}" role="img" aria-label="layer mapping" class="chart">${parts.join("")}</svg>`;
}

export interface BarPart {
  label: string;
  value: number;
  /** The value as the legend shows it (default: `formatNumber(value)`). */
  text?: string;
  /** CSS class giving the colour. */
  className: string;
}

/**
 * One horizontal bar split into parts that must be DISJOINT shares of one whole (vocabulary: same id /
 * other id / suspect only / reference only; parameters unchanged / changed): each part's width is its
 * share of the sum, so a part that is a subset of another would be counted twice.
 */
export function stackedBar(parts: BarPart[]): string {
  const total = parts.reduce((t, p) => t + Math.max(0, p.value), 0);
  const barW = WIDTH - 32;
  let x = 16;
  const rects: string[] = [];
  const legend: string[] = [];
  parts.forEach((part, i) => {
    const w = total === 0 ? 0 : (Math.max(0, part.value) / total) * barW;
    if (w > 0) {
      rects.push(
        `<rect x="${n(x)}" y="8" width="${n(w)}" height="26" class="${part.className}"><title>${escapeHtml(part.label)}: ${escapeHtml(part.text ?? formatNumber(part.value))}</title></rect>`,
      );
    }
    x += w;
    const lx = 16 + (i % 2) * 310;
    const ly = 46 + Math.floor(i / 2) * 18;
    legend.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" class="${part.className}"/>`,
      `<text x="${lx + 18}" y="${ly + 10}" class="tick legend">${escapeHtml(part.label)}: ${escapeHtml(part.text ?? formatNumber(part.value))}</text>`,
    );
  });
  const height = 50 + Math.ceil(parts.length / 2) * 18;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="proportions" class="chart">${rects.join("")}${legend.join("")}</svg>`;
}

/** Horizontal bars, one per row, scaled to the largest value (e.g. tokenizer agreement per family). */
export function barList(
  items: { label: string; value: number; text?: string; highlight?: boolean }[],
  max = 1,
): string {
  const rowH = 24;
  const labelW = 180;
  const barW = WIDTH - labelW - 70;
  const parts = items.map((item, i) => {
    const w = max > 0 ? (Math.max(0, Math.min(item.value, max)) / max) * barW : 0;
    const y = 6 + i * rowH;
    return (
      `<text x="${labelW - 8}" y="${y + 14}" text-anchor="end" class="tick">${escapeHtml(item.label)}</text>` +
      `<rect x="${labelW}" y="${y + 2}" width="${n(w)}" height="16" class="${item.highlight ? "bar best" : "bar"}"/>` +
      `<text x="${n(labelW + w + 6)}" y="${y + 14}" class="tick">${escapeHtml(item.text ?? formatNumber(item.value))}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${12 + items.length * rowH}" role="img" aria-label="bars" class="chart">${parts.join("")}</svg>`;
}
