/**
 * Evidence for two models whose tensors map to the canonical transformer scheme: anchors, unit sets of
 * every layer (read at sampled indices, one layer of each model at a time), the exact index test over
 * the paired sets, and direct comparisons of the same sampled rows in the stored basis.
 */

import { isParameter } from "../architecture/parameter-count.js";
import { LineageError } from "../errors.js";
import { type AnchorPlan, MIN_ANCHORS, planAnchors } from "../fingerprint/anchors.js";
import type { ModelView } from "../fingerprint/model-view.js";
import { sampleIndices } from "../fingerprint/sample.js";
import { unitRows } from "../fingerprint/signatures.js";
import { type LayerMap, type SetMatch, testUnitSets } from "../fingerprint/unit-matching.js";
import {
  type AnchorInputs,
  type LayerRead,
  layerCount,
  RESIDUAL_UNITS,
  readLayer,
  residualSet,
  type UnitSet,
} from "../fingerprint/units.js";
import type { ProgressReporter } from "../progress.js";
import type { IndexTestResult } from "../stats/index-test.js";
import { readModelVocabulary } from "../tokenizers/model-vocabulary.js";
import type { Vocabulary } from "../tokenizers/vocabulary.js";
import { compareValues, componentOf, type DirectComparison } from "./direct.js";

/** Rows sampled from tensors outside the unit sets (router, position embeddings, unknown tensors). */
const OTHER_ROWS = 64;

export interface TransformerEvidence {
  anchors: AnchorPlan;
  /** What unit features were: signatures over anchors, stored rows, or nothing comparable. */
  basis: "signature" | "stored" | "none";
  layerMap: LayerMap;
  /** Which unit features the reported test read: signatures over the anchors, or stored rows (the
   * layers line up in the stored basis but not through the embedding: it was replaced or retrained). */
  featureBasis: "signature" | "stored";
  /** Readings of the units tested (1, or 2 when signatures and stored rows were both tested: the
   * smaller p is taken and multiplied by 2 in `test.log10P`). */
  readings: number;
  suspectLayers: number;
  referenceLayers: number;
  matches: SetMatch[];
  test: IndexTestResult;
  direct: DirectComparison[];
  /** Canonical tensors compared directly / only on one side. */
  onlySuspect: string[];
  onlyReference: string[];
  /** Canonical tensors on both sides whose shapes differ (pruned or widened MLPs or heads), token
   * matrices aside. */
  reshaped: { name: string; suspect: number[]; reference: number[] }[];
  warnings: string[];
  /** Sets of each model (for the alignment search when the index test finds nothing). */
  suspectSets: UnitSet[];
  referenceSets: UnitSet[];
  suspectInputs: AnchorInputs | undefined;
  referenceInputs: AnchorInputs | undefined;
}

/** The model's vocabulary, or undefined when none can be read (anchors then fall back to token ids). */
export async function tryVocabulary(view: ModelView): Promise<Vocabulary | undefined> {
  try {
    return await readModelVocabulary(view.model.source);
  } catch (error) {
    if (error instanceof LineageError) return undefined;
    throw error;
  }
}

/** The anchors' embedding rows, raw (for the direct comparison) and as unit rows (the inputs X). */
async function anchorRows(
  view: ModelView,
  rows: number[],
): Promise<{ raw: Float32Array; inputs: AnchorInputs } | undefined> {
  const embed = view.tensor("embed");
  if (embed === undefined || embed.shape.length !== 2 || rows.length === 0) return undefined;
  const d = embed.shape[1]!;
  const raw = await embed.readRows(rows);
  const x = unitRows(
    raw,
    d,
    rows.map((_, i) => i),
  );
  return { raw, inputs: { x, n: rows.length, d } };
}

function directFromSamples(
  suspect: LayerRead,
  reference: LayerRead,
  a: ModelView,
  direct: DirectComparison[],
  compared: Set<string>,
): void {
  for (const [name, s] of suspect.samples) {
    const r = reference.samples.get(name);
    if (r === undefined || r.cols !== s.cols || r.rows.join() !== s.rows.join()) continue;
    const shape = a.shape(name) ?? [];
    direct.push(
      compareValues(
        name,
        componentOf(name),
        s,
        r,
        shape.reduce((p, v) => p * v, 1),
      ),
    );
    compared.add(name);
  }
}

/** Tensors of both models not compared yet: vectors whole, matrices on sampled rows (embedding and
 * head on the anchors' rows, matched by token). */
