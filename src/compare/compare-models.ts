/**
 * `compareModels`: do two checkpoints share weights, and how?
 *
 * One pipeline (docs/compare.md):
 *  1. Open both; tensors no naming rule knows are matched to the other side by shape and value.
 *  2. Transformers: anchor tokens shared by both vocabularies; per layer, sampled hidden units of each
 *     model described by basis-free signatures (`src/fingerprint`); the exact index test over the paired
 *     unit sets gives the p-value under "trained separately"; the same sampled rows compared directly.
 *     Other layouts (RWKV, …): tensors paired by name/shape/value and tested one by one.
 *  3. When the index test sees nothing, an alignment search looks for a permuted or rotated copy.
 *  4. Verdict rules (`verdict.ts`), named evidence of direction (`direction.ts`), sentences (`summary.ts`).
 */
import { performance } from "node:perf_hooks";
import { FormatError } from "../errors.js";
import { ModelView } from "../fingerprint/model-view.js";
import { expertsOf } from "../fingerprint/units.js";
import { displayName } from "../formats/model-source.js";
import type { CanonicalModel } from "../naming/canonical-model.js";
import { openCanonicalModel } from "../naming/open.js";
import type { ProgressOptions } from "../progress.js";
import { seededRandom } from "../stats/rng.js";
import { compareBlueprints } from "./blueprint.js";
import { confirmIdentical } from "./confirm-identical.js";
import { declaredAgreement } from "./declared-agreement.js";
import { inferDirection } from "./direction.js";
import { tensorFindings, transformerFindings } from "./findings.js";
import { matchUnrecognised } from "./match-unrecognised.js";
import { type CompareResult, pValueFromLog10, type TestSummary } from "./result.js";
import { buildEvidence, buildSummary } from "./summary.js";
import { looksUntrained } from "./untrained.js";
import { decideVerdict, RELATED_LOG10_P, ROUNDING_FLOOR } from "./verdict.js";

export interface CompareOptions extends ProgressOptions {
  /** Seed of the random tie-breaking in the index test (results are deterministic for a seed). */
  seed?: number;
}

function isTransformer(model: CanonicalModel): boolean {
  return model.tensors.some((t) =>
    /^layers\.\d+\.(mlp\.up|attn\.q|moe\.experts\.\d+\.up)$/.test(t.canonical),
  );
}

function renamedTensors(suspect: CanonicalModel, reference: CanonicalModel): { from: string; to: string }[] {
  if (suspect.source.format !== reference.source.format) return [];
  const renamed: { from: string; to: string }[] = [];
  for (const tensor of reference.tensors) {
    const other = suspect.get(tensor.canonical);
    if (other !== undefined && other.source.name !== tensor.source.name)
      renamed.push({ from: tensor.source.name, to: other.source.name });
  }
  return renamed;
}

function matrixDtypes(model: CanonicalModel): Set<string> {
  const types = new Set(model.tensors.filter((t) => t.shape.length === 2).map((t) => t.source.dtype));
  for (const t of model.unrecognised) if (t.shape.length === 2) types.add(t.dtype);
  return types;
}

/** Layer matrices laid out differently (one side stores them transposed, e.g. GPT-2 Conv1D). */
function layoutsDiffer(suspect: CanonicalModel, reference: CanonicalModel): boolean {
  const transposed = (model: CanonicalModel) =>
    model.tensors.filter((t) => t.layer !== undefined && t.transforms.some((x) => x.kind === "transpose"))
      .length > 0;
  return transposed(suspect) !== transposed(reference);
}

/** The test summary when nothing could be tested: why, in place of a null hypothesis. */
function noTest(why: string | undefined): TestSummary {
  return {
    name: "none",
    nullHypothesis: `no test ran: ${why ?? "nothing corresponds between the two models"}`,
    matches: 0,
    units: 0,
    sets: 0,
    expected: 0,
  };
}

