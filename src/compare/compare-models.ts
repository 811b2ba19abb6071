/**
 * `compareModels`: the weight-lineage verdict for a suspect against a reference checkpoint.
 *
 * 1. Blueprints compared. 2. Anchor tokens matched by string; the suspect's residual basis mapped onto
 * the reference's (identity, or Procrustes on anchor embeddings). 3. Per layer, Gram matrices of every
 * residual-touching matrix; CKA between layers gives a layer mapping, and a permutation test per mapped
 * layer gives a p-value under independence, combined across layers. 4. Where the structures coincide,
 * direct tensor comparison: bit equality, relative error, residual structure. 5. Verdict rules.
 */
import { performance } from "node:perf_hooks";
import { displayName } from "../formats/model-source.js";
import type { CanonicalModel } from "../naming/canonical-model.js";
import { openCanonicalModel } from "../naming/open.js";
import { applyTransforms } from "../naming/transforms.js";
import type { ProgressOptions } from "../progress.js";
import { centredCorrelation } from "../stats/correlation.js";
import { alignTokens } from "./anchors.js";
import { compareBlueprints } from "./blueprint.js";
import { compareDirect, type DirectComparison } from "./direct.js";
import {
  addGram,
  copyGram,
  type KeptMatrix,
  type LayerFeatures,
  layerFeatures,
  type MatrixKind,
  sampleDimensions,
} from "./layer-features.js";
import { matchUnrecognised } from "./match-unrecognised.js";
import { alignNeurons } from "./neuron-match.js";
import { looksBlockQuantized } from "./quantization-grid.js";
import { findResidualBasis } from "./residual-basis.js";
import type { CompareResult } from "./result.js";
import { solveAssignment } from "./stats/assignment.js";
import { type CenteredGram, permutationTestCka, unbiasedCka } from "./stats/cka.js";
import { medianCombine, normalSf } from "./stats/distributions.js";
import { seededRandom } from "./stats/rng.js";
import { countingReader, layerCount, untranspose } from "./tensor-reader.js";
import { decideVerdict, type LayerTest } from "./verdict.js";

export interface CompareOptions extends ProgressOptions {
  /** Permutations per layer test (default 200). */
  permutations?: number;
  seed?: number;
}

const LAYER_MATRIX =
  /^layers\.\d+\.(?:attn\.(q|k|v|o)|mlp\.(gate|up|down)|moe\.experts\.\d+\.(gate|up|down))$/;

function matrixKind(canonical: string): MatrixKind | undefined {
  const match = LAYER_MATRIX.exec(canonical);
  return match === null ? undefined : ((match[1] ?? match[2] ?? match[3]) as MatrixKind);
}

/** Tail probabilities underflow near 1e-308; anything this small is reported as this bound. */
export const P_VALUE_FLOOR = 1e-300;

const INPUT_KINDS: readonly MatrixKind[] = ["q", "k", "v"];

function pairsFor(
  s: LayerFeatures,
  r: LayerFeatures,
  excludeInputs: boolean,
): [CenteredGram, CenteredGram][] {
  const pairs: [CenteredGram, CenteredGram][] = [];
  for (const [kind, gram] of s.grams) {
    if (excludeInputs && INPUT_KINDS.includes(kind)) continue;
    const other = r.grams.get(kind);
    if (other !== undefined && other.n === gram.n) pairs.push([gram, other]);
  }
  return pairs;
}

