/**
 * Terminal rendering of an inspect report: a compact header, the tensor table grouped by layer (layer 0
 * in full, then runs of layers with the same pattern collapsed, differences spelled out), and notes.
 */
import { basename } from "node:path";
import pc from "picocolors";
import type { GgufModelSummary } from "../formats/gguf/summary.js";
import { CANONICAL_LAYER_PARTS, type LayoutTransform } from "../naming/canonical-model.js";
import type { InspectReport, InspectTensor } from "./inspect-report.js";

/** Unrecognised tensors listed by name before the rest are counted. */
const MAX_UNRECOGNISED_SHOWN = 20;

type Colors = Pick<typeof pc, "bold" | "dim" | "yellow" | "cyan">;
const plain: Colors = { bold: String, dim: String, yellow: String, cyan: String } as unknown as Colors;

const integer = (value: number) => value.toLocaleString("en-US");

export function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}B`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}K`;
  return String(value);
}

function transformHint(transforms: LayoutTransform[][]): string {
  const hints = new Set<string>();
  for (const list of transforms) {
    for (const t of list) {
      if (t.kind === "transpose") hints.add("transposed");
      else if (t.kind === "unpermute-rope") hints.add("rotary order undone");
      else if (t.kind === "slice-rows-interleaved") hints.add("fused, split per head");
      else if (t.kind === "add")
        hints.add(`gain ${t.value > 0 ? "+" : ""}${t.value} (stored w, effective ${t.value}+w)`);
      else hints.add("fused, split");
    }
  }
  return [...hints].join(", ");
}

/** Display order of canonical names within the model and within a layer. */
const ORDER = [
  "embed",
  "pos_embed",
  ...CANONICAL_LAYER_PARTS,
  "moe.router",
  "moe.experts",
  "final_norm",
  "lm_head",
];

function rank(tensor: InspectTensor): [number, number, number, string] {
  const label = labelOf(tensor);
  const position = (name: string) => {
    const index = ORDER.findIndex(
      (prefix) => name === prefix || name.startsWith(`${prefix}.`) || name.startsWith(`${prefix} `),
    );
    return index === -1 ? ORDER.length : index;
  };
  const expert = /^moe\.experts\.(\d+)\.(.*)$/.exec(label);
  if (expert === null) return [position(label), 0, 0, label];
  return [position("moe.experts"), Number(expert[1]), position(`mlp.${expert[2]}`), label];
}

export function byCanonicalOrder(a: InspectTensor, b: InspectTensor): number {
  const [ra, rb] = [rank(a), rank(b)];
  return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || (ra[3] < rb[3] ? -1 : ra[3] > rb[3] ? 1 : 0);
}

/** Experts 1… whose rows repeat expert 0's pattern collapse into one line. */
function collapseExperts(
  rows: readonly InspectTensor[],
  c: Colors,
): { rows: InspectTensor[]; summary: string | undefined } {
  const patternOf = (tensor: InspectTensor) =>
    `${labelOf(tensor).replace(/^moe\.experts\.\d+\./, "")}|${tensor.name.replace(/(experts?\.)\d+/, "$1#")}|${tensor.dtype}|${tensor.shape.join("x")}`;
  const expertOf = (tensor: InspectTensor) => /^moe\.experts\.(\d+)\./.exec(labelOf(tensor))?.[1];
  const first = new Set(rows.filter((t) => expertOf(t) === "0").map(patternOf));
  const others = rows.filter((t) => expertOf(t) !== undefined && expertOf(t) !== "0");
  if (first.size === 0 || others.length === 0 || !others.every((t) => first.has(patternOf(t)))) {
    return { rows: [...rows], summary: undefined };
  }
  const experts = new Set(others.map((t) => Number(expertOf(t))));
  const last = Math.max(...experts);
  return {
    rows: rows.filter((t) => !others.includes(t)),
    summary: `    ${c.cyan(`moe.experts.1–${last}`)}  ${c.dim("same pattern as moe.experts.0")}`,
  };
}

interface Row {
  label: string;
  name: string;
  dtype: string;
  shape: string;
  hint: string;
}

function labelOf(tensor: InspectTensor): string {
  const names =
    tensor.canonical === null ? [] : Array.isArray(tensor.canonical) ? tensor.canonical : [tensor.canonical];
  return names.map((name) => name.replace(/^layers\.\d+\./, "")).join(" + ");
}

