/**
 * Positional row reads, coalesced: the rows a caller wants (any order, repeats allowed) are sorted,
 * nearby rows are merged into one byte range, each range is read once and the wanted rows are decoded
 * straight into their places in the output. Stores supply the geometry (bytes per stored row), a
 * reader of a range of rows and a decoder; this file holds the planning shared by every store.
 *
 * Why coalesce: a read costs a fixed overhead (a syscall and a page-cache copy locally; a round trip
 * over HTTP) plus its bytes. Reading a small gap between two wanted rows is cheaper than a second
 * request once the gap costs less than the overhead: locally that is tens of KiB, remotely megabytes.
 */

/** Gap (bytes between two wanted rows) that one read may span, for a local file: a pread costs
 * ~5–10 µs, in which a page-cache copy moves ~50 KB, so gaps up to 64 KiB are cheaper read than skipped. */
export const LOCAL_ROW_GAP_BYTES = 64 * 1024;

/** Largest range read at once when coalescing (a single row longer than this is still one read): bounds
 * the memory a sampled read takes whatever the tensor's size. */
export const MAX_COALESCED_READ_BYTES = 16 * 1024 * 1024;

/** Bytes of runs requested ahead of the one being decoded: a remote source answers the reads issued
 * together in few merged, concurrent requests (one round trip instead of one per run), and a local
 * file keeps the thread pool busy; the cap bounds the memory a sampled read holds. */
export const MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

export interface CoalesceOptions {
  /** Bytes of unwanted rows one read may span between two wanted rows (default LOCAL_ROW_GAP_BYTES). */
  gapBytes?: number;
  /** Cap on one merged read (default MAX_COALESCED_READ_BYTES). */
  maxReadBytes?: number;
}

/** A byte range of consecutive stored rows, `[first, end)`, read in one request. */
export interface RowRun {
  first: number;
  end: number;
}

/**
 * Merge sorted, distinct row indices into runs of consecutive rows: a row joins the current run when
 * the rows skipped in between take at most `gapBytes` and the run stays within `maxReadBytes`.
 */
export function planRowRuns(
  sortedRows: ArrayLike<number>,
  rowBytes: number,
  options: CoalesceOptions = {},
): RowRun[] {
  const gapRows = Math.floor((options.gapBytes ?? LOCAL_ROW_GAP_BYTES) / Math.max(1, rowBytes));
  const maxRows = Math.max(
    1,
    Math.floor((options.maxReadBytes ?? MAX_COALESCED_READ_BYTES) / Math.max(1, rowBytes)),
  );
  const runs: RowRun[] = [];
  let current: RowRun | undefined;
  for (let i = 0; i < sortedRows.length; i++) {
    const row = sortedRows[i]!;
    if (current !== undefined && row - current.end <= gapRows && row + 1 - current.first <= maxRows) {
      current.end = row + 1;
    } else {
      current = { first: row, end: row + 1 };
      runs.push(current);
    }
  }
  return runs;
}

/**
 * Reads `rows` of a stored matrix and returns them decoded, concatenated in the order given:
 * Float32Array [rows.length × rowValues].
 *
 * - `readRun(first, end)` returns whatever the decoder needs for stored rows [first, end) (their bytes,
 *   and scales for formats that keep them elsewhere); it is called once per coalesced run, in file order,
 *   several runs ahead of the decoding (up to MAX_IN_FLIGHT_BYTES) so their reads overlap.
 * - `decode(run, first, run.first, count, out)` decodes `count` consecutive stored rows starting at
 *   stored row `first` from the run read for rows starting at `runFirst`, into `out`
 *   ([count × rowValues]).
 * Each distinct row is decoded once; consecutive rows wanted at consecutive output places are decoded
 * in one call; repeats are copied.
 */
export async function readRowsCoalesced<R>(
  rows: readonly number[],
  rowValues: number,
  rowBytes: number,
  readRun: (first: number, end: number) => Promise<R>,
  decode: (run: R, runFirst: number, first: number, count: number, out: Float32Array) => void,
  options: CoalesceOptions = {},
): Promise<Float32Array> {
  const out = new Float32Array(rows.length * rowValues);
  if (rows.length === 0) return out;
  // Output places sorted by stored row (then by place, so the first place of a row comes first).
  const order = Array.from(rows.keys()).sort((a, b) => rows[a]! - rows[b]! || a - b);
  const distinct: number[] = [];
  const place: number[] = [];
  const repeats: Array<[from: number, to: number]> = [];
  for (const i of order) {
    const row = rows[i]!;
    if (distinct.length > 0 && distinct[distinct.length - 1] === row)
      repeats.push([place[place.length - 1]!, i]);
    else {
      distinct.push(row);
      place.push(i);
    }
  }
  let k = 0;
  const runs = planRowRuns(distinct, rowBytes, options);
  // Reads are issued ahead, in file order, up to MAX_IN_FLIGHT_BYTES beyond the run being decoded.
  const inFlight: (Promise<R> | undefined)[] = [];
  let issued = 0;
  let aheadBytes = 0;
  for (let r = 0; r < runs.length; r++) {
    while (issued < runs.length && (issued === r || aheadBytes < MAX_IN_FLIGHT_BYTES)) {
      const next = runs[issued++]!;
      const pending = readRun(next.first, next.end);
      pending.catch(() => undefined); // awaited below, in order; a failure surfaces there
      inFlight.push(pending);
      aheadBytes += (next.end - next.first) * rowBytes;
    }
    const run = runs[r]!;
    const data = await inFlight[r]!;
    aheadBytes -= (run.end - run.first) * rowBytes;
    inFlight[r] = undefined; // let the bytes go once decoded
    while (k < distinct.length && distinct[k]! < run.end) {
      // A segment: rows consecutive in the file and wanted at consecutive output places.
      let n = 1;
      while (
        k + n < distinct.length &&
        distinct[k + n] === distinct[k]! + n &&
        distinct[k + n]! < run.end &&
        place[k + n] === place[k]! + n
      ) {
        n++;
      }
      const at = place[k]! * rowValues;
      decode(data, run.first, distinct[k]!, n, out.subarray(at, at + n * rowValues));
      k += n;
    }
  }
  for (const [from, to] of repeats) out.copyWithin(to * rowValues, from * rowValues, (from + 1) * rowValues);
  return out;
}
