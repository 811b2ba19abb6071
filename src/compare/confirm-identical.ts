/**
 * "identical" is a claim about every value, not a sample: when every sampled row was bit-equal, each
 * corresponding tensor is read whole (one at a time) and compared value for value. Only then is
 * everything read.
 */
import type { ModelView, TensorHandle } from "../fingerprint/model-view.js";
import { matrixView } from "../formats/tensor-store.js";
import { transpose } from "../naming/transforms.js";
import type { TensorEvidence } from "./tensor-evidence.js";
import type { TransformerEvidence } from "./transformer-evidence.js";

export type EvidenceDetail =
  | { kind: "transformer"; evidence: TransformerEvidence }
  | { kind: "tensors"; evidence: TensorEvidence };

/** A tensor that a full read found not bit-equal: how many values differ and by how much. */
export interface ValueDifference {
  name: string;
  /** Values that differ, of `total`. */
  values: number;
  total: number;
  /** Largest absolute difference. */
  largest: number;
}

/** What the full read found: `identical` when every value is bit-equal, else the tensors that differ. */
export interface FullReadResult {
  identical: boolean;
  differences: ValueDifference[];
}

function tally(a: Float32Array, b: Float32Array, into: { values: number; total: number; largest: number }) {
  const n = Math.min(a.length, b.length);
  into.total += Math.max(a.length, b.length);
  into.values += Math.abs(a.length - b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i]))) continue;
    into.values++;
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= into.largest)) into.largest = d;
  }
}

/** Values compared per step: a few MiB of float32, whatever the tensor's size. */
const CHUNK_VALUES = 1 << 20;

async function pairDifference(
  name: string,
  s: TensorHandle,
  r: TensorHandle,
  transposed: boolean,
): Promise<ValueDifference> {
  const difference = { name, values: 0, total: 0, largest: 0 };
  if (transposed) {
    const values = await s.readAll();
    tally(transpose(values, s.shape[0]!, s.shape[1]!), await r.readAll(), difference);
    return difference;
  }
  // Row blocks of both sides, one block in memory at a time.
  const { rows, cols } = matrixView(r.shape);
  const step = Math.max(1, Math.floor(CHUNK_VALUES / Math.max(1, cols)));
  for (let start = 0; start < rows; start += step) {
    const block = Array.from({ length: Math.min(step, rows - start) }, (_, i) => start + i);
    tally(await s.readRows(block), await r.readRows(block), difference);
  }
  return difference;
}

/** Read every corresponding tensor whole and compare value for value. Every tensor is read (not only
 * up to the first difference), so a copy with a few edited values is told which values differ: the
 * sampled rows can miss them. */
export async function confirmIdentical(
  a: ModelView,
  b: ModelView,
  detail: EvidenceDetail,
): Promise<FullReadResult> {
  const differences: ValueDifference[] = [];
  let comparable = true;
  if (detail.kind === "tensors") {
    for (const pair of detail.evidence.pairs)
      differences.push(
        await pairDifference(pair.reference.name, pair.suspect, pair.reference, pair.transposed),
      );
  } else {
    for (const tensor of b.model.tensors) {
      const s = a.tensor(tensor.canonical);
      const r = b.tensor(tensor.canonical);
      if (s === undefined || r === undefined || s.shape.join() !== r.shape.join()) {
        comparable = false;
        continue;
      }
      differences.push(await pairDifference(tensor.canonical, s, r, false));
    }
  }
  const differing = differences.filter((d) => d.values > 0);
  return { identical: comparable && differing.length === 0, differences: differing };
}