function rowOf(tensor: InspectTensor): Row {
  return {
    label: labelOf(tensor),
    name: tensor.name,
    dtype: tensor.dtype,
    shape: `[${tensor.shape.join(", ")}]`,
    hint: transformHint(tensor.transforms),
  };
}

/** A layer's rows with the layer number masked, to compare layers with each other. */
function signature(rows: readonly InspectTensor[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const tensor of rows) {
    const masked =
      tensor.layer === undefined
        ? tensor.name
        : tensor.name.replace(new RegExp(`(^|\\D)${tensor.layer}(?=\\D|$)`), "$1#");
    map.set(labelOf(tensor), `${masked}|${tensor.dtype}|${tensor.shape.join("x")}`);
  }
  return map;
}

function sameKeys(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a.keys()].every((key) => b.has(key));
}

function table(rows: readonly Row[], indent: string, c: Colors): string[] {
  const width = (pick: (row: Row) => string) => Math.max(0, ...rows.map((row) => pick(row).length));
  const [wl, wn, wd, ws] = [
    width((r) => r.label),
    width((r) => r.name),
    width((r) => r.dtype),
    width((r) => r.shape),
  ];
  return rows.map((row) =>
    `${indent}${c.cyan(row.label.padEnd(wl))}  ${row.name.padEnd(wn)}  ${row.dtype.padEnd(wd)}  ${row.shape.padEnd(ws)}${row.hint === "" ? "" : `  ${c.dim(row.hint)}`}`.trimEnd(),
  );
}

function layerLines(tensors: readonly InspectTensor[], c: Colors): string[] {
  const byLayer = new Map<number, InspectTensor[]>();
  for (const tensor of tensors) {
    if (tensor.layer === undefined || tensor.canonical === null) continue;
    const list = byLayer.get(tensor.layer) ?? [];
    list.push(tensor);
    byLayer.set(tensor.layer, list);
  }
  for (const list of byLayer.values()) list.sort(byCanonicalOrder);
  const lines: string[] = [];
  let reference: { layer: number; signature: Map<string, string> } | undefined;
  let run: number[] = [];
  const flush = () => {
    if (run.length === 0 || reference === undefined) return;
    const span = run.length === 1 ? `layer ${run[0]}` : `layers ${run[0]}–${run.at(-1)}`;
    lines.push(`  ${span}: ${c.dim(`same pattern as layer ${reference.layer}`)}`);
    run = [];
  };
  for (const layer of [...byLayer.keys()].sort((a, b) => a - b)) {
    const rows = byLayer.get(layer)!;
    const sig = signature(rows);
    if (reference !== undefined && sameKeys(sig, reference.signature)) {
      const differing = rows.filter(
        (tensor) => sig.get(labelOf(tensor)) !== reference!.signature.get(labelOf(tensor)),
      );
      if (differing.length === 0) {
        run.push(layer);
        continue;
      }
      flush();
      lines.push(`  ${c.bold(`layer ${layer}`)} ${c.dim(`as layer ${reference.layer} except:`)}`);
      lines.push(...table(differing.map(rowOf), "    ", c));
      continue;
    }
    flush();
    lines.push(`  ${c.bold(`layer ${layer}`)}`);
    const collapsed = collapseExperts(rows, c);
    lines.push(...table(collapsed.rows.map(rowOf), "    ", c));
    if (collapsed.summary !== undefined) lines.push(collapsed.summary);
    reference = { layer, signature: sig };
  }
  flush();
  return lines;
}

function figuresLine(report: InspectReport): string {
  const a = report.architecture;
  const show = (label: string, value: number | undefined) =>
    value === undefined ? undefined : `${label} ${integer(value)}`;
  const parts = [
    show("hidden", a.hiddenSize),
    show("layers", a.numLayers),
    show("heads", a.numHeads),
    show("KV heads", a.numKvHeads),
    show("head dim", a.headDim),
    show("MLP", a.intermediateSize),
    show("experts", a.numExperts),
    show("vocab", a.vocabSize),
    a.tieWordEmbeddings === undefined ? undefined : a.tieWordEmbeddings ? "tied LM head" : "separate LM head",
  ];
  return parts.filter((part) => part !== undefined).join(" · ");
}

