/**
 * Layout transforms from stored to canonical layout, applied to float32 data.
 *
 * Every transform sees the tensor as a matrix: rows = product of all dimensions but the last, columns =
 * the last dimension (a 1-D tensor is a column: n rows of 1). So a stacked 3-D expert tensor
 * [experts, rows, cols] is sliced per expert with `slice-rows`, and a bias is sliced like its weight.
 */
import { FormatError } from "../errors.js";
import type { LayoutTransform } from "./canonical-model.js";

interface Matrix {
  rows: number;
  cols: number;
  /** True when the tensor is 1-D (kept 1-D through row slices). */
  vector: boolean;
}

function asMatrix(shape: readonly number[]): Matrix {
  if (shape.length === 0) return { rows: 1, cols: 1, vector: true };
  if (shape.length === 1) return { rows: shape[0]!, cols: 1, vector: true };
  const cols = shape[shape.length - 1]!;
  let rows = 1;
  for (const dim of shape.slice(0, -1)) rows *= dim;
  return { rows, cols, vector: false };
}

function invalid(message: string): never {
  throw new FormatError(`cannot apply layout transform: ${message}`);
}

/** Rows of one part of one head in an interleaved layout, checking that the rows divide evenly. */
function rowsPerPart(rows: number, heads: number, parts: number): number {
  if (heads <= 0 || parts <= 0 || rows % (heads * parts) !== 0) {
    invalid(`${rows} rows do not split into ${heads} heads × ${parts} parts`);
  }
  return rows / (heads * parts);
}

function step(matrix: Matrix, transform: LayoutTransform): Matrix {
  switch (transform.kind) {
    case "transpose":
      if (matrix.vector) invalid("transpose of a 1-D tensor");
      return { rows: matrix.cols, cols: matrix.rows, vector: false };
    case "slice-rows":
      if (transform.start < 0 || transform.count < 0 || transform.start + transform.count > matrix.rows) {
        invalid(`rows ${transform.start}+${transform.count} outside ${matrix.rows} rows`);
      }
      return { ...matrix, rows: transform.count };
    case "slice-rows-interleaved": {
      const per = rowsPerPart(matrix.rows, transform.heads, transform.parts);
      const count = transform.partCount ?? 1;
      if (transform.part < 0 || count < 1 || transform.part + count > transform.parts) {
        invalid(`parts ${transform.part}+${count} outside ${transform.parts} parts`);
      }
      return { ...matrix, rows: transform.heads * count * per };
    }
    case "unpermute-rope":
      rowsPerPart(matrix.rows, transform.heads, 2);
      return matrix;
    case "add":
      if (!Number.isFinite(transform.value)) invalid(`add ${transform.value}`);
      return matrix;
  }
}

/** `data` + `value`, element by element, in float32 (a fresh array). */
export function addConstant(data: Float32Array, value: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! + value;
  return out;
}

/**
 * Apply the value-only transforms (`add`) of `transforms` to rows already taken from the stored
 * tensor: row reads map rows through the layout transforms, and this finishes the values.
 */
export function applyValueTransforms(
  data: Float32Array,
  transforms: readonly LayoutTransform[],
): Float32Array {
  for (const transform of transforms) if (transform.kind === "add") data = addConstant(data, transform.value);
  return data;
}

/** The shape a stored tensor of `shape` has after `transforms` (throws when they do not fit). */
export function transformedShape(shape: readonly number[], transforms: readonly LayoutTransform[]): number[] {
  if (transforms.length === 0) return [...shape];
  let matrix = asMatrix(shape);
  for (const transform of transforms) matrix = step(matrix, transform);
  return matrix.vector ? [matrix.rows] : [matrix.rows, matrix.cols];
}

/** [rows, cols] → [cols, rows]. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c]!;
  }
  return out;
}

/** Rows `start … start + count - 1` of a [rows, cols] matrix. */
export function sliceRows(data: Float32Array, cols: number, start: number, count: number): Float32Array {
  return data.slice(start * cols, (start + count) * cols);
}

/** Rows viewed as (heads, parts, per, cols): keep parts `part … part + partCount - 1` of every head. */
export function sliceRowsInterleaved(
  data: Float32Array,
  rows: number,
  cols: number,
  heads: number,
  part: number,
  parts: number,
  partCount = 1,
): Float32Array {
  const per = rowsPerPart(rows, heads, parts);
  const block = per * cols;
  const keep = partCount * block;
  const out = new Float32Array(heads * keep);
  for (let h = 0; h < heads; h++) {
    const from = (h * parts + part) * block;
    out.set(data.subarray(from, from + keep), h * keep);
  }
  return out;
}

