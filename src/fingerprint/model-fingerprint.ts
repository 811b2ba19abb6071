/**
 * The per-model fingerprint: what one model contributes to the comparison, computed in one streaming
 * pass over sampled rows (`build.ts`), stored by the library and matched with the same index test
 * `compare` runs (`match.ts`). JSON-serialisable and versioned.
 *
 * - `anchors`: the model's anchor tokens, by content key (`anchors.ts`: a fixed order of common strings,
 *   then every other token by a hash of its content), or by token id when the model has no readable
 *   vocabulary (`#12`). Two fingerprints are compared on the anchors both hold.
 * - `sets`: the unit sets (`units.ts`) at their deterministic sampled indices: the residual stream
 *   (embedding columns over the anchors) and, per layer, MLP neurons (or a few experts) and KV groups,
 *   each unit described by its signatures over the anchors (basis-free: unchanged by any permutation,
 *   sign flip or rotation of the residual stream). Rows are stored as int8 with a scale per row.
 *
 * Version 1 (per-layer HuRef-style invariant matrices and a permutation null) is not read: its test was
 * not the one `compare` runs. Re-add such models.
 */
import type { ArchitectureSummary } from "../architecture/summary.js";
import { FormatError } from "../errors.js";
import type { TokenConvention } from "../tokenizers/vocabulary.js";
import type { UnitKind, UnitSet } from "./units.js";

export const FINGERPRINT_FORMAT = "lineage-fingerprint";
export const FINGERPRINT_VERSION = 2;

/** Note on a fingerprint of a suspect read as transposed storage (see `suspectReadings`). */
export const TRANSPOSED_READING_NOTE = "matrices read as transposed storage";

export interface TokenizerSummary {
  size: number;
  convention: TokenConvention;
  model: string;
  /** sha256 over the sorted token strings (the token SET: survives renumbering). */
  tokenSetHash: string;
  /** sha256 over the token strings in id order (the exact vocabulary). */
  tokenListHash: string;
}

/** Rows of float features as int8, each row with its own scale (value = code × scale). */
export interface EncodedRows {
  encoding: "i8";
  rows: number;
  cols: number;
  scales: number[];
  /** Base64 of rows × cols signed bytes. */
  data: string;
}

export interface StoredUnitSet {
  id: string;
  kind: UnitKind;
  layer: number | null;
  expert: number | null;
  population: number;
  indices: number[];
  basis: "signature" | "stored";
  geometry?: string;
  parts: { name: string; values: EncodedRows }[];
}

export interface ModelFingerprint {
  format: typeof FINGERPRINT_FORMAT;
  version: typeof FINGERPRINT_VERSION;
  createdAt: string;
  source: { path: string; format: string };
  architecture: ArchitectureSummary;
  tokenizer: TokenizerSummary | null;
  anchors: { method: "token strings" | "token ids"; keys: string[] };
  sets: StoredUnitSet[];
  /** What could not be computed and why. */
  notes: string[];
}

/** Hostile-input caps for a stored fingerprint (what we write stays far below them). */
export const MAX_ANCHORS = 1024;
export const MAX_SETS = 20_000;
export const MAX_UNITS = 4096;
export const MAX_PARTS = 256;

export function encodeRows(values: Float32Array, rows: number, cols: number): EncodedRows {
  const codes = new Int8Array(rows * cols);
  const scales: number[] = [];
  for (let i = 0; i < rows; i++) {
    let max = 0;
    for (let t = 0; t < cols; t++) max = Math.max(max, Math.abs(values[i * cols + t]!));
    const scale = max === 0 ? 0 : max / 127;
    scales.push(Math.fround(scale));
    for (let t = 0; t < cols; t++)
      codes[i * cols + t] = scale === 0 ? 0 : Math.round(values[i * cols + t]! / scale);
  }
  return { encoding: "i8", rows, cols, scales, data: Buffer.from(codes.buffer).toString("base64") };
}

export function decodeRows(encoded: EncodedRows): Float32Array {
  const bytes = Buffer.from(encoded.data, "base64");
  const codes = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float32Array(encoded.rows * encoded.cols);
  for (let i = 0; i < encoded.rows; i++) {
    const scale = encoded.scales[i]!;
    for (let t = 0; t < encoded.cols; t++) out[i * encoded.cols + t] = codes[i * encoded.cols + t]! * scale;
  }
  return out;
}

export function storeSet(set: UnitSet): StoredUnitSet {
  return {
    id: set.id,
    kind: set.kind,
    layer: set.layer ?? null,
    expert: set.expert ?? null,
    population: set.population,
    indices: set.indices,
    basis: set.basis,
    ...(set.geometry === undefined ? {} : { geometry: set.geometry }),
    parts: set.parts.map((p) => ({
      name: p.name,
      values: encodeRows(p.features, set.indices.length, set.width),
    })),
  };
}

