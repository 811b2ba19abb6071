/**
 * Unit sets of a transformer: the hidden units whose labels training cannot tell apart, read at
 * deterministic sampled indices, each described by a feature row (its signature over the anchors, or
 * its stored row when there are no anchors).
 *
 *   residual            residual dimensions: columns of the anchor embedding rows X
 *   layer ℓ mlp         MLP neurons: signatures of gate and up rows (γ = mlp_norm folded in)
 *   layer ℓ expert e    the same for expert e of a MoE layer (a few sampled experts)
 *   layer ℓ attention   KV groups (heads without GQA): signatures of a few rows of each head of the
 *                       group's k, v and q (γ = attn_norm folded in)
 *
 * Signatures do not depend on the residual basis, so the sets' relabellings are independent of each
 * other, as the exact index test needs. Stored rows (no anchors) do depend on it; then the residual set
 * is left out.
 */
import type { ModelView } from "./model-view.js";
import { sampleIndices } from "./sample.js";
import { foldGain, signatures } from "./signatures.js";

/** MLP neurons sampled per set. */
export const MLP_UNITS = 128;
/** Residual dimensions sampled. */
export const RESIDUAL_UNITS = 128;
/** Experts of a MoE layer given their own set. */
export const EXPERT_SETS = 4;
/** Rows of attention read per layer (spread over every head of the sampled groups). */
const ATTENTION_ROWS = 128;
/** KV groups (heads without GQA) sampled per layer. */
const ATTENTION_GROUPS = 64;

export type UnitKind = "residual" | "mlp" | "attention";

export interface UnitPart {
  name: string;
  /** indices.length × width raw feature rows (signatures over the anchors, or stored rows). */
  features: Float32Array;
}

export interface UnitSet {
  /** `residual`, `layer 3 mlp`, `layer 3 expert 5`, `layer 3 attention`. */
  id: string;
  kind: UnitKind;
  layer: number | undefined;
  expert: number | undefined;
  /** Total units of this kind in the model (the population the sample comes from). */
  population: number;
  /** Unit indices read, ascending. */
  indices: number[];
  /** Named parts of each unit's description: `gate`, `up` (MLP); `k{r}`, `qs{r}` (attention: row r of
   * the group's key head, and the sum of row r over the group's query heads); `embedding` (residual).
   * Compared by |correlation| part by part (sign flips and rescalings of units are function-preserving). */
  parts: UnitPart[];
  width: number;
  /** What the features are: signatures over anchors, or stored rows (same-width models only). */
  basis: "signature" | "stored";
  /** Attention only: head geometry the feature layout depends on. */
  geometry?: string;
}

/** The anchor inputs: X, the unit-length embedding rows of the anchors, n × d. */
export interface AnchorInputs {
  x: Float32Array;
  n: number;
  d: number;
}

/** Rows read from one tensor, kept for the direct comparison. */
export interface RowSample {
  rows: number[];
  values: Float32Array;
  cols: number;
  dtype: string;
}

export interface LayerRead {
  layer: number;
  sets: UnitSet[];
  /** The same units described by their stored rows (only when asked for, with anchor signatures). */
  storedSets: UnitSet[];
  /** Canonical tensor → the rows read (only when asked to keep them). */
  samples: Map<string, RowSample>;
  notes: string[];
}

/** Residual dimensions as units: the columns of X at sampled dimensions. */
export function residualSet(inputs: AnchorInputs): UnitSet {
  const indices = sampleIndices(inputs.d, RESIDUAL_UNITS, "residual");
  const features = new Float32Array(indices.length * inputs.n);
  indices.forEach((dim, u) => {
    for (let a = 0; a < inputs.n; a++) features[u * inputs.n + a] = inputs.x[a * inputs.d + dim]!;
  });
  return {
    id: "residual",
    kind: "residual",
    layer: undefined,
    expert: undefined,
    population: inputs.d,
    indices,
    parts: [{ name: "embedding", features }],
    width: inputs.n,
    basis: "signature",
  };
}

/** Expert indices present in a layer (empty for a dense layer). */
export function expertsOf(view: ModelView, layer: number): number[] {
  const experts = new Set<number>();
  const prefix = `layers.${layer}.moe.experts.`;
  for (const tensor of view.model.tensors)
    if (tensor.canonical.startsWith(prefix))
      experts.add(Number(tensor.canonical.slice(prefix.length).split(".")[0]));
  return [...experts].sort((a, b) => a - b);
}

/** Number of layers, from the canonical tensors present. */
export function layerCount(view: ModelView): number {
  let count = 0;
  for (const tensor of view.model.tensors)
    if (tensor.layer !== undefined) count = Math.max(count, tensor.layer + 1);
  return count;
}

export interface Reader {
  view: ModelView;
  inputs: AnchorInputs | undefined;
  keep: boolean;
  samples: Map<string, RowSample>;
  /** When given (and `inputs` too), every set is also described by its stored rows and that twin is
   * added here: layers copied into a model whose embedding changed line up only in the stored basis. */
  storedSets?: UnitSet[];
}