/** A file without weights is refused with the reason, never called independent of anything. */
function refuseEmpty(model: CanonicalModel): void {
  if (model.noWeights !== undefined)
    throw new FormatError(`holds no weight tensors, nothing to compare: ${model.noWeights}`, {
      file: model.source.path,
    });
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
    refuseEmpty(suspectModel);
    refuseEmpty(referenceModel);
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
    const declared = await declaredAgreement(result, suspectModel.source, referenceModel.source);
    Object.assign(result, { hubRelation: declared.hubRelation, declared });
    result.summary.push(declared.statement);
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
  const a = new ModelView(suspectModel);
  const b = new ModelView(referenceModel);
  const random = seededRandom(options.seed ?? 20240601);
  const suspect = displayName(suspectPath);
  const reference = displayName(referencePath);
  const blueprint = compareBlueprints(suspectModel.architecture, referenceModel.architecture);
  const layouts = layoutsDiffer(suspectModel, referenceModel);
  const findings =
    isTransformer(suspectModel) && isTransformer(referenceModel)
      ? await transformerFindings(a, b, random, layouts, options.onProgress)
      : await tensorFindings(a, b, random, layouts);

  const renamed = blueprint.same ? renamedTensors(suspectModel, referenceModel) : [];
  const suspectExperts = (suspectModel.architecture.numExperts ?? 0) > 0 || expertsOf(a, 0).length > 0;
  const referenceExperts = (referenceModel.architecture.numExperts ?? 0) > 0 || expertsOf(b, 0).length > 0;
  // "identical" is about the stored values as they are: never for a relabelled or rotated copy.
  const equalOnSample =
    findings.aligned === undefined &&
    findings.direct.length > 0 &&
    findings.direct.every((d) => d.bitEqual === 1);
  const confirmedIdentical =
    equalOnSample && findings.log10P <= RELATED_LOG10_P && findings.sameStructure
      ? await confirmIdentical(a, b, findings.detail)
      : false;
  // A rotated or rescaled copy folds its norm gains into the matrices: unit norms there say nothing.
  const folded = findings.aligned !== undefined && (findings.aligned.rotated || findings.aligned.rescaled);
  const suspectInitialised = !folded && (await looksUntrained(suspectModel));
  const referenceInitialised = !folded && (await looksUntrained(referenceModel));
  const decision = decideVerdict({
    ...findings,
    blueprint,
    confirmedIdentical,
    renamed: renamed.length,
    suspectExperts,
    referenceExperts,
    suspectDtypes: matrixDtypes(suspectModel),
    referenceDtypes: matrixDtypes(referenceModel),
    initialisation: suspectInitialised !== referenceInitialised,
  });
  const related = decision.verdict === "derived" || decision.verdict === "same-weights";
  const warnings = [...findings.warnings];
  if (related)
    for (const d of decision.changedTokenMatrices)
      warnings.push(
        `${d.name === "lm_head" ? "the output head" : "the embedding"} differs beyond rounding or quantization ` +
          `(relative change ${d.relativeError.toFixed(3)}, correlation ${d.correlation.toFixed(3)})` +
          (decision.medianChange !== null && decision.medianChange <= ROUNDING_FLOOR
            ? " while the layers are unchanged"
            : ""),
      );
  const direction = related
    ? inferDirection(
        {
          ...findings,
          suspectExperts,
          referenceExperts,
          sameWeights: decision.verdict === "same-weights",
          suspectInitialised,
          referenceInitialised,
        },
        suspect,
        reference,
      )
    : null;
  // No unit set or tensor pair could be tested: no p-value at all, never "p = 1".
  const tested = findings.test.name === "alignment" || findings.test.sets > 0;
  const bytes = (model: CanonicalModel) =>
    model.source.store.tensors.reduce((sum, t) => sum + t.byteLength, 0);
  const result: CompareResult = {
    suspect,
    reference,
    verdict: decision.verdict,
    ...(decision.reason === undefined ? {} : { reason: decision.reason }),
    tags: decision.tags,
    ...(tested
      ? { pValue: pValueFromLog10(findings.log10P), pValueLog10: findings.log10P, test: findings.test }
      : { pValue: null, pValueLog10: null, test: noTest(findings.nothingCompared) }),
    zScore: tested ? findings.zScore : null,
    direction,
    changes: {
      unchangedShare: decision.unchangedShare,
      components: decision.components,
      layerMapping: findings.layerMapping,
      renamedTensors: renamed,
      vocabulary: findings.vocabulary,
      experts: findings.experts,
    },
    evidence: [],
    summary: [],
    warnings,
    timing: {
      seconds: 0,
      bytesRead: a.bytesRead + b.bytesRead,
      bytesTotal: bytes(suspectModel) + bytes(referenceModel),
    },
  };
  const context = { blueprint, detail: findings.detail, medianChange: decision.medianChange };
  result.evidence = buildEvidence(result, context);
  result.summary = buildSummary(result, context);
  result.timing.seconds = (performance.now() - started) / 1000;
  return result;
}
