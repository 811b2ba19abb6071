/** Fingerprint a MODEL path: open its canonical view and its vocabulary, build, close. */

import { tryVocabulary } from "../compare/transformer-evidence.js";
import { openCanonicalModel } from "../naming/open.js";
import { buildFingerprint, type FingerprintOptions } from "./build.js";
import { type ModelFingerprint, TRANSPOSED_READING_NOTE } from "./model-fingerprint.js";
import { ModelView } from "./model-view.js";

export async function fingerprintModel(
  path: string,
  options: FingerprintOptions = {},
): Promise<ModelFingerprint> {
  const model = await openCanonicalModel(path);
  try {
    const vocabulary = await tryVocabulary(new ModelView(model));
    const fingerprint = await buildFingerprint(model, vocabulary, options);
    if (options.storedTransposed) fingerprint.notes.unshift(TRANSPOSED_READING_NOTE);
    return fingerprint;
  } finally {
    await model.close();
  }
}

/** Formats whose tensor shapes cannot reveal transposed storage (llama2.c has one fixed layout). */
const LAYOUT_AMBIGUOUS_FORMATS: ReadonlySet<string> = new Set(["llama2c"]);

/**
 * The readings of a suspect worth matching: as stored, plus every layer matrix read transposed when
 * the format cannot tell (a re-laid-out llama2.c copy is otherwise unrecognisable). The library keeps,
 * per entry, the reading that matches it best, and the p-value is doubled for the choice (Bonferroni).
 */
export async function suspectReadings(
  path: string,
  options: FingerprintOptions = {},
): Promise<ModelFingerprint[]> {
  const asStored = await fingerprintModel(path, options);
  if (!LAYOUT_AMBIGUOUS_FORMATS.has(asStored.source.format) || asStored.sets.length === 0) return [asStored];
  return [asStored, await fingerprintModel(path, { ...options, storedTransposed: true })];
}