async function readRows(
  reader: Reader,
  name: string,
  rows: readonly number[],
): Promise<RowSample | undefined> {
  const tensor = reader.view.tensor(name);
  if (tensor === undefined || tensor.shape.length !== 2) return undefined;
  const cols = tensor.shape[1]!;
  const sample = { rows: [...rows], values: await tensor.readRows(rows), cols, dtype: tensor.dtype };
  if (reader.keep) reader.samples.set(name, sample);
  return sample;
}

/** Feature rows of a sample: signatures through `inputs` (γ folded in), or the stored rows. */
function describe(
  reader: Reader,
  sample: RowSample,
  gamma: Float32Array | undefined,
): Float32Array | undefined {
  const k = sample.rows.length;
  if (reader.inputs === undefined) return sample.values;
  if (sample.cols !== reader.inputs.d) return undefined;
  return signatures(
    sample.values,
    k,
    sample.cols,
    foldGain(reader.inputs.x, reader.inputs.d, gamma),
    reader.inputs.n,
  );
}

/** The MLP neurons (or one expert's) at `indices` (default: the deterministic sample). */
export async function mlpSet(
  reader: Reader,
  layer: number,
  expert: number | undefined,
  gamma: Float32Array | undefined,
  indices?: number[],
): Promise<UnitSet | undefined> {
  const prefix = expert === undefined ? `layers.${layer}.mlp` : `layers.${layer}.moe.experts.${expert}`;
  const up = reader.view.shape(`${prefix}.up`);
  if (up === undefined || up.length !== 2) return undefined;
  const chosen = indices ?? sampleIndices(up[0]!, MLP_UNITS, "mlp");
  const parts: UnitPart[] = [];
  const storedParts: UnitPart[] = [];
  for (const kind of ["gate", "up"]) {
    const sample = await readRows(reader, `${prefix}.${kind}`, chosen);
    if (sample === undefined) continue;
    const features = describe(reader, sample, gamma);
    if (features !== undefined) parts.push({ name: kind, features });
    storedParts.push({ name: kind, features: sample.values });
  }
  const set = (kept: UnitPart[], basis: UnitSet["basis"]): UnitSet => ({
    id: expert === undefined ? `layer ${layer} mlp` : `layer ${layer} expert ${expert}`,
    kind: "mlp",
    layer,
    expert,
    population: up[0]!,
    indices: chosen,
    parts: kept,
    width: kept[0]!.features.length / chosen.length,
    basis,
  });
  if (storedTwinWanted(reader) && storedParts.length > 0) reader.storedSets!.push(set(storedParts, "stored"));
  if (parts.length === 0) return undefined;
  return set(parts, reader.inputs === undefined ? "stored" : "signature");
}

/** Stored-row twins are wanted: asked for, and the main sets are signatures (else they are the stored rows). */
function storedTwinWanted(reader: Reader): boolean {
  return reader.storedSets !== undefined && reader.inputs !== undefined;
}

/** Head geometry of a layer from the q and k shapes and the declared figures. */
export function headGeometry(
  view: ModelView,
  layer: number,
): { heads: number; groups: number; headDim: number } | undefined {
  const q = view.shape(`layers.${layer}.attn.q`);
  const k = view.shape(`layers.${layer}.attn.k`);
  const v = view.shape(`layers.${layer}.attn.v`);
  if (q === undefined || k === undefined || v === undefined || q.length !== 2) return undefined;
  const arch = view.model.architecture;
  const heads = arch.numHeads;
  if (heads === undefined || heads <= 0 || q[0]! % heads !== 0) return undefined;
  const headDim = arch.headDim ?? q[0]! / heads;
  if (headDim * heads !== q[0] || k[0]! % headDim !== 0 || k[0] !== v[0]) return undefined;
  const groups = k[0]! / headDim;
  if (groups <= 0 || heads % groups !== 0) return undefined;
  return { heads, groups, headDim };
}

/**
 * KV groups (heads without GQA) at `groups` (default: the deterministic sample). Each group is
 * described by a few rows of its key head (`k{r}`) and the same rows summed over its query heads
 * (`qs{r}`): the sum does not depend on the order of the query heads within the group, and value rows
 * are left out (they may be permuted within a head): both are function-preserving relabellings.
 */
