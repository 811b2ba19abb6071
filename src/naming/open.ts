/**
 * Open any MODEL path as a CanonicalModel: the format's tensor store, the declared architecture, naming
 * rules applied to the tensor table, and reads of one canonical tensor at a time in canonical layout.
 */
import { declaredArchitecture } from "../architecture/declared.js";
import { summarizeArchitecture } from "../architecture/summarize.js";
import { FormatError } from "../errors.js";
import type { ModelSource } from "../formats/model-source.js";
import { openModel, type ResolveOptions } from "../formats/resolve-model.js";
import { gatherRows, matrixView, readTensorRows } from "../formats/tensor-store.js";
import type { CanonicalModel, CanonicalTensor } from "./canonical-model.js";
import { NORM_GAIN, normGainOffset } from "./conventions/norm-gain.js";
import { mapTensorNames, type NameMapping } from "./map-names.js";
import { noWeightsReason } from "./no-weights.js";
import type { NamingContext } from "./rule.js";
import { rulesFor } from "./rule-sets.js";
import { applyTransforms, applyValueTransforms, storedRows } from "./transforms.js";

/**
 * Norm gains stored as g − 1 (Gemma-style, see conventions/norm-gain.ts) get `offset` added, so every
 * canonical norm gain is the effective multiplier; a note says so.
 */
function withNormGainConvention(mapping: NameMapping, offset: number): NameMapping {
  if (offset === 0) return mapping;
  let count = 0;
  const tensors = mapping.tensors.map((tensor) => {
    if (!NORM_GAIN.test(tensor.canonical)) return tensor;
    count++;
    return { ...tensor, transforms: [...tensor.transforms, { kind: "add" as const, value: offset }] };
  });
  const note =
    `${count} norm gain(s) stored as w with y = x·(${offset} + w) (config.json model_type): ` +
    `the canonical view shows the effective multiplier ${offset} + w, as llama.cpp's GGUF stores it`;
  return { ...mapping, tensors, notes: count === 0 ? mapping.notes : [note, ...mapping.notes] };
}

/** Build the canonical view of an already opened model source (closing it closes the source's store). */
export function createCanonicalModel(source: ModelSource): CanonicalModel {
  const declared = declaredArchitecture(source);
  const context: NamingContext = {
    numHeads: declared.figures.numHeads,
    numKvHeads: declared.figures.numKvHeads,
    headDim: declared.figures.headDim,
    hiddenSize: declared.figures.hiddenSize,
    intermediateSize: declared.figures.intermediateSize,
    ggufArchitecture: declared.ggufArchitecture,
    numHeadsPerLayer: declared.figures.perLayer?.numHeads,
    numKvHeadsPerLayer: declared.figures.perLayer?.numKvHeads,
  };
  const mapping = withNormGainConvention(
    mapTensorNames(
      source.store.tensors,
      rulesFor(source.format, source.store.tensors),
      context,
      new Set(source.store.quantizationScales?.values() ?? []),
    ),
    // Hugging Face checkpoints (safetensors or PyTorch) store the family's raw gains; GGUF already holds 1 + w.
    source.format === "gguf" ? 0 : normGainOffset(source.config),
  );
  const summary = summarizeArchitecture(declared, mapping.tensors);
  const byName = new Map<string, CanonicalTensor>(
    mapping.tensors.map((tensor) => [tensor.canonical, tensor]),
  );
  const require = (canonical: string): CanonicalTensor => {
    const tensor = byName.get(canonical);
    if (tensor === undefined) {
      throw new FormatError("no tensor of this canonical name", { file: source.path, field: canonical });
    }
    return tensor;
  };
  const withContext = async <T>(tensor: CanonicalTensor, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof FormatError && error.file === undefined) {
        throw new FormatError(error.message, {
          file: source.path,
          field: `${tensor.canonical} (${tensor.source.name})`,
        });
      }
      throw error;
    }
  };
  const noWeights = noWeightsReason(source);
  return {
    source,
    architecture: summary.architecture,
    tensors: mapping.tensors,
    unrecognised: mapping.unrecognised,
    scales: mapping.scales,
    notes: [...(noWeights === undefined ? [] : [noWeights]), ...summary.notes, ...mapping.notes],
    noWeights,
    get: (canonical) => byName.get(canonical),
    async read(canonical) {
      const tensor = require(canonical);
      return withContext(tensor, async () =>
        applyTransforms(await source.store.read(tensor.source.name), tensor.source.shape, tensor.transforms),
      );
    },
    async readRows(canonical, rows) {
      const tensor = require(canonical);
      return withContext(tensor, async () => {
        const stored = storedRows(tensor.source.shape, tensor.transforms, rows);
        if (stored !== undefined) {
          return applyValueTransforms(
            await readTensorRows(source.store, tensor.source.name, stored),
            tensor.transforms,
          );
        }
        const all = applyTransforms(
          await source.store.read(tensor.source.name),
          tensor.source.shape,
          tensor.transforms,
        );
        const { rows: count, cols } = matrixView(tensor.shape);
        const outside = rows.find((row) => !Number.isInteger(row) || row < 0 || row >= count);
        if (outside !== undefined) throw new FormatError(`row ${outside} outside ${count} rows`);
        return gatherRows(all, cols, rows);
      });
    },
    close: () => source.store.close(),
  };
}

/** Open a MODEL (a local folder or weight file, an Ollama name, a Hub model: see `resolve-model.ts`) and
 * map it to canonical names. */
export async function openCanonicalModel(
  path: string,
  options: ResolveOptions = {},
): Promise<CanonicalModel> {
  const source = await openModel(path, options);
  try {
    return createCanonicalModel(source);
  } catch (error) {
    await source.store.close();
    throw error;
  }
}
