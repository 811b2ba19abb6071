/**
 * Whether a fingerprint carries weight evidence: anchor tokens and at least one layer's unit set.
 * Without them (no tokenizer found, a vocabulary-only file, no embedding tensor) a fingerprint can
 * neither be matched nor clear anyone, so the library refuses to store or match it, with the reason.
 */
import { FormatError } from "../errors.js";
import type { ModelFingerprint } from "../fingerprint/model-fingerprint.js";

/** Why `fingerprint` has no weight evidence, or undefined when it has some. */
export function missingWeightEvidence(fingerprint: ModelFingerprint): string | undefined {
  const layered = fingerprint.sets.some((set) => set.layer !== null);
  if (fingerprint.anchors.keys.length > 0 && layered) return undefined;
  const reasons = fingerprint.notes.filter((note) => /no |too few|only \d+/.test(note));
  return reasons.length > 0 ? reasons.join("; ") : "no layer's hidden units could be described";
}

/**
 * Throws a FormatError naming `file` when `fingerprint` has no weight evidence; `purpose` says what was
 * refused ("nothing to store", "nothing to match").
 */
export function requireWeightEvidence(fingerprint: ModelFingerprint, file: string, purpose: string): void {
  const reason = missingWeightEvidence(fingerprint);
  if (reason !== undefined) throw new FormatError(`no weight evidence, ${purpose}: ${reason}`, { file });
}
