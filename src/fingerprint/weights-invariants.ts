/**
 * The basis-free matrices of one layer, computed from canonical weights and the anchor rows.
 * Every product keeps the anchor side small (k ≤ 128 rows), so the cost is ~2k flops per weight.
 */
import { multiply, multiplyTransposed, symmetricUpper } from "./weights-linalg.js";

/** A row-major weight matrix with its shape. */
export interface Weight {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Repeat each group of `headDim` columns so that `[k × kvHeads·headDim]` becomes `[k × kvHeads·groups·headDim]`,
 * query head h reading key/value head ⌊h / groups⌋ (grouped-query attention).
 */
export function expandHeads(
  matrix: Float32Array,
  k: number,
  cols: number,
  headDim: number,
  groups: number,
): Float32Array {
  if (groups === 1) return matrix;
  const kvHeads = cols / headDim;
  const outCols = cols * groups;
  const out = new Float32Array(k * outCols);
  for (let i = 0; i < k; i++) {
    for (let h = 0; h < kvHeads * groups; h++) {
      const from = i * cols + Math.floor(h / groups) * headDim;
      out.set(matrix.subarray(from, from + headDim), i * outCols + h * headDim);
    }
  }
  return out;
}

/** Grouping of key/value heads behind query heads, or undefined when it cannot be worked out. */
export function headGroups(
  queryRows: number,
  kvRows: number,
  headDim: number | undefined,
): { headDim: number; groups: number } | undefined {
  if (queryRows === kvRows) return { headDim: queryRows, groups: 1 };
  if (headDim === undefined || headDim <= 0 || kvRows % headDim !== 0 || queryRows % kvRows !== 0)
    return undefined;
  return { headDim, groups: queryRows / kvRows };
}

/**
 * HuRef's attention invariant X Wqᵀ Wk Xᵀ summed over heads (the bilinear form attention scores use),
 * as the upper triangle of its symmetric part. `x` [k × hidden] already carries the norm weight.
 */
export function queryKeyInvariant(
  x: Float32Array,
  k: number,
  hidden: number,
  q: Weight,
  key: Weight,
  headDim: number | undefined,
): Float64Array | undefined {
  const grouping = headGroups(q.rows, key.rows, headDim);
  if (grouping === undefined || q.cols !== hidden || key.cols !== hidden) return undefined;
  const queries = multiplyTransposed(x, k, hidden, q.data, q.rows);
  const keys = expandHeads(
    multiplyTransposed(x, k, hidden, key.data, key.rows),
    k,
    key.rows,
    grouping.headDim,
    grouping.groups,
  );
  return symmetricUpper(multiplyTransposed(queries, k, q.rows, keys, k), k);
}

/**
 * The OV circuit read back on the anchors: anchor j's value through Wo, dotted with anchor i's row.
 * `x` carries the norm weight (input side); `readout` is the plain unit rows (residual side).
 */
export function valueOutputInvariant(
  x: Float32Array,
  readout: Float32Array,
  k: number,
  hidden: number,
  v: Weight,
  o: Weight,
  headDim: number | undefined,
): Float64Array | undefined {
  const grouping = headGroups(o.cols, v.rows, headDim);
  if (grouping === undefined || v.cols !== hidden || o.rows !== hidden) return undefined;
  const values = expandHeads(
    multiplyTransposed(x, k, hidden, v.data, v.rows),
    k,
    v.rows,
    grouping.headDim,
    grouping.groups,
  );
  const outputs = multiplyTransposed(values, k, o.cols, o.data, hidden);
  return symmetricUpper(multiplyTransposed(outputs, k, hidden, readout, k), k);
}

/**
 * The MLP with its nonlinearity removed, X Wupᵀ Wdownᵀ Xᵀ: unchanged by permuting, flipping or
 * rescaling (c on up, 1/c on down) hidden neurons. Returns the full k × k matrix so experts can be summed.
 */
export function mlpInvariantMatrix(
  x: Float32Array,
  readout: Float32Array,
  k: number,
  hidden: number,
  up: Weight,
  down: Weight,
): Float32Array | undefined {
  if (up.cols !== hidden || down.rows !== hidden || down.cols !== up.rows) return undefined;
  const lifted = multiplyTransposed(x, k, hidden, up.data, up.rows);
  const readBack = multiply(readout, k, hidden, down.data, down.cols);
  return multiplyTransposed(lifted, k, up.rows, readBack, k);
}