export function loadSet(stored: StoredUnitSet): UnitSet {
  return {
    id: stored.id,
    kind: stored.kind,
    layer: stored.layer ?? undefined,
    expert: stored.expert ?? undefined,
    population: stored.population,
    indices: stored.indices,
    width: stored.parts[0]?.values.cols ?? 0,
    basis: stored.basis,
    ...(stored.geometry === undefined ? {} : { geometry: stored.geometry }),
    parts: stored.parts.map((p) => ({ name: p.name, features: decodeRows(p.values) })),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isCount = (value: unknown, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max;

function checkRows(value: unknown, field: string, rows: number, file: string | undefined): number {
  if (
    !isRecord(value) ||
    value.encoding !== "i8" ||
    value.rows !== rows ||
    !isCount(value.cols, MAX_ANCHORS) ||
    !Array.isArray(value.scales) ||
    value.scales.length !== rows ||
    !value.scales.every((s) => typeof s === "number" && Number.isFinite(s) && s >= 0) ||
    typeof value.data !== "string" ||
    // Base64 of rows × cols bytes: checked here so a damaged document fails when read, not when matched.
    value.data.length !== 4 * Math.ceil((rows * value.cols) / 3)
  ) {
    throw new FormatError(`expected ${rows} int8 rows with their scales`, { file, field });
  }
  return value.cols;
}

function checkSet(value: unknown, at: number, anchors: number, file: string | undefined): void {
  const field = `sets[${at}]`;
  if (
    !isRecord(value) ||
    typeof value.id !== "string" ||
    !["residual", "mlp", "attention"].includes(value.kind as string) ||
    !(value.layer === null || isCount(value.layer, 1 << 20)) ||
    !(value.expert === null || isCount(value.expert, 1 << 20)) ||
    !isCount(value.population, 1 << 30) ||
    !Array.isArray(value.indices) ||
    value.indices.length > MAX_UNITS ||
    !value.indices.every(
      (i, k, all) => isCount(i, 1 << 30) && i < (value.population as number) && (k === 0 || i > all[k - 1]),
    ) ||
    (value.basis !== "signature" && value.basis !== "stored") ||
    !Array.isArray(value.parts) ||
    value.parts.length === 0 ||
    value.parts.length > MAX_PARTS
  ) {
    throw new FormatError(
      "not a unit set (id, kind, layer, expert, population, ascending indices, basis, parts)",
      {
        file,
        field,
      },
    );
  }
  const rows = value.indices.length;
  let width: number | undefined;
  value.parts.forEach((part: unknown, p: number) => {
    if (!isRecord(part) || typeof part.name !== "string")
      throw new FormatError("a part needs a name", { file, field: `${field}.parts[${p}]` });
    const cols = checkRows(part.values, `${field}.parts[${p}].values`, rows, file);
    if ((width !== undefined && cols !== width) || (value.basis === "signature" && cols !== anchors))
      throw new FormatError("parts of a set must share one width (the anchor count for signatures)", {
        file,
        field: `${field}.parts[${p}]`,
      });
    width = cols;
  });
}

/**
 * Check that `value` (parsed JSON) is a fingerprint this version can read, and return it typed.
 * Throws FormatError naming the field that is wrong.
 */
export function parseFingerprint(value: unknown, file?: string): ModelFingerprint {
  if (!isRecord(value) || value.format !== FINGERPRINT_FORMAT) {
    throw new FormatError(`not a lineage fingerprint (format must be "${FINGERPRINT_FORMAT}")`, {
      file,
      field: "format",
    });
  }
  if (value.version !== FINGERPRINT_VERSION) {
    throw new FormatError(
      `fingerprint version ${String(value.version)} is not supported (this lineage reads version ${FINGERPRINT_VERSION}; add the model again)`,
      { file, field: "version" },
    );
  }
  const anchors = value.anchors;
  if (
    !isRecord(anchors) ||
    (anchors.method !== "token strings" && anchors.method !== "token ids") ||
    !Array.isArray(anchors.keys) ||
    anchors.keys.length > MAX_ANCHORS ||
    !anchors.keys.every((k) => typeof k === "string")
  ) {
    throw new FormatError(`anchors must be a method and at most ${MAX_ANCHORS} keys`, {
      file,
      field: "anchors",
    });
  }
  if (!Array.isArray(value.sets) || value.sets.length > MAX_SETS) {
    throw new FormatError(`sets must be an array of at most ${MAX_SETS}`, { file, field: "sets" });
  }
  const anchorCount = (anchors.keys as string[]).length;
  value.sets.forEach((set: unknown, i: number) => {
    checkSet(set, i, anchorCount, file);
  });
  if (!isRecord(value.architecture) || !isRecord(value.source)) {
    throw new FormatError("architecture and source must be objects", { file, field: "architecture" });
  }
  if (!Array.isArray(value.notes)) throw new FormatError("notes must be an array", { file, field: "notes" });
  return value as unknown as ModelFingerprint;
}