async function compareRemaining(
  a: ModelView,
  b: ModelView,
  plan: AnchorPlan,
  sameDepth: boolean,
  compared: Set<string>,
  direct: DirectComparison[],
): Promise<void> {
  for (const tensor of [
    ...b.model.tensors,
    ...(b.has("lm_head") ? [] : a.model.tensors.filter((t) => t.canonical === "lm_head")),
  ]) {
    const name = tensor.canonical;
    if (compared.has(name) || (!sameDepth && tensor.layer !== undefined)) continue;
    const s = name === "lm_head" ? headOf(a) : a.tensor(name);
    const r = name === "lm_head" ? headOf(b) : b.tensor(name);
    if (s === undefined || r === undefined || s.shape.join() !== r.shape.join()) continue;
    const population = r.shape.reduce((p, v) => p * v, 1);
    if (r.shape.length === 1) {
      const [sv, rv] = [await s.readAll(), await r.readAll()];
      direct.push(
        compareValues(
          name,
          componentOf(name),
          { values: sv, cols: 1, dtype: s.dtype },
          { values: rv, cols: 1, dtype: r.dtype },
          population,
        ),
      );
    } else if (r.shape.length === 2) {
      const tokenRows = name === "embed" || name === "lm_head";
      const rowsS = tokenRows ? plan.suspectRows : sampleIndices(r.shape[0]!, OTHER_ROWS, "rows");
      const rowsR = tokenRows ? plan.referenceRows : rowsS;
      if (rowsS.length === 0) continue;
      const cols = r.shape[1]!;
      direct.push(
        compareValues(
          name,
          componentOf(name),
          { values: await s.readRows(rowsS), cols, dtype: s.dtype, rows: rowsS },
          { values: await r.readRows(rowsR), cols, dtype: r.dtype, rows: rowsR },
          population,
        ),
      );
    }
    compared.add(name);
  }
  // Stored tensors no naming rule knows, present under the same name and shape on both sides.
  for (const info of b.model.unrecognised) {
    if (!isParameter(info.name)) continue;
    const other = a.model.unrecognised.find(
      (t) => t.name === info.name && t.shape.join() === info.shape.join(),
    );
    if (other === undefined || info.shape.length > 2) continue;
    const s = a.stored(other);
    const r = b.stored(info);
    const rows = info.shape.length === 1 ? [] : sampleIndices(info.shape[0]!, OTHER_ROWS, "rows");
    const cols = info.shape.length === 1 ? 1 : info.shape[1]!;
    const [sv, rv] =
      info.shape.length === 1
        ? [await s.readAll(), await r.readAll()]
        : [await s.readRows(rows), await r.readRows(rows)];
    direct.push(
      compareValues(
        info.name,
        componentOf(info.name),
        { values: sv, cols, dtype: s.dtype, rows },
        { values: rv, cols, dtype: r.dtype, rows },
        info.shape.reduce((p, v) => p * v, 1),
      ),
    );
  }
}

type UnitTest = ReturnType<typeof testUnitSets>;

/**
 * The index test on two readings of the same sampled units: signatures (through each model's own
 * anchor embedding rows, the residual set included) and stored rows (same widths; the residual set left
 * out, as its relabelling moves every stored row). Each is exact under H0, so the smaller p-value,
 * multiplied by the 2 readings (Bonferroni), is one too.
 */
function strongerReading(
  signature: UnitTest,
  stored: UnitTest | undefined,
): UnitTest & { featureBasis: "signature" | "stored"; readings: number } {
  if (stored === undefined || stored.test.sets === 0)
    return { ...signature, featureBasis: "signature", readings: 1 };
  const [chosen, featureBasis] =
    stored.test.log10P < signature.test.log10P
      ? [stored, "stored" as const]
      : [signature, "signature" as const];
  return {
    ...chosen,
    test: { ...chosen.test, log10P: Math.min(0, chosen.test.log10P + Math.log10(2)) },
    featureBasis,
    readings: 2,
  };
}

/** The output head as it runs: the stored lm_head, else the (tied) embedding. */
function headOf(view: ModelView) {
  return view.tensor("lm_head") ?? view.tensor("embed");
}

/** Tensors stored under the same canonical name on both sides with different shapes. Token-indexed
 * ones (embedding, head) are left to the vocabulary comparison (extension, removal). */
function reshapedTensors(a: ModelView, b: ModelView): TransformerEvidence["reshaped"] {
  const reshaped: TransformerEvidence["reshaped"] = [];
  for (const tensor of b.model.tensors) {
    const name = tensor.canonical;
    if (name === "embed" || name === "lm_head") continue;
    const suspect = a.shape(name);
    const reference = b.shape(name);
    if (suspect !== undefined && reference !== undefined && suspect.join() !== reference.join())
      reshaped.push({ name, suspect: [...suspect], reference: [...reference] });
  }
  return reshaped;
}

/** Canonical names of a model, with a tied head counted as present (it is the embedding). */
function canonicalNames(view: ModelView): Set<string> {
  const names = new Set(view.model.tensors.map((t) => t.canonical));
  if (names.has("embed")) names.add("lm_head");
  return names;
}

