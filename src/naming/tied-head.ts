/**
 * Whether a stored LM head holds the embedding's values: a config may say "tied" beside a stored
 * `lm_head.weight` that differs (what is stored is what runs), or say "not tied" beside an exact copy.
 * Decided on sampled rows, so a 150k-row vocabulary costs a few row reads, not two whole tensors.
 */
import type { CanonicalModel } from "./canonical-model.js";

/** Rows compared: spread over the vocabulary, first and last included. */
export const TIED_HEAD_SAMPLE_ROWS = 32;

export type StoredHead =
  /** No separate head is stored (the embedding is the head), or there is no embedding to compare. */
  | { kind: "none" }
  /** A head is stored with other dimensions than the embedding. */
  | { kind: "other-shape" }
  /** Every sampled row equals the embedding's bit for bit. */
  | { kind: "equal"; rows: number }
  /** Some sampled rows differ; `maxDifference` is the largest |head − embedding| seen. */
  | { kind: "differs"; rows: number; differingRows: number; maxDifference: number };

export async function compareStoredHead(model: CanonicalModel): Promise<StoredHead> {
  const head = model.get("lm_head");
  const embed = model.get("embed");
  if (head === undefined || embed === undefined) return { kind: "none" };
  if (head.shape.join() !== embed.shape.join()) return { kind: "other-shape" };
  const vocab = embed.shape[0]!;
  const count = Math.min(vocab, TIED_HEAD_SAMPLE_ROWS);
  const rows = [
    ...new Set(
      Array.from({ length: count }, (_, i) => Math.round((i * (vocab - 1)) / Math.max(1, count - 1))),
    ),
  ];
  const [a, b] = await Promise.all([model.readRows("lm_head", rows), model.readRows("embed", rows)]);
  const width = a.length / rows.length;
  let differingRows = 0;
  let maxDifference = 0;
  for (let r = 0; r < rows.length; r++) {
    let differs = false;
    for (let c = r * width; c < (r + 1) * width; c++) {
      if (!Object.is(a[c], b[c])) differs = true;
      maxDifference = Math.max(maxDifference, Math.abs(a[c]! - b[c]!));
    }
    if (differs) differingRows++;
  }
  return differingRows === 0
    ? { kind: "equal", rows: rows.length }
    : { kind: "differs", rows: rows.length, differingRows, maxDifference };
}