function layerSimilarity(s: LayerFeatures, r: LayerFeatures): number {
  const pairs = pairsFor(s, r, false);
  if (pairs.length === 0) return 0;
  return pairs.reduce((sum, [a, b]) => sum + unbiasedCka(a, b), 0) / pairs.length;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mapLayers(similarity: number[][], suspectLayers: number, referenceLayers: number): number[] {
  if (suspectLayers === referenceLayers) return Array.from({ length: suspectLayers }, (_, i) => i);
  if (suspectLayers < referenceLayers) {
    const cost = new Float64Array(suspectLayers * referenceLayers);
    for (let i = 0; i < suspectLayers; i++)
      for (let j = 0; j < referenceLayers; j++) cost[i * referenceLayers + j] = -similarity[i]![j]!;
    return Array.from(solveAssignment(cost, suspectLayers, referenceLayers));
  }
  return similarity.map((row) => row.indexOf(Math.max(...row)));
}

/**
 * Layer matrices stored [in, out] (GPT-2 Conv1D style, or a re-layout meant to hide a copy): when some
 * suspect matrices have the reference's shape reversed, every layer matrix of the suspect is read
 * transposed (square ones included, which shapes alone cannot tell).
 */
function transposedMatrices(suspect: CanonicalModel, reference: CanonicalModel): Set<string> {
  const reversed = (name: string) => {
    const s = suspect.get(name)?.shape;
    const r = reference.get(name)?.shape;
    return s !== undefined && r !== undefined && s.length === 2 && s[0] === r[1] && s[1] === r[0];
  };
  const matrices = suspect.tensors
    .filter((t) => matrixKind(t.canonical) !== undefined)
    .map((t) => t.canonical);
  if (!matrices.some((name) => reversed(name) && suspect.get(name)!.shape[0] !== suspect.get(name)!.shape[1]))
    return new Set();
  return new Set(matrices.filter(reversed));
}

/** Direct comparison of one layer matrix, neurons matched first (permutations, per-neuron scales). */
function compareMatrix(name: string, s: KeptMatrix, r: KeptMatrix): DirectComparison {
  const readsResidual = s.kind !== "o" && s.kind !== "down";
  const neurons = alignNeurons(s.aligned, r.aligned, r.shape[0]!, r.shape[1]!, readsResidual);
  const comparison = compareDirect(name, neurons.values, r.aligned, r.shape);
  comparison.neuronsPermuted = neurons.permuted;
  comparison.neuronRescale = neurons.rescale;
  if (!neurons.permuted && s.raw.length === r.raw.length && s.raw.every((v, t) => v === r.raw[t]))
    comparison.equal = true;
  if (!comparison.equal) comparison.onQuantizationGrid = looksBlockQuantized(s.raw, s.dtype);
  return comparison;
}

/**
 * Whether the suspect's layer matrices hold transposed data under their declared shapes (a llama2.c
 * re-layout: same header, each layer matrix's bytes transposed; the embedding, a lookup table, stays as
 * it is). Decided on the first layer matrix both models hold with the same shape.
 */
async function detectTransposedStorage(suspect: CanonicalModel, reference: CanonicalModel): Promise<boolean> {
  const s = suspect.tensors.find(
    (t) =>
      matrixKind(t.canonical) !== undefined &&
      t.source.shape.length === 2 &&
      reference.get(t.canonical)?.shape.join() === t.shape.join(),
  );
  if (s === undefined) return false;
  const [stored, ref] = await Promise.all([
    suspect.source.store.read(s.source.name),
    reference.read(s.canonical),
  ]);
  const [rows, cols] = s.source.shape as [number, number];
  const asStored = applyTransforms(stored, s.source.shape, s.transforms);
  const flipped = applyTransforms(untranspose(stored, rows, cols), s.source.shape, s.transforms);
  return Math.abs(centredCorrelation(flipped, ref)) > Math.abs(centredCorrelation(asStored, ref)) + 0.5;
}

export async function compareModels(
  suspectPath: string,
  referencePath: string,
  options: CompareOptions = {},
): Promise<CompareResult> {
  const started = performance.now();
  const suspectModel = await openCanonicalModel(suspectPath);
  let referenceModel: CanonicalModel;
  try {
    referenceModel = await openCanonicalModel(referencePath);
  } catch (error) {
    await suspectModel.close();
    throw error;
  }
  try {
    const matched = await matchUnrecognised(suspectModel, referenceModel);
    const result = await compareOpen(
      matched.model,
      referenceModel,
      suspectPath,
      referencePath,
      options,
      started,
    );
    result.timing.bytesRead += matched.bytesRead;
    if (matched.byValue + matched.byShape > 0) {
      result.warnings.push(
        `${matched.byValue + matched.byShape} suspect tensors have names no naming rule knows; ` +
          `${matched.byValue} were matched to the reference's tensors by value, ${matched.byShape} by shape alone` +
          (matched.unmatched.length > 0 ? `; ${matched.unmatched.length} stay unmatched` : ""),
      );
    }
    return result;
  } finally {
    await Promise.all([suspectModel.close(), referenceModel.close()]);
  }
}

async function compareOpen(
  suspectModel: CanonicalModel,
  referenceModel: CanonicalModel,
  suspectPath: string,
  referencePath: string,
  options: CompareOptions,
  started: number,
): Promise<CompareResult> {
  const suspect = countingReader(suspectModel);
  const reference = countingReader(referenceModel);
  const warnings: string[] = [];
  const blueprint = compareBlueprints(suspectModel.architecture, referenceModel.architecture);
  suspect.transposedStorage = await detectTransposedStorage(suspectModel, referenceModel);
  suspect.transposed = transposedMatrices(suspectModel, referenceModel);

  // Residual basis through anchor-token embedding rows.
  const suspectEmbedding = suspect.has("embed") ? await suspect.read("embed") : undefined;
  const referenceEmbedding = reference.has("embed") ? await reference.read("embed") : undefined;
  const suspectWidth = suspect.shape("embed")?.[1] ?? suspectModel.architecture.hiddenSize ?? 0;
  const referenceWidth = reference.shape("embed")?.[1] ?? referenceModel.architecture.hiddenSize ?? 0;
  const tokens = await alignTokens(
    suspectPath,
    referencePath,
    suspect.shape("embed")?.[0] ?? 0,
    reference.shape("embed")?.[0] ?? 0,
  );
  warnings.push(...tokens.warnings);
  const basis =
    suspectEmbedding !== undefined && referenceEmbedding !== undefined
      ? findResidualBasis(
          suspectEmbedding,
          suspectWidth,
          referenceEmbedding,
          referenceWidth,
          tokens.suspectRows,
          tokens.referenceRows,
        )
      : {
          kind: "identity" as const,
          rotation: undefined,
          identityFit: null,
          rotationFit: null,
          scale: 1,
          warnings: ["no embedding: hidden dimensions compared in the stored basis"],
        };
  warnings.push(...basis.warnings);
  const comparableWidth = basis.rotation !== undefined || suspectWidth === referenceWidth;

  // Per-layer Grams in the reference basis; direct comparisons where the structures coincide.
  const suspectLayers = layerCount(suspectModel);
  const referenceLayers = layerCount(referenceModel);
  const sameStructure = blueprint.same && suspectLayers === referenceLayers;
  const samples = sampleDimensions(referenceWidth);
  const referenceFeatures: LayerFeatures[] = [];
  const suspectFeatures: LayerFeatures[] = [];
  if (!comparableWidth)
    warnings.push("hidden widths differ and could not be aligned: no per-layer weight comparison");
  const direct: DirectComparison[] = [];
  const compareLayers = sameStructure && comparableWidth;
  // Layers are read once: Grams for the basis-free test and, when the structures coincide, the direct
  // comparison of the same matrices, one layer of each model in memory at a time.
  const layersToRead = comparableWidth ? Math.max(referenceLayers, suspectLayers) : 0;
  const progress = (task: string, done: number, total: number) =>
    options.onProgress?.({ task, done, total, unit: "layers" });
  for (let j = 0; j < layersToRead; j++) {
    progress("reading layers", j, layersToRead);
    const keptReference = compareLayers ? new Map<string, KeptMatrix>() : undefined;
    const keptSuspect = compareLayers ? new Map<string, KeptMatrix>() : undefined;
    if (j < referenceLayers)
      referenceFeatures.push(await layerFeatures(reference, j, undefined, samples, keptReference));
    if (j < suspectLayers) suspectFeatures.push(await layerFeatures(suspect, j, basis, samples, keptSuspect));
    for (const [name, r] of keptReference ?? []) {
      const s = keptSuspect?.get(name);
      if (s !== undefined && s.shape.join() === r.shape.join()) direct.push(compareMatrix(name, s, r));
    }
  }
  if (compareLayers) {
    // Vectors (norms, biases) and, in a shared basis, the token-indexed matrices.
    for (const tensor of referenceModel.tensors) {
      if (matrixKind(tensor.canonical) !== undefined || !suspectModel.get(tensor.canonical)) continue;
      if (suspect.shape(tensor.canonical)?.join() !== tensor.shape.join()) continue;
      const tokenRows = tensor.canonical === "embed" || tensor.canonical === "lm_head";
      if (
        basis.rotation !== undefined ||
        (tokenRows && tokens.method === "token strings" && (tokens.vocabulary?.reordered ?? 0) > 0)
      )
        continue;
      const s =
        tensor.canonical === "embed" && suspectEmbedding
          ? suspectEmbedding
          : await suspect.read(tensor.canonical);
      const r =
        tensor.canonical === "embed" && referenceEmbedding
          ? referenceEmbedding
          : await reference.read(tensor.canonical);
      direct.push(compareDirect(tensor.canonical, s, r, tensor.shape));
    }
  }

  // Layer mapping and per-layer permutation tests.
  const random = seededRandom(options.seed ?? 20240601);
  const permutations = options.permutations ?? (samples.length > 256 ? 100 : 200);
  const similarity = suspectFeatures.map((s) => referenceFeatures.map((r) => layerSimilarity(s, r)));
  const mapping = comparableWidth ? mapLayers(similarity, suspectLayers, referenceLayers) : [];
  const searched = suspectLayers !== referenceLayers;
  const layerTests: LayerTest[] = [];
  mapping.forEach((j, i) => {
    progress("layer tests", i, mapping.length);
    const s = suspectFeatures[i]!;
    const r = referenceFeatures[j];
    if (r === undefined) return;
    const first = i === 0 || j === 0;
    const pairs = pairsFor(s, r, first);
    if (pairs.length === 0) return;
    const test = permutationTestCka(pairs, permutations, random);
    const raw = test.z > 0 ? normalSf(test.z) : 1 - normalSf(-test.z);
    layerTests.push({
      suspectLayer: i,
      referenceLayer: j,
      cka: test.observed,
      z: test.z,
      exactP: test.exactP,
      pValue: Math.max(P_VALUE_FLOOR, Math.min(1, searched ? raw * referenceLayers : raw)),
      nearEmbedding: first,
    });
  });

  // MoE experts against the dense MLP they may come from.
  const experts: CompareResult["changes"]["experts"] = [];
  mapping.forEach((j, i) => {
    const r = referenceFeatures[j];
    if (r === undefined || r.experts.size > 0) return;
    const dense = ["gate", "up", "down"]
      .map((kind) => r.grams.get(kind as MatrixKind))
      .filter((g) => g !== undefined);
    if (dense.length === 0) return;
    const sum = copyGram(dense[0]!);
    for (const g of dense.slice(1)) addGram(sum, g);
    for (const [expert, gram] of suspectFeatures[i]!.experts) {
      experts.push({ layer: i, expert, fromReferenceLayer: j, similarity: unbiasedCka(gram, sum) });
    }
  });

  // The first layer sits next to the embedding the alignment was fitted on: independently trained models
  // sharing data resemble each other there (zoo: aligned CKA 0.02–0.03, p ≈ 1e-4), so it is reported but
  // left out of the combined p-value whenever deeper layers exist.
  const combined = layerTests.some((t) => !t.nearEmbedding)
    ? layerTests.filter((t) => !t.nearEmbedding)
    : layerTests;
  const pValue = Math.max(P_VALUE_FLOOR, medianCombine(combined.map((t) => t.pValue)));
  const zScore = combined.length === 0 ? null : median(combined.map((t) => t.z));
  const decision = decideVerdict({
    suspect: suspectModel,
    reference: referenceModel,
    blueprint,
    basis,
    tokens,
    layerTests,
    medianCka: median(combined.map((t) => t.cka)),
    pValue,
    direct,
    sameStructure,
    transposedStorage: suspect.transposedStorage,
    transposedCount: suspect.transposed.size,
    suspectLayers,
    referenceLayers,
    experts,
  });
  warnings.push(...decision.warnings);
  return {
    suspect: displayName(suspectPath),
    reference: displayName(referencePath),
    verdict: decision.verdict,
    tags: decision.tags,
    pValue,
    zScore,
    changes: {
      unchangedShare: decision.unchangedShare,
      layerMapping: mapping.map((j, i) => ({
        suspectLayer: i,
        referenceLayer: j,
        similarity: similarity[i]?.[j] ?? 0,
      })),
      renamedTensors: decision.renamed,
      vocabulary: tokens.vocabulary,
      experts,
    },
    evidence: decision.evidence,
    summary: decision.summary,
    warnings,
    timing: {
      seconds: (performance.now() - started) / 1000,
      bytesRead: suspect.bytesRead + reference.bytesRead,
    },
  };
}
