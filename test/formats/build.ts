/** Helpers for formats tests: temp folders and small checkpoints built byte by byte. */

import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FormatError, InputNotFoundError, LineageError } from "../../src/errors.js";
import { encodeSafetensors } from "../../src/formats/safetensors/writer.js";

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "lineage-formats-"));
}

/** A small F32 safetensors file with the given tensors (values 0, 1, 2, … offset by `start`). */
export function f32Safetensors(tensors: Record<string, number[]>, start = 0): Uint8Array {
  let next = start;
  return encodeSafetensors(
    Object.entries(tensors).map(([name, shape]) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: count }, () => next++);
      return { name, dtype: "F32" as const, shape, data: new Uint8Array(values.buffer) };
    }),
  );
}

export async function writeBytes(path: string, bytes: Uint8Array | string): Promise<string> {
  await writeFile(path, bytes);
  return path;
}

/** Assert a promise rejects with `kind`, naming `file` (when given) and a field matching `field`. */
export async function rejectsWith(
  promise: Promise<unknown>,
  kind: typeof FormatError | typeof InputNotFoundError,
  expected: { file?: string; field?: string | RegExp; message?: RegExp },
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    const lineage = error as LineageError;
    if (expected.file !== undefined) assert.equal(lineage.file, expected.file);
    if (typeof expected.field === "string") assert.equal(lineage.field, expected.field);
    if (expected.field instanceof RegExp) assert.match(lineage.field ?? "", expected.field);
    if (expected.message !== undefined) assert.match(lineage.message, expected.message);
    return true;
  });
}