function tokenizerLine(report: InspectReport): string {
  const t = report.tokenizer;
  if (t.error !== undefined) {
    const found =
      t.files.length === 0 ? "no tokenizer files" : `files: ${t.files.map((f) => basename(f)).join(", ")}`;
    return `not read (${found})`;
  }
  const special = Object.entries(t.special)
    .map(([role, { id, token }]) => `${role} ${id}${token === undefined ? "" : ` ${JSON.stringify(token)}`}`)
    .join(", ");
  const from = t.file === undefined ? "" : ` from ${basename(t.file)}`;
  const what = t.description === undefined ? `${t.format} ${t.kind}` : `${t.format} ${t.description}`;
  return `${what}, ${integer(t.vocabSize ?? 0)} tokens${from}${special === "" ? "" : `; special: ${special}`}`;
}

/** The GGUF facts gguf-dump users look for, one labelled line each (absent keys are left out). */
function ggufLines(g: GgufModelSummary): [string, string][] {
  const lines: [string, string][] = [];
  if (g.name !== undefined) lines.push(["name", g.name]);
  if (g.contextLength !== undefined) lines.push(["context", integer(g.contextLength)]);
  const r = g.rope;
  const rope = [
    r.freqBase === undefined ? undefined : `freq base ${r.freqBase}`,
    r.dimensionCount === undefined ? undefined : `${r.dimensionCount} dims`,
    r.scalingType === undefined || r.scalingType === "none"
      ? undefined
      : `scaling ${r.scalingType}${r.scalingFactor === undefined ? "" : ` ×${r.scalingFactor}`}${r.originalContextLength === undefined ? "" : ` from ${integer(r.originalContextLength)}`}`,
  ].filter((part) => part !== undefined);
  if (rope.length > 0) lines.push(["rope", rope.join(" · ")]);
  if (g.fileType !== undefined) lines.push(["file type", g.fileType]);
  return lines;
}

/** What the model claims about its base: `finetune of org/base (README.md front matter)`. */
function declaredLine(report: InspectReport): string {
  const d = report.declared;
  if (d.source === undefined) return "no base model declared";
  const relation = d.relation === undefined ? "derived from" : `${d.relation} of`;
  return `${relation} ${d.baseModels.join(", ")} (${d.source})`;
}

export function renderInspect(report: InspectReport, color: boolean): string[] {
  const c: Colors = color ? pc : plain;
  const field = (label: string, value: string) => `  ${c.dim(label.padEnd(12))}${value}`;
  const dtypes = Object.entries(report.dtypes)
    .map(([dtype, { tensors, parameters }]) => `${dtype} ${tensors} tensors (${formatCount(parameters)})`)
    .join(", ");
  const lines = [
    c.bold(`${basename(report.path.replace(/\/+$/, ""))}`),
    field("format", `${report.format} (${report.files.length} file${report.files.length === 1 ? "" : "s"})`),
    field("family", c.bold(report.architecture.family)),
    field("figures", figuresLine(report)),
    field("from", report.architecture.sources.join(", ") || "nothing (no configuration, no tensors)"),
    field("parameters", `${formatCount(report.parameterCount)} (${integer(report.parameterCount)})`),
    field("dtypes", dtypes || "none"),
    field("tokenizer", tokenizerLine(report)),
    ...(report.gguf === undefined ? [] : ggufLines(report.gguf).map(([label, value]) => field(label, value))),
    field("declared", declaredLine(report)),
  ];
  const mapped = report.tensors.filter((t) => t.canonical !== null);
  lines.push(
    "",
    c.bold(
      `tensors: ${report.tensors.length} stored, ${mapped.length} recognised, ${report.unrecognised.length} unrecognised${report.scales.length === 0 ? "" : `, ${report.scales.length} quantization scales`}`,
    ),
  );
  const top = mapped
    .filter((t) => t.layer === undefined)
    .sort(byCanonicalOrder)
    .map(rowOf);
  lines.push(...table(top, "  ", c), ...layerLines(report.tensors, c));
  const scales = new Set(report.scales);
  const unknown = report.tensors.filter((t) => t.canonical === null && !scales.has(t.name));
  if (unknown.length > 0) {
    lines.push(`  ${c.yellow("unrecognised")}`);
    const shown = unknown.slice(0, MAX_UNRECOGNISED_SHOWN).map((t) => ({ ...rowOf(t), label: "?" }));
    lines.push(...table(shown, "    ", c));
    if (unknown.length > MAX_UNRECOGNISED_SHOWN)
      lines.push(`    … ${unknown.length - MAX_UNRECOGNISED_SHOWN} more (see --json)`);
  }
  if (report.notes.length > 0) {
    lines.push("", c.bold("notes"), ...report.notes.map((note) => `  ${c.yellow("•")} ${note}`));
  }
  return lines;
}
