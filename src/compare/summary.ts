/**
 * The sentences and the evidence table of a CompareResult. Sentences never claim more than the numbers
 * beside them: no direction without named evidence ("share inherited weights"), no empty lists, and
 * every figure they quote is a field of the result.
 */

import { formatLog10PValue } from "../report/format.js";
import { indexTest } from "../stats/index-test.js";
import type { BlueprintComparison } from "./blueprint.js";
import type { EvidenceDetail, ValueDifference } from "./confirm-identical.js";
import {
  type DirectComparison,
  equalWithinRounding,
  isMatrixComparison,
  UNSTRUCTURED_RATIO,
} from "./direct.js";
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

/** Tags saying the hidden units were relabelled or re-expressed (the alignment search found how). */
const RELABELLED = new Set<ChangeTag>(["permuted", "rotated", "rescaled"]);

function list(words: string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

const layerList = (layers: number[]) =>
  `${layers.length === 1 ? "layer" : "layers"} ${list(layers.map(String))}`;

export interface SummaryContext {
  blueprint: BlueprintComparison;
  medianChange: number | null;
  /** Suspect layers whose own units show shared weights / show none. */
  layers: { shared: number[]; unshared: number[] };
  /** Which reading of the units the index test reported (transformers). */
  featureBasis?: "signature" | "stored";
  /** The stored layer matrices do not line up although weights are shared (`verdict.ts`). */
  storedBasisUnaligned?: boolean;
  /** Layer tensors stored on both sides with other shapes (transformers). */
  reshaped?: { name: string; suspect: number[]; reference: number[] }[];
  /** Every direct comparison the verdict read (sampled rows, whole vectors). */
  direct?: readonly DirectComparison[];
  /** Vectors changed beyond rounding, quantization or noise (verdict.ts). */
  changedVectors?: readonly DirectComparison[];
  /** Values a full read found edited outside the sampled rows. */
  editedValues?: readonly ValueDifference[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** What changed beyond rounding, in words: systematically changed vectors per component, and values a
 * full read found edited. Empty when nothing did. */
export function changedParts(context: SummaryContext): string[] {
  const parts: string[] = [];
  const direct = context.direct ?? [];
  const byComponent = new Map<string, DirectComparison[]>();
  for (const d of context.changedVectors ?? [])
    byComponent.set(d.component, [...(byComponent.get(d.component) ?? []), d]);
  for (const [component, changed] of byComponent) {
    const of = direct.filter((d) => d.component === component && d.rows * d.cols === d.elements).length;
    const errors = changed.map((d) => d.relativeError).sort((x, y) => x - y);
    const what = component === "norms" ? "norm gain" : `${component} vector`;
    parts.push(
      `${changed.length} of ${Math.max(of, changed.length)} ${what}${of === 1 ? "" : "s"} changed systematically (e.g. ${changed[0]!.name}; median relative change ${fmt(errors[errors.length >> 1]!)})`,
    );
  }
  const edited = context.editedValues ?? [];
  if (edited.length > 0) {
    const values = edited.reduce((sum, d) => sum + d.values, 0);
    const first = edited[0]!;
    parts.push(
      `${plural(values, "value")} in ${plural(edited.length, "tensor")} ${values === 1 ? "differs" : "differ"} (e.g. ${first.name}: ${first.values} of ${first.total}, by up to ${fmt(first.largest)}), found by reading every value`,
    );
  }
  return parts;
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
      const differing = (context.direct ?? []).filter((d) => !equalWithinRounding(d));
      if (words.length > 0)
        lines.push(`${s} and ${r} hold the same weights; what differs is explained by ${list(words)}.`);
      else if (differing.length === 0)
        lines.push(`${s} and ${r} hold the same weights; they differ only in layout.`);
      else
        lines.push(
          `${s} and ${r} hold the same weights; ${plural(differing.length, "compared tensor")} ${differing.length === 1 ? "differs" : "differ"} beyond rounding (e.g. ${differing[0]!.name}, relative error ${fmt(differing[0]!.relativeError)}).`,
        );
      break;
    }
    case "derived": {
      const parts = changedParts(context);
      const matrices = (context.direct ?? []).filter(isMatrixComparison);
      const matricesKept = matrices.length > 0 && matrices.every(equalWithinRounding);
      if (parts.length > 0 && matricesKept)
        lines.push(
          `${s} and ${r} share inherited weights: every sampled matrix is equal within rounding, but ${list(parts)}.`,
        );
      else {
        lines.push(
          result.tags.includes("noised")
            ? `${s} and ${r} share inherited weights, changed since by unstructured changes that look like added noise, larger than a copy keeps (nothing shows training).`
            : context.storedBasisUnaligned === true
              ? `${s} and ${r} share inherited weights: their hidden units match through the anchors, but the stored values do not line up at all, so the hidden space was re-expressed (e.g. rotated) and how much changed since (training, noise) is not measured.`
              : result.test.name === "alignment" && !result.tags.some((t) => RELABELLED.has(t))
                ? `${s} and ${r} share inherited weights: their best-matching hidden units stand out far beyond those of separately trained models, but no unit has a close twin, so how they were relabelled and changed since (training, noise) is not established.`
                : `${s} and ${r} share inherited weights, changed since by training or restructuring.`,
        );
        if (parts.length > 0) lines.push(`Beyond the layer matrices, ${list(parts)}.`);
      }
      break;
    }
    case "inconclusive":
      lines.push(
        `The evidence does not decide whether ${s} and ${r} share weights: ${result.reason ?? "weak evidence"}.`,
      );
      break;
    case "architecture-only":
      // A large p is an absence of evidence, not proof of separate training: say what was measured.
      lines.push(
        `${s} and ${r} share a blueprint; their weights show no more similarity than models trained separately do (p = ${p}): no sign of shared weights.`,
      );
      break;
    case "unrelated":
      lines.push(
        context.blueprint.status === "unknown"
          ? `${s} and ${r}: their weights show no more similarity than models trained separately do (p = ${p}): no sign of shared weights; their blueprints could not be compared (too little is known of them).`
          : `${s} and ${r} differ in blueprint, and their weights show no more similarity than models trained separately do (p = ${p}): no sign of shared weights.`,
      );
      break;
  }
  const t = result.test;
  if (t.name === "index test" && t.sets > 0) {
    lines.push(
      `${t.matches} of ${t.units} sampled hidden units (${t.sets} unit sets) sit at the same index in both models; about ${t.expected} would if they had been trained separately: p = ${p} (index test).`,
    );
    if (context.featureBasis === "stored" && (result.pValueLog10 ?? 0) <= -6)
      lines.push(
        "The units line up by their stored rows but not through each model's own embedding: the layers were kept while the embedding changed (p is the smaller of the two readings', doubled).",
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
  const reshaped = context.reshaped ?? [];
  if ((result.verdict === "derived" || result.verdict === "same-weights") && reshaped.length > 0) {
    const [first] = reshaped;
    lines.push(
      `${reshaped.length} layer ${reshaped.length === 1 ? "tensor has" : "tensors have"} other shapes (e.g. ${first!.name}: ${first!.suspect.join("×")} in ${s}, ${first!.reference.join("×")} in ${r}): hidden units were removed or added (pruning or widening; the weights alone do not say which).`,
    );
  }
  const { shared, unshared } = context.layers;
  if ((result.verdict === "derived" || result.verdict === "same-weights") && unshared.length > 0)
    lines.push(
      shared.length > 0
        ? `Only ${layerList(shared)} of ${s} ${shared.length === 1 ? "shows" : "show"} shared weights; ${layerList(unshared)} ${unshared.length === 1 ? "shows" : "show"} none: parts of the model were reused, not all of it.`
        : `None of the tested layers of ${s} shows shared weights (${layerList(unshared)}); what is shared lies outside them (embedding, output head or norms).`,
    );
  if (result.direction !== null) {
    const earlier = result.direction.earlier === "suspect" ? s : r;
    lines.push(`Direction: ${result.direction.evidence}, so ${earlier} came first.`);
  } else if (result.verdict === "derived" || result.verdict === "same-weights") {
    lines.push("Nothing in the weights shows which of the two came first.");
  }
  const renamed = result.changes.renamedTensors;
  if (renamed.length > 0)
    lines.push(
      `${plural(renamed.length, "tensor")} carry other names (e.g. ${renamed[0]!.from} → ${renamed[0]!.to}): names say nothing about weights.`,
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
      // The null hypothesis is stated as a hypothesis, never as a finding about these two models.
      note: `fitted null from ${t.fittedOn ?? 0} pairs, under the hypothesis that ${t.nullHypothesis}`,
    });
  else
    items.push({
      component: "weights",
      statistic: `${t.name}: same-index matches`,
      value: t.units === 0 ? "none compared" : `${t.matches}/${t.units}`,
      pValue: result.pValue,
      pValueLog10: result.pValueLog10,
      note: `${plural(t.sets, "set")}; ${t.expected} expected under the hypothesis that ${t.nullHypothesis}`,
    });
  if (detail.kind === "transformer") {
    const e = detail.evidence;
    items.push({
      component: "anchors",
      statistic: "anchor tokens",
      value: e.anchors.keys.length,
      note: `matched by ${e.anchors.method}; hidden units described by ${e.basis === "signature" ? "signatures over the anchors (basis-free)" : e.basis === "stored" ? "their stored rows" : "nothing comparable"}${e.readings > 1 ? `; also by their stored rows (same widths), the index test reporting the ${e.featureBasis === "stored" ? "stored rows" : "signatures"} at twice its p` : ""}`,
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
      note: `share of values equal within rounding or the quantization step, beyond chance agreement; ${plural(c.tensors, "tensor")}, median relative error ${fmt(c.relativeError)}`,
    });
  }
  // The residual's structure says how shared weights changed (noise or training); between weights that
  // are not shown to be shared it describes nothing, so it is only reported where they are.
  const shared = ["identical", "same-weights", "derived"].includes(result.verdict);
  const direct = detail.evidence.direct.filter((d) => d.structure !== null);
  if (shared && direct.length > 0) {
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
