/**
 * A synthetic fingerprint library for `library match` at scale: `size` entries made from one real
 * exported fingerprint by shuffling, per entry, every numeric array and the elements of every encoded
 * blob (`{ encoding, data: base64 }`), so each entry has a real fingerprint's size, layout and value
 * distribution but no relation to any model (a shuffle breaks every correspondence between anchors,
 * layers and units; sample indices are kept, see KEPT_ARRAYS). Works on whatever the fingerprint
 * version holds; written straight into SQLite (an export file of 10,000 fingerprints would exceed the
 * import size cap).
 */
import { statSync } from "node:fs";
import { parseExport } from "../../src/library/exchange.js";
import { FingerprintLibrary, type NewEntry } from "../../src/library/library.js";
import { createRandom, type Random } from "../../src/transform/random.js";

/** Bytes per element of an encoded blob, by its `encoding` field (unknown encodings: bytes). */
const ELEMENT_BYTES: Record<string, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  f16: 2,
  bf16: 2,
  f32: 4,
  i32: 4,
};

function shuffleBlob(base64: string, size: number, random: Random): string {
  const bytes = Buffer.from(base64, "base64");
  const count = Math.floor(bytes.length / size);
  const out = Buffer.from(bytes);
  const perm = random.permutation(count);
  if (size === 1) for (let i = 0; i < count; i++) out[i] = bytes[perm[i]!]!;
  else for (let i = 0; i < count; i++) bytes.copy(out, i * size, perm[i]! * size, (perm[i]! + 1) * size);
  return out.toString("base64");
}

/** Numeric arrays kept as they are: a unit set's sample `indices` are chosen before any value is
 * looked at (the same for every model of a population size) and must stay ascending, or the library
 * refuses the entry ("not a unit set"). */
const KEPT_ARRAYS = new Set(["indices"]);

function scramble(value: unknown, random: Random, key?: string): unknown {
  if (key !== undefined && KEPT_ARRAYS.has(key)) return value;
  if (Array.isArray(value)) {
    if (value.length > 1 && value.every((v) => typeof v === "number" || v === null)) {
      const perm = random.permutation(value.length);
      return Array.from(perm, (i) => value[i]);
    }
    return value.map((v) => scramble(v, random));
  }
  if (value !== null && typeof value === "object") {
    const object = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(object)) out[key] = scramble(v, random, key);
    if (typeof object.encoding === "string" && typeof object.data === "string") {
      out.data = shuffleBlob(object.data, ELEMENT_BYTES[object.encoding] ?? 1, random);
    }
    return out;
  }
  return value;
}

/**
 * Fills the library at `file` with `size` − 1 scrambled copies of the one fingerprint in `exported`
 * (an export document) plus that one, in transactions of `batch` entries (so memory stays at one
 * batch however large the library). Returns the library file's size in bytes.
 */
export function synthesizeLibrary(
  exported: { entries: Array<Record<string, unknown>> },
  exportPath: string,
  file: string,
  size: number,
  batch = 200,
): number {
  const [real] = parseExport(exported, exportPath);
  if (real === undefined) throw new Error("the export holds no fingerprint to build the library from");
  const library = FingerprintLibrary.open(file);
  try {
    library.addMany([real], { replace: true });
    for (let start = 1; start < size; start += batch) {
      const entries: NewEntry[] = [];
      for (let i = start; i < Math.min(size, start + batch); i++) {
        entries.push({
          ...real,
          name: `synthetic-${String(i).padStart(5, "0")}`,
          fingerprint: scramble(real.fingerprint, createRandom(i)) as NewEntry["fingerprint"],
        });
      }
      library.addMany(entries, { replace: true });
    }
  } finally {
    library.close();
  }
  return statSync(file).size;
}
