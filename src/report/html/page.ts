/** The shell shared by every HTML report: one self-contained document, styles inline, no scripts. */
import { escapeHtml, type RawHtml } from "./escape.js";

const STYLE = `
:root { --ink:#1d2433; --muted:#5b6475; --line:#d9dee7; --soft:#f5f7fa; --accent:#2f5bd3; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",sans-serif; color:var(--ink); background:#fff; }
main { max-width: 920px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-word; }
h2 { font-size: 17px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; color: var(--muted); }
.sub { color: var(--muted); margin: 0 0 16px; word-break: break-word; }
.badge { display:inline-block; padding: 4px 12px; border-radius: 999px; font-weight: 700; color:#fff; letter-spacing: .02em; background:#5b6475; }
.v-identical, .v-same-weights { background:#b42318; }
.v-derived { background:#b54708; }
.v-architecture-only { background:#175cd3; }
.v-unrelated { background:#067647; }
.v-unknown, .v-inconclusive { background:#5b6475; }
.headline { display:flex; flex-wrap:wrap; gap: 12px 20px; align-items:center; padding:16px; background:var(--soft); border-radius:10px; }
.figure { display:flex; flex-direction:column; }
.figure b { font-size: 18px; }
.figure span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tag { display:inline-block; margin: 2px 4px 2px 0; padding: 1px 8px; border:1px solid var(--line); border-radius: 6px; font-size: 13px; background:#fff; }
.summary p { margin: 8px 0; font-size: 16px; }
.warn { border-left: 4px solid #dc6803; background:#fffaeb; padding: 8px 12px; margin: 12px 0; }
.warn ul { margin: 4px 0; padding-left: 20px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; table-layout: fixed; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font: 13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; word-break: break-all; }
.pbar { display:inline-block; height: 8px; background: var(--accent); border-radius: 4px; vertical-align: middle; margin-right: 6px; }
.chart { width: 100%; height: auto; display:block; margin: 8px 0; }
.chart .grid { stroke: #eef1f5; }
.chart .axis { stroke: #98a2b3; }
.chart .tick { font-size: 11px; fill: var(--muted); }
.chart .axis-label { font-size: 12px; fill: var(--ink); }
.chart .band { fill: #98a2b3; fill-opacity: .22; }
.chart .band-label { font-size: 11px; fill: var(--muted); }
.chart .series { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .dot { fill: var(--accent); }
.chart .node { fill: var(--accent); }
.chart .node.ref { fill: #b54708; }
.chart .link { stroke: var(--accent); }
.chart .bar { fill: #98a2b3; }
.chart .bar.best { fill: var(--accent); }
.chart .kept { fill: #2f5bd3; } .chart .added { fill: #dc6803; } .chart .removed { fill: #98a2b3; } .chart .reordered { fill: #7a5af8; }
.chart .unchanged { fill: #2f5bd3; } .chart .changed { fill: #d0d5dd; }
.muted { color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { main { padding: 0; } h2 { break-after: avoid; } }
`;

export function page(title: string, body: RawHtml): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lineage">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.html}
</main>
</body>
</html>
`;
}