/**
 * Meta / llama.cpp rotary row order → Hugging Face order. Meta keeps the two halves of each rotary pair
 * in adjacent rows (row 2k and 2k+1 of a head); HF puts all first halves, then all second halves.
 * Rows viewed as (heads, half, 2, cols) are transposed to (heads, 2, half, cols).
 */
export function unpermuteRope(data: Float32Array, rows: number, cols: number, heads: number): Float32Array {
  return ropeReorder(data, rows, cols, heads, true);
}

/** Hugging Face rotary row order → Meta / llama.cpp order (the inverse of `unpermuteRope`). */
export function permuteRope(data: Float32Array, rows: number, cols: number, heads: number): Float32Array {
  return ropeReorder(data, rows, cols, heads, false);
}

function ropeReorder(
  data: Float32Array,
  rows: number,
  cols: number,
  heads: number,
  toHf: boolean,
): Float32Array {
  const half = rowsPerPart(rows, heads, 2);
  const out = new Float32Array(rows * cols);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < half; i++) {
      for (let pair = 0; pair < 2; pair++) {
        const meta = h * 2 * half + i * 2 + pair;
        const hf = h * 2 * half + pair * half + i;
        const [from, to] = toHf ? [meta, hf] : [hf, meta];
        out.set(data.subarray(from * cols, (from + 1) * cols), to * cols);
      }
    }
  }
  return out;
}

/** Apply `transforms` in order to `data` stored with `shape`; returns data in the transformed layout. */
export function applyTransforms(
  data: Float32Array,
  shape: readonly number[],
  transforms: readonly LayoutTransform[],
): Float32Array {
  let matrix = asMatrix(shape);
  if (data.length !== matrix.rows * matrix.cols) {
    invalid(`${data.length} values do not fill shape [${shape.join(", ")}]`);
  }
  for (const transform of transforms) {
    const next = step(matrix, transform);
    switch (transform.kind) {
      case "transpose":
        data = transpose(data, matrix.rows, matrix.cols);
        break;
      case "slice-rows":
        data = sliceRows(data, matrix.cols, transform.start, transform.count);
        break;
      case "slice-rows-interleaved":
        data = sliceRowsInterleaved(
          data,
          matrix.rows,
          matrix.cols,
          transform.heads,
          transform.part,
          transform.parts,
          transform.partCount,
        );
        break;
      case "unpermute-rope":
        data = unpermuteRope(data, matrix.rows, matrix.cols, transform.heads);
        break;
      case "add":
        data = addConstant(data, transform.value);
        break;
    }
    matrix = next;
  }
  return data;
}

/**
 * The stored rows that `rows` of the transformed matrix come from (the matrix view of `shape`, see
 * `applyTransforms`; value-only transforms are finished by `applyValueTransforms`), or undefined when a transform mixes rows and columns (a transpose), so that rows
 * cannot be read on their own. Throws when a row lies outside the transformed matrix.
 */
export function storedRows(
  shape: readonly number[],
  transforms: readonly LayoutTransform[],
  rows: readonly number[],
): number[] | undefined {
  const matrices = [asMatrix(shape)];
  for (const transform of transforms) {
    if (transform.kind === "transpose") return undefined;
    matrices.push(step(matrices[matrices.length - 1]!, transform));
  }
  const last = matrices[matrices.length - 1]!;
  for (const row of rows) {
    if (!Number.isInteger(row) || row < 0 || row >= last.rows)
      invalid(`row ${row} outside ${last.rows} rows`);
  }
  let mapped = [...rows];
  for (let t = transforms.length - 1; t >= 0; t--) {
    const transform = transforms[t]!;
    const input = matrices[t]!;
    switch (transform.kind) {
      case "transpose":
        return undefined;
      case "slice-rows":
        mapped = mapped.map((row) => transform.start + row);
        break;
      case "slice-rows-interleaved": {
        const per = rowsPerPart(input.rows, transform.heads, transform.parts);
        const kept = (transform.partCount ?? 1) * per;
        mapped = mapped.map(
          (row) => (Math.floor(row / kept) * transform.parts + transform.part) * per + (row % kept),
        );
        break;
      }
      case "add":
        break;
      case "unpermute-rope": {
        const half = rowsPerPart(input.rows, transform.heads, 2);
        mapped = mapped.map((row) => {
          const head = Math.floor(row / (2 * half));
          const within = row % (2 * half);
          return head * 2 * half + (within % half) * 2 + Math.floor(within / half);
        });
        break;
      }
    }
  }
  return mapped;
}
