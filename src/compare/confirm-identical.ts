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

function equal(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** Values compared per step: a few MiB of float32, whatever the tensor's size. */
const CHUNK_VALUES = 1 << 20;

async function pairEqual(s: TensorHandle, r: TensorHandle, transposed: boolean): Promise<boolean> {
  if (transposed) {
    const values = await s.readAll();
    return equal(transpose(values, s.shape[0]!, s.shape[1]!), await r.readAll());
  }
  // Row blocks of both sides, one block in memory at a time.
  const { rows, cols } = matrixView(r.shape);
  const step = Math.max(1, Math.floor(CHUNK_VALUES / Math.max(1, cols)));
  for (let start = 0; start < rows; start += step) {
    const block = Array.from({ length: Math.min(step, rows - start) }, (_, i) => start + i);
    if (!equal(await s.readRows(block), await r.readRows(block))) return false;
  }
  return true;
}

export async function confirmIdentical(a: ModelView, b: ModelView, detail: EvidenceDetail): Promise<boolean> {
  if (detail.kind === "tensors") {
    for (const pair of detail.evidence.pairs)
      if (!(await pairEqual(pair.suspect, pair.reference, pair.transposed))) return false;
    return true;
  }
  for (const tensor of b.model.tensors) {
    const s = a.tensor(tensor.canonical);
    const r = b.tensor(tensor.canonical);
    if (s === undefined || r === undefined) return false;
    if (s.shape.join() !== r.shape.join() || !(await pairEqual(s, r, false))) return false;
  }
  return true;
}
