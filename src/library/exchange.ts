/** The JSON file `lineage library export|import` reads and writes, so fingerprints can be shared. */
import { FormatError } from "../errors.js";
import { parseFingerprint } from "../fingerprint/model-fingerprint.js";
import type { LibraryEntry, NewEntry } from "./library.js";

export const EXPORT_FORMAT = "lineage-library-export";
export const EXPORT_VERSION = 1;

export interface LibraryExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  entries: {
    name: string;
    sourcePath: string;
    family: string | null;
    notes: string | null;
    createdAt: string;
    fingerprint: LibraryEntry["fingerprint"];
  }[];
}

/** Import files larger than this are not fingerprint exports (a fingerprint is well under 2 MB). */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** Entries per import file (hostile-input cap). */
export const MAX_IMPORT_ENTRIES = 100_000;

export function exportEntries(
  entries: readonly LibraryEntry[],
  exportedAt = new Date().toISOString(),
): LibraryExport {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt,
    entries: entries.map((e) => ({
      name: e.name,
      sourcePath: e.sourcePath,
      family: e.family,
      notes: e.notes,
      createdAt: e.createdAt,
      fingerprint: e.fingerprint,
    })),
  };
}

function optionalString(value: unknown, file: string, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new FormatError("expected a string", { file, field });
  return value;
}

/** Check an export document and return the entries it holds, ready for `FingerprintLibrary.add`. */
export function parseExport(value: unknown, file: string): NewEntry[] {
  const doc = value as Partial<LibraryExport> | null;
  if (typeof doc !== "object" || doc === null || doc.format !== EXPORT_FORMAT) {
    throw new FormatError(`not a lineage library export (format must be "${EXPORT_FORMAT}")`, {
      file,
      field: "format",
    });
  }
  if (doc.version !== EXPORT_VERSION) {
    throw new FormatError(
      `export version ${String(doc.version)} is not supported (expected ${EXPORT_VERSION})`,
      {
        file,
        field: "version",
      },
    );
  }
  if (!Array.isArray(doc.entries) || doc.entries.length > MAX_IMPORT_ENTRIES) {
    throw new FormatError(`entries must be an array of at most ${MAX_IMPORT_ENTRIES}`, {
      file,
      field: "entries",
    });
  }
  return doc.entries.map((raw: unknown, i) => {
    const field = `entries[${i}]`;
    const entry = raw as Record<string, unknown> | null;
    if (typeof entry !== "object" || entry === null || typeof entry.name !== "string") {
      throw new FormatError("entry needs a string name", { file, field: `${field}.name` });
    }
    return {
      name: entry.name,
      sourcePath: optionalString(entry.sourcePath, file, `${field}.sourcePath`) ?? "",
      family: optionalString(entry.family, file, `${field}.family`),
      notes: optionalString(entry.notes, file, `${field}.notes`),
      createdAt: optionalString(entry.createdAt, file, `${field}.createdAt`) ?? new Date().toISOString(),
      fingerprint: parseFingerprint(entry.fingerprint, `${file} (${field})`),
    };
  });
}
