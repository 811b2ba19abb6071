/** Fingerprint a MODEL path: open its canonical view and its vocabulary, build, close. */
import { FormatError, InputNotFoundError } from "../errors.js";
import { displayName } from "../formats/model-source.js";
import type { CanonicalModel } from "../naming/canonical-model.js";
import { openCanonicalModel } from "../naming/open.js";
import { applyTransforms, transpose } from "../naming/transforms.js";
import { readModelVocabulary } from "../tokenizers/model-vocabulary.js";
import type { Vocabulary } from "../tokenizers/vocabulary.js";
import { type ModelFingerprint, TRANSPOSED_READING_NOTE } from "./model-fingerprint.js";
import { buildFingerprint, type FingerprintModel, type FingerprintOptions } from "./weights-build.js";

export interface PathFingerprintOptions extends FingerprintOptions {
  /**
   * Read every stored layer matrix (not the token embedding) as holding the transpose of its declared
   * shape, before the canonical transforms. For formats whose shapes cannot reveal transposed storage (llama2.c).
   */
  storedTransposed?: boolean;
}

/** The canonical model with every 2-D stored tensor turned over before its canonical transforms. */
function transposedStorage(model: CanonicalModel): FingerprintModel {
  return {
    architecture: model.architecture,
    tensors: model.tensors,
    source: model.source,
    get: (name) => model.get(name),
    async read(name) {
      const tensor = model.get(name);
      if (tensor === undefined) {
        throw new FormatError("no tensor of this canonical name", { file: model.source.path, field: name });
      }
      const shape = tensor.source.shape;
      const stored = await model.source.store.read(tensor.source.name);
      // The bytes of a declared [rows, cols] tensor hold a [cols, rows] matrix: turn it back. The token
      // embedding is a lookup table, not a Linear: transposers leave it as it is (the real
      // stories260K.transpose.bin does).
      const turned = shape.length === 2 && tensor.canonical !== "embed";
      const data = turned ? transpose(stored, shape[1]!, shape[0]!) : stored;
      return applyTransforms(data, shape, tensor.transforms);
    },
  };
}

export async function fingerprintModel(
  path: string,
  options: PathFingerprintOptions = {},
): Promise<ModelFingerprint> {
  const model = await openCanonicalModel(path);
  try {
    let vocabulary: Vocabulary | undefined;
    let vocabularyNote: string | undefined;
    try {
      vocabulary = await readModelVocabulary(model.source);
    } catch (error) {
      // A checkpoint without a tokenizer still has an architecture and weak profiles worth storing.
      if (!(error instanceof FormatError || error instanceof InputNotFoundError)) throw error;
      vocabularyNote = `no vocabulary for ${displayName(path)}: ${error.describe()}`;
    }
    const fingerprint = await buildFingerprint(
      options.storedTransposed ? transposedStorage(model) : model,
      vocabulary,
      options,
    );
    if (vocabularyNote !== undefined) fingerprint.notes.unshift(vocabularyNote);
    if (options.storedTransposed) fingerprint.notes.unshift(TRANSPOSED_READING_NOTE);
    return fingerprint;
  } finally {
    await model.close();
  }
}

/** Formats whose tensor shapes cannot reveal transposed storage (llama2.c has one fixed layout). */
const LAYOUT_AMBIGUOUS_FORMATS: ReadonlySet<string> = new Set(["llama2c"]);

/**
 * The readings of a suspect worth matching: as stored, plus every matrix read transposed when the
 * format cannot tell (a re-laid-out llama2.c copy is otherwise unrecognisable).
 */
export async function suspectReadings(
  path: string,
  options: FingerprintOptions = {},
): Promise<ModelFingerprint[]> {
  const asStored = await fingerprintModel(path, options);
  if (!LAYOUT_AMBIGUOUS_FORMATS.has(asStored.source.format) || asStored.anchors.length === 0)
    return [asStored];
  return [asStored, await fingerprintModel(path, { ...options, storedTransposed: true })];
}
