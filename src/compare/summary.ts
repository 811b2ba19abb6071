/**
 * The sentences and the evidence table of a CompareResult. Sentences never claim more than the numbers
 * beside them: no direction without named evidence ("share inherited weights"), no empty lists, and
 * every figure they quote is a field of the result.
 */

import { formatLog10PValue } from "../report/format.js";
import { indexTest } from "../stats/index-test.js";
import type { BlueprintComparison } from "./blueprint.js";
import type { EvidenceDetail } from "./confirm-identical.js";
import { UNSTRUCTURED_RATIO } from "./direct.js";
import { type ChangeTag, type CompareResult, type EvidenceItem, pValueFromLog10 } from "./result.js";

const fmt = (x: number) => (Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(3) : x.toExponential(1));
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Plain words for what a same-weights verdict found, e.g. "quantization and renamed tensors". */
const CHANGE_WORDS: Partial<Record<ChangeTag, string>> = {
  quantized: "quantization",
  "dtype-cast": "a change of number format",
  noised: "added noise",
  renamed: "renamed tensors",
  transposed: "transposed storage",
  permuted: "permuted hidden units",
  rotated: "a rotation of the hidden space",
  rescaled: "rescaling",
  "vocab-reordered": "reordered vocabulary rows",
};

function list(words: string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

export interface SummaryContext {
  blueprint: BlueprintComparison;
  medianChange: number | null;
}

export function buildSummary(result: CompareResult, context: SummaryContext): string[] {
  const s = result.suspect;
  const r = result.reference;
  const lines: string[] = [];
  const p = result.pValueLog10 === null ? "none" : formatLog10PValue(result.pValueLog10);
  switch (result.verdict) {
    case "identical":
      lines.push(`${s} and ${r} hold the same weights, value for value.`);
      break;
    case "same-weights": {
      const words = result.tags.flatMap((tag) => CHANGE_WORDS[tag] ?? []);
      lines.push(
        words.length === 0
          ? `${s} and ${r} hold the same weights; they differ only in layout.`
          : `${s} and ${r} hold the same weights; what differs is explained by ${list(words)}.`,
      );
      break;
    }
    case "derived":
      lines.push(`${s} and ${r} share inherited weights, changed since by training or restructuring.`);
      break;
    case "inconclusive":
      lines.push(
        `The evidence does not decide whether ${s} and ${r} share weights: ${result.reason ?? "weak evidence"}.`,
      );
      break;
    case "architecture-only":
      lines.push(`${s} and ${r} share a blueprint but no weights: they were trained separately.`);
      break;
    case "unrelated":
      lines.push(
        context.blueprint.status === "unknown"
          ? `${s} and ${r} share no weights; their blueprints could not be compared (too little is known of them).`
          : `${s} and ${r} differ in blueprint and share no weights.`,
      );
      break;
  }
  const t = result.test;
  if (t.name === "index test" && t.sets > 0) {
    lines.push(
      `${t.matches} of ${t.units} sampled hidden units (${t.sets} unit sets) sit at the same index in both models; about ${t.expected} would if they were trained separately: p = ${p} (index test).`,
    );
  } else if (t.name === "tensor index test" && t.sets > 0) {
    lines.push(
      `${t.sets} tensor pairs tested row by row and column by column: ${t.matches} of ${t.units} sampled rows or columns sit at the same index: p = ${p} (per tensor, combined for any dependence).`,
    );
  }
  if (
    result.verdict === "derived" &&
    context.medianChange !== null &&
    result.changes.unchangedShare !== null
  ) {
    lines.push(
      `Median relative change of the layer matrices ${fmt(context.medianChange)}; ${percent(result.changes.unchangedShare)} of compared parameters unchanged.`,
    );
  }
  if (result.direction !== null) {
    const earlier = result.direction.earlier === "suspect" ? s : r;
    lines.push(`Direction: ${result.direction.evidence}, so ${earlier} came first.`);
  } else if (result.verdict === "derived" || result.verdict === "same-weights") {
    lines.push("Nothing in the weights shows which of the two came first.");
  }
  const renamed = result.changes.renamedTensors;
  if (renamed.length > 0)
    lines.push(
      `${renamed.length} tensors carry other names (e.g. ${renamed[0]!.from} → ${renamed[0]!.to}): names say nothing about weights.`,
    );
  return lines;
}

export interface EvidenceContext extends SummaryContext {
  detail: EvidenceDetail;
}

export function buildEvidence(result: CompareResult, context: EvidenceContext): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const { blueprint, detail } = context;
  items.push({
    component: "architecture",
    statistic: "blueprint",
    value: blueprint.status === "different" ? blueprint.differences.join("; ") : blueprint.status,
    note:
      (blueprint.status === "same"
        ? "same family and figures (names aside)"
        : blueprint.status === "unknown"
          ? "not comparable: too little is known of the blueprints (hidden size and depth are needed on both sides)"
          : "the blueprints differ") +
      (blueprint.unknown.length > 0
        ? `; known on one side only (neither a difference nor a sameness): ${blueprint.unknown.join(", ")}`
        : ""),
  });
  const vocab = result.changes.vocabulary;
  if (vocab !== null)
    items.push({
      component: "tokenizer",
      statistic: "shared tokens",
      value: vocab.kept,
      note: `${vocab.added} only in ${result.suspect}, ${vocab.removed} only in ${result.reference}, ${vocab.reordered} at another id (a shared tokenizer alone proves little)`,
    });
  const t = result.test;
  if (t.name === "none" || result.pValue === null || result.pValueLog10 === null)
    items.push({
      component: "weights",
      statistic: "no test",
      value: "none compared",
      note: t.nullHypothesis,
    });
  else if (t.name === "alignment")
    // Twins are found at any index (the alignment search), not at the same index.
    items.push({
      component: "weights",
      statistic: "alignment: units with a twin (at any index)",
      value: `${t.matches}/${t.units}`,
      pValue: result.pValue,
      pValueLog10: result.pValueLog10,
      note: `fitted null from ${t.fittedOn ?? 0} pairs: ${t.nullHypothesis}`,
    });
  else
    items.push({
      component: "weights",
      statistic: `${t.name}: same-index matches`,
      value: t.units === 0 ? "none compared" : `${t.matches}/${t.units}`,
      pValue: result.pValue,
      pValueLog10: result.pValueLog10,
      note: `${t.sets} sets, ${t.expected} expected under the null: ${t.nullHypothesis}`,
    });
  if (detail.kind === "transformer") {
    const e = detail.evidence;
    items.push({
      component: "anchors",
      statistic: "anchor tokens",
      value: e.anchors.keys.length,
      note: `matched by ${e.anchors.method}; hidden units described by ${e.basis === "signature" ? "signatures over the anchors (basis-free)" : e.basis === "stored" ? "their stored rows" : "nothing comparable"}`,
    });
    // One row per suspect layer (its sets pooled), and the residual stream: the per-layer statistic
    // the reports chart is the share of sampled units at their own index.
    const byLayer = new Map<number, typeof e.matches>();
    for (const m of e.matches) {
      if (m.suspectLayer === undefined) {
        const single = indexTest([m.best]);
        items.push({
          component: "residual stream",
          statistic: "same-index share",
          value: Number((m.sameIndex / m.indices.length).toFixed(4)),
          pValue: pValueFromLog10(single.log10P),
          pValueLog10: single.log10P,
          note: `${m.sameIndex} of ${m.indices.length} sampled residual dimensions (embedding columns over the anchors) match their own index`,
        });
        continue;
      }
      byLayer.set(m.suspectLayer, [...(byLayer.get(m.suspectLayer) ?? []), m]);
    }
    for (const [layer, matches] of [...byLayer].sort((x, y) => x[0] - y[0])) {
      const test = indexTest(matches.map((m) => m.best));
      const parts = matches.map(
        (m) => `${m.suspect.replace(/^layer \d+ /, "")} ${m.sameIndex}/${m.indices.length}`,
      );
      items.push({
        component: `layer ${layer}`,
        statistic: "same-index share",
        value: Number((test.matches / Math.max(1, test.units)).toFixed(4)),
        pValue: pValueFromLog10(test.log10P),
        pValueLog10: test.log10P,
        note: `vs reference layer ${matches[0]!.referenceLayer}; ${parts.join(", ")}; mean similarity to the same-index unit ${fmt(matches.reduce((sum, m) => sum + m.meanSame, 0) / matches.length)}`,
      });
    }
    if (e.onlySuspect.length + e.onlyReference.length > 0)
      items.push({
        component: "tensor-correspondence",
        statistic: "tensors on one side only",
        value: e.onlySuspect.length + e.onlyReference.length,
        note: `${e.onlySuspect.length} only in ${result.suspect}${e.onlySuspect.length ? ` (${e.onlySuspect.slice(0, 3).join(", ")}${e.onlySuspect.length > 3 ? ", …" : ""})` : ""}, ${e.onlyReference.length} only in ${result.reference}${e.onlyReference.length ? ` (${e.onlyReference.slice(0, 3).join(", ")}${e.onlyReference.length > 3 ? ", …" : ""})` : ""}`,
      });
  } else {
    const e = detail.evidence;
    const by = (kind: string) => e.pairs.filter((p) => p.by === kind).length;
    items.push({
      component: "tensor-correspondence",
      statistic: "tensor pairs",
      value: e.pairs.length,
      note: `${by("name")} by canonical name, ${by("stored name")} by stored name, ${by("value")} by shape and value, ${by("shape")} by shape alone (not evidence); ${e.onlySuspect.length} only in ${result.suspect}, ${e.onlyReference.length} only in ${result.reference}`,
    });
    for (const test of e.tests.slice(0, 64))
      items.push({
        component: test.name,
        statistic: "same-index rows / columns",
        value: `${test.rows.matches}/${test.rows.units}, ${test.columns.matches}/${test.columns.units}`,
        pValue: pValueFromLog10(test.log10P),
        pValueLog10: test.log10P,
        note: "the larger p of the two axes",
      });
  }
  for (const c of result.changes.components) {
    items.push({
      component: c.component,
      statistic: "unchanged share",
      value: Number(c.unchangedShare.toFixed(4)),
      note: `${c.tensors} tensors; median relative error ${fmt(c.relativeError)} (equal within rounding or the quantization step, beyond chance agreement)`,
    });
  }
  const direct = detail.evidence.direct.filter((d) => d.structure !== null);
  if (direct.length > 0) {
    const structures = direct.map((d) => d.structure!).sort((x, y) => x - y);
    items.push({
      component: "direct comparison",
      statistic: "residual structure (median, max)",
      value: `${fmt(structures[structures.length >> 1]!)}, ${fmt(structures.at(-1)!)}`,
      note: `top singular value of the balanced residual over the i.i.d. edge, on sampled rows: ≤ ${UNSTRUCTURED_RATIO} = rounding, quantization or noise; above = training`,
    });
  }
  return items;
}
