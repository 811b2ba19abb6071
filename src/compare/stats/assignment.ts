/**
 * Linear assignment (minimum-cost matching) by the shortest-augmenting-path Hungarian method with
 * potentials, O(n²m) on a dense Float64Array cost matrix. Rectangular: rows ≤ columns is required;
 * transpose the problem otherwise.
 */

/** `rowToColumn[i]` = the column assigned to row i, minimising Σ cost[i][col]. */
export function solveAssignment(cost: Float64Array, rows: number, columns: number): Int32Array {
  if (rows > columns) throw new RangeError("solveAssignment needs rows ≤ columns");
  if (cost.length !== rows * columns) throw new RangeError("cost matrix size does not match its shape");
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(columns + 1);
  const owner = new Int32Array(columns + 1); // owner[j] = row (1-based) assigned to column j, 0 = none
  const way = new Int32Array(columns + 1);
  const minToColumn = new Float64Array(columns + 1);
  const used = new Uint8Array(columns + 1);
  for (let i = 1; i <= rows; i++) {
    owner[0] = i;
    let j0 = 0;
    minToColumn.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = owner[j0]!;
      let delta = Number.POSITIVE_INFINITY;
      let j1 = 0;
      const base = (i0 - 1) * columns;
      for (let j = 1; j <= columns; j++) {
        if (used[j]) continue;
        const reduced = cost[base + j - 1]! - u[i0]! - v[j]!;
        if (reduced < minToColumn[j]!) {
          minToColumn[j] = reduced;
          way[j] = j0;
        }
        if (minToColumn[j]! < delta) {
          delta = minToColumn[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= columns; j++) {
        if (used[j]) {
          u[owner[j]!] = u[owner[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minToColumn[j] = minToColumn[j]! - delta;
        }
      }
      j0 = j1;
    } while (owner[j0] !== 0);
    do {
      const j1 = way[j0]!;
      owner[j0] = owner[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToColumn = new Int32Array(rows).fill(-1);
  for (let j = 1; j <= columns; j++) if (owner[j]! > 0) rowToColumn[owner[j]! - 1] = j - 1;
  return rowToColumn;
}