export async function attentionSet(
  reader: Reader,
  layer: number,
  gamma: Float32Array | undefined,
  groups?: number[],
): Promise<UnitSet | undefined> {
  const geometry = headGeometry(reader.view, layer);
  if (geometry === undefined) return undefined;
  const { heads, headDim } = geometry;
  const perGroup = heads / geometry.groups;
  const sampled = groups ?? sampleIndices(geometry.groups, ATTENTION_GROUPS, "kv-group");
  const base = sampleIndices(geometry.groups, ATTENTION_GROUPS, "kv-group").length;
  const rowsPerHead = Math.max(1, Math.min(headDim, Math.floor(ATTENTION_ROWS / (base * (1 + perGroup)))));
  const within = sampleIndices(headDim, rowsPerHead, "head-row");
  const kvRows = sampled.flatMap((g) => within.map((r) => g * headDim + r));
  const qRows = sampled.flatMap((g) =>
    Array.from({ length: perGroup }, (_, j) => g * perGroup + j).flatMap((h) =>
      within.map((r) => h * headDim + r),
    ),
  );
  const keys = await readRows(reader, `layers.${layer}.attn.k`, kvRows);
  const queries = await readRows(reader, `layers.${layer}.attn.q`, qRows);
  // Value rows are read for the direct comparison only.
  if (reader.keep) await readRows(reader, `layers.${layer}.attn.v`, kvRows);
  if (keys === undefined || queries === undefined) return undefined;
  const set = (k: Float32Array, q: Float32Array, basis: UnitSet["basis"]): UnitSet => {
    const width = k.length / kvRows.length;
    const parts: UnitPart[] = [];
    within.forEach((row, r) => {
      const key = new Float32Array(sampled.length * width);
      const query = new Float32Array(sampled.length * width);
      sampled.forEach((_, gi) => {
        const kRow = gi * within.length + r;
        key.set(k.subarray(kRow * width, (kRow + 1) * width), gi * width);
        for (let j = 0; j < perGroup; j++) {
          const qRow = (gi * perGroup + j) * within.length + r;
          for (let t = 0; t < width; t++)
            query[gi * width + t] = query[gi * width + t]! + q[qRow * width + t]!;
        }
      });
      parts.push({ name: `k${row}`, features: key }, { name: `qs${row}`, features: query });
    });
    return {
      id: `layer ${layer} attention`,
      kind: "attention",
      layer,
      expert: undefined,
      population: geometry.groups,
      indices: sampled,
      parts,
      width,
      basis,
      geometry: `${heads}/${geometry.groups}/${headDim}`,
    };
  };
  if (storedTwinWanted(reader)) reader.storedSets!.push(set(keys.values, queries.values, "stored"));
  const k = describe(reader, keys, gamma);
  const q = describe(reader, queries, gamma);
  if (k === undefined || q === undefined) return undefined;
  return set(k, q, reader.inputs === undefined ? "stored" : "signature");
}

/**
 * Read one layer: its unit sets and, with `keep`, every sampled row (for the direct comparison), plus
 * the rows `writerRows` of the matrices writing to the residual stream (o, down).
 */
export async function readLayer(
  view: ModelView,
  layer: number,
  inputs: AnchorInputs | undefined,
  keep: { writerRows: number[] } | undefined,
  storedTwins = false,
): Promise<LayerRead> {
  const reader: Reader = {
    view,
    inputs,
    keep: keep !== undefined,
    samples: new Map(),
    ...(storedTwins ? { storedSets: [] } : {}),
  };
  const notes: string[] = [];
  const sets: UnitSet[] = [];
  const attnGain = await view.vector(`layers.${layer}.attn_norm`);
  const mlpGain = (await view.vector(`layers.${layer}.mlp_norm`)) ?? attnGain;
  const attention = await attentionSet(reader, layer, attnGain);
  if (attention !== undefined) sets.push(attention);
  else if (view.has(`layers.${layer}.attn.q`))
    notes.push(`layer ${layer}: attention heads could not be laid out`);
  const experts = expertsOf(view, layer);
  if (experts.length === 0) {
    const mlp = await mlpSet(reader, layer, undefined, mlpGain);
    if (mlp !== undefined) sets.push(mlp);
  } else {
    for (const at of sampleIndices(experts.length, EXPERT_SETS, "expert")) {
      const expert = experts[at]!;
      const set = await mlpSet(reader, layer, expert, mlpGain);
      if (set !== undefined) sets.push(set);
    }
  }
  if (keep !== undefined) {
    const writers = [`layers.${layer}.attn.o`, `layers.${layer}.mlp.down`];
    for (const at of experts.length === 0 ? [] : sampleIndices(experts.length, EXPERT_SETS, "expert"))
      writers.push(`layers.${layer}.moe.experts.${experts[at]}.down`);
    for (const name of writers) {
      const shape = view.shape(name);
      if (shape === undefined || shape.length !== 2) continue;
      await readRows(
        reader,
        name,
        keep.writerRows.filter((row) => row < shape[0]!),
      );
    }
    const router = view.shape(`layers.${layer}.moe.router`);
    if (router !== undefined && router.length === 2)
      await readRows(reader, `layers.${layer}.moe.router`, sampleIndices(router[0]!, MLP_UNITS, "rows"));
  }
  return { layer, sets, storedSets: reader.storedSets ?? [], samples: reader.samples, notes };
}