export async function transformerEvidence(
  a: ModelView,
  b: ModelView,
  random: () => number,
  onProgress?: ProgressReporter,
): Promise<TransformerEvidence> {
  const warnings: string[] = [];
  const [vocabA, vocabB] = await Promise.all([tryVocabulary(a), tryVocabulary(b)]);
  const rowsA = a.shape("embed")?.[0] ?? 0;
  const rowsB = b.shape("embed")?.[0] ?? 0;
  const plan = planAnchors(vocabA, vocabB, rowsA, rowsB);
  warnings.push(...plan.warnings);
  const enough = plan.keys.length >= MIN_ANCHORS;
  const anchorsA = enough ? await anchorRows(a, plan.suspectRows) : undefined;
  const anchorsB = enough ? await anchorRows(b, plan.referenceRows) : undefined;
  const inputsA = anchorsA?.inputs;
  const inputsB = anchorsB?.inputs;
  const widthA = a.shape("embed")?.[1] ?? a.model.architecture.hiddenSize;
  const widthB = b.shape("embed")?.[1] ?? b.model.architecture.hiddenSize;
  const signaturesPossible = inputsA !== undefined && inputsB !== undefined;
  const basis = signaturesPossible
    ? "signature"
    : widthA !== undefined && widthA === widthB
      ? "stored"
      : "none";
  if (basis === "stored")
    warnings.push(
      `too few shared anchor tokens (${plan.keys.length}): hidden units compared by their stored rows`,
    );
  if (basis === "none")
    warnings.push("no shared anchor tokens and different hidden widths: hidden units could not be compared");

  const depthA = layerCount(a);
  const depthB = layerCount(b);
  const sameDepth = depthA === depthB;
  const writerRows = sampleIndices(Math.min(widthA ?? 0, widthB ?? 0) || 1, RESIDUAL_UNITS, "residual");
  const direct: DirectComparison[] = [];
  const compared = new Set<string>();
  const setsA: UnitSet[][] = [];
  const setsB: UnitSet[][] = [];
  // Same widths: the units are also read by their stored rows. Signatures go through each model's own
  // embedding, so layers copied under a replaced or retrained embedding line up only in the stored basis.
  const storedTwins = basis === "signature" && widthA === widthB;
  const storedA: UnitSet[][] = [];
  const storedB: UnitSet[][] = [];
  const useA = basis === "signature" ? inputsA : undefined;
  const useB = basis === "signature" ? inputsB : undefined;
  const layers = Math.max(depthA, depthB);
  for (let layer = 0; layer < layers; layer++) {
    onProgress?.({ task: "reading layers", done: layer, total: layers, unit: "layers" });
    const keep = sameDepth ? { writerRows } : undefined;
    const readA = layer < depthA ? await readLayer(a, layer, useA, keep, storedTwins) : undefined;
    const readB = layer < depthB ? await readLayer(b, layer, useB, keep, storedTwins) : undefined;
    if (readA) setsA.push(basis === "none" ? [] : readA.sets);
    if (readB) setsB.push(basis === "none" ? [] : readB.sets);
    if (readA) storedA.push(readA.storedSets);
    if (readB) storedB.push(readB.storedSets);
    warnings.push(
      ...(readA?.notes ?? []).map((n) => `suspect ${n}`),
      ...(readB?.notes ?? []).map((n) => `reference ${n}`),
    );
    if (readA && readB && sameDepth) directFromSamples(readA, readB, a, direct, compared);
  }
  if (anchorsA && anchorsB && widthA === widthB) {
    direct.push(
      compareValues(
        "embed",
        "embedding",
        { values: anchorsA.raw, cols: widthA!, dtype: a.tensor("embed")!.dtype, rows: plan.suspectRows },
        { values: anchorsB.raw, cols: widthB!, dtype: b.tensor("embed")!.dtype, rows: plan.referenceRows },
        (b.shape("embed") ?? []).reduce((p, v) => p * v, 1),
      ),
    );
    compared.add("embed");
  }
  await compareRemaining(a, b, plan, sameDepth, compared, direct);

  const bySignature = testUnitSets(
    setsA,
    setsB,
    basis === "signature" ? [residualSet(inputsA!), residualSet(inputsB!)] : undefined,
    random,
  );
  const { layerMap, matches, test, featureBasis, readings } = strongerReading(
    bySignature,
    storedTwins ? testUnitSets(storedA, storedB, undefined, random) : undefined,
  );

  const canonicalA = canonicalNames(a);
  const canonicalB = canonicalNames(b);
  for (const view of [a, b])
    if (view.model.architecture.tieWordEmbeddings === true && view.has("lm_head"))
      warnings.push(
        `${view.path}: the configuration says the output head is tied to the embedding, but the file stores its own lm_head; what is stored is what runs, and that is what was compared`,
      );
  return {
    anchors: plan,
    basis,
    layerMap,
    featureBasis,
    readings,
    suspectLayers: depthA,
    referenceLayers: depthB,
    matches,
    test,
    direct,
    onlySuspect: [...canonicalA].filter((n) => !canonicalB.has(n)),
    onlyReference: [...canonicalB].filter((n) => !canonicalA.has(n)),
    reshaped: reshapedTensors(a, b),
    warnings,
    suspectSets: setsA.flat(),
    referenceSets: setsB.flat(),
    suspectInputs: inputsA,
    referenceInputs: inputsB,
  };
}
