/** Dense row-major float64 matrices: just what alignment needs. */
export interface Matrix {
  rows: number;
  columns: number;
  data: Float64Array;
}

export function matrix(rows: number, columns: number, data?: ArrayLike<number>): Matrix {
  const values = new Float64Array(rows * columns);
  if (data !== undefined) values.set(data);
  return { rows, columns, data: values };
}

/** Aᵀ B (A is n×p, B is n×q → p×q). */
export function transposeTimes(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new RangeError("transposeTimes: row counts differ");
  const out = matrix(a.columns, b.columns);
  for (let r = 0; r < a.rows; r++) {
    const ar = r * a.columns;
    const br = r * b.columns;
    for (let i = 0; i < a.columns; i++) {
      const value = a.data[ar + i]!;
      if (value === 0) continue;
      const oi = i * b.columns;
      for (let j = 0; j < b.columns; j++) out.data[oi + j] = out.data[oi + j]! + value * b.data[br + j]!;
    }
  }
  return out;
}

/** A B (A is n×p, B is p×q). */
export function times(a: Matrix, b: Matrix): Matrix {
  if (a.columns !== b.rows) throw new RangeError("times: inner dimensions differ");
  const out = matrix(a.rows, b.columns);
  for (let i = 0; i < a.rows; i++) {
    const oi = i * b.columns;
    for (let k = 0; k < a.columns; k++) {
      const value = a.data[i * a.columns + k]!;
      if (value === 0) continue;
      const bk = k * b.columns;
      for (let j = 0; j < b.columns; j++) out.data[oi + j] = out.data[oi + j]! + value * b.data[bk + j]!;
    }
  }
  return out;
}

export function transpose(a: Matrix): Matrix {
  const out = matrix(a.columns, a.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.columns; j++) out.data[j * a.rows + i] = a.data[i * a.columns + j]!;
  return out;
}

/** Subtract each column's mean. */
export function centreColumns(a: Matrix): Matrix {
  const out = matrix(a.rows, a.columns, a.data);
  for (let j = 0; j < a.columns; j++) {
    let mean = 0;
    for (let i = 0; i < a.rows; i++) mean += a.data[i * a.columns + j]!;
    mean /= a.rows || 1;
    for (let i = 0; i < a.rows; i++) out.data[i * a.columns + j] = out.data[i * a.columns + j]! - mean;
  }
  return out;
}

export function frobenius(data: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i]! * data[i]!;
  return Math.sqrt(sum);
}
