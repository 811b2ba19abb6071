/** Fingerprint a MODEL path: open its canonical view and its vocabulary, build, close. */

import { FormatError, InputNotFoundError } from "../errors.js";
import { displayName } from "../formats/model-source.js";
import { openCanonicalModel } from "../naming/open.js";
import { readVocabulary } from "../tokenizers/read.js";
import type { Vocabulary } from "../tokenizers/vocabulary.js";
import type { ModelFingerprint } from "./model-fingerprint.js";
import { buildFingerprint, type FingerprintOptions } from "./weights-build.js";

export async function fingerprintModel(
  path: string,
  options: FingerprintOptions = {},
): Promise<ModelFingerprint> {
  const model = await openCanonicalModel(path);
  try {
    let vocabulary: Vocabulary | undefined;
    let vocabularyNote: string | undefined;
    try {
      vocabulary = await readVocabulary(path);
    } catch (error) {
      // A checkpoint without a tokenizer still has an architecture and weak profiles worth storing.
      if (!(error instanceof FormatError || error instanceof InputNotFoundError)) throw error;
      vocabularyNote = `no vocabulary for ${displayName(path)}: ${error.describe()}`;
    }
    const fingerprint = await buildFingerprint(model, vocabulary, options);
    if (vocabularyNote !== undefined) fingerprint.notes.unshift(vocabularyNote);
    return fingerprint;
  } finally {
    await model.close();
  }
}
