/**
 * Layer matrices stored as the transpose of their declared shape. llama2.c files have one fixed layout
 * and a header that cannot say so, so a re-laid-out copy (every layer matrix written [in, out]) reads
 * as scrambled values. We try reading one side's layer matrices transposed and keep the reading under
 * which the first layer's matrices line up with the other model's (same sampled rows, centred
 * correlation), if it beats the plain reading clearly. The readings tried are counted: the p-value is
 * multiplied by their number (Bonferroni), since the choice looked at the values.
 */
import type { ModelView } from "../fingerprint/model-view.js";
import { sampleIndices } from "../fingerprint/sample.js";
import { centredCorrelation } from "../stats/correlation.js";

/** Formats whose shapes cannot reveal transposed storage. */
const LAYOUT_AMBIGUOUS = new Set(["llama2c"]);
/** A transposed reading must line up better than the plain one by this much mean |correlation|. */
const MARGIN = 0.3;
/** Matrices of the first layer compared. */
const PROBES = ["attn.q", "attn.k", "attn.v", "attn.o", "mlp.gate", "mlp.up", "mlp.down"];

export interface StoredTransposition {
  /** Which side's layer matrices are read transposed, if any. */
  side: "suspect" | "reference" | undefined;
  /** Readings compared (the Bonferroni factor for the p-value). */
  readings: number;
}

async function alignment(a: ModelView, b: ModelView): Promise<number> {
  let sum = 0;
  let count = 0;
  for (const part of PROBES) {
    const name = `layers.0.${part}`;
    const s = a.tensor(name);
    const r = b.tensor(name);
    if (s === undefined || r === undefined || s.shape.join() !== r.shape.join() || r.shape.length !== 2)
      continue;
    const rows = sampleIndices(r.shape[0]!, 16, "orientation");
    sum += Math.abs(centredCorrelation(await s.readRows(rows), await r.readRows(rows)));
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

export async function detectStoredTransposition(a: ModelView, b: ModelView): Promise<StoredTransposition> {
  const sides = (["suspect", "reference"] as const).filter((side) =>
    LAYOUT_AMBIGUOUS.has((side === "suspect" ? a : b).model.source.format),
  );
  if (sides.length === 0) return { side: undefined, readings: 1 };
  const plain = await alignment(a, b);
  let best: StoredTransposition["side"];
  let bestScore = plain + MARGIN;
  for (const side of sides) {
    const view = side === "suspect" ? a : b;
    view.storedTransposed = true;
    const score = await alignment(a, b);
    view.storedTransposed = false;
    if (score > bestScore) {
      bestScore = score;
      best = side;
    }
  }
  if (best !== undefined) (best === "suspect" ? a : b).storedTransposed = true;
  return { side: best, readings: 1 + sides.length };
}

/**
 * Layer matrices stored `[in, out]` under a reversed shape that no naming rule turned back (a re-layout
 * meant to hide a copy, or a Conv1D-style writer): when some of one side's layer matrices have the
 * other side's shape reversed (and are not square), every layer matrix of that side is read turned,
 * square ones included (which shapes alone cannot tell). Returns the side turned, if any.
 */
export function turnReversedMatrices(a: ModelView, b: ModelView): "suspect" | "reference" | undefined {
  const reversedOn = (x: ModelView, y: ModelView) =>
    x.model.tensors.some((t) => {
      const other = y.shape(t.canonical);
      return (
        t.layer !== undefined &&
        t.shape.length === 2 &&
        other !== undefined &&
        other.length === 2 &&
        t.shape[0] !== t.shape[1] &&
        t.shape[0] === other[1] &&
        t.shape[1] === other[0]
      );
    });
  const turn = (x: ModelView) => {
    for (const t of x.model.tensors)
      if (t.layer !== undefined && t.shape.length === 2) x.turned.add(t.canonical);
  };
  if (!reversedOn(a, b)) return undefined;
  // Turn the side whose attention input width disagrees with its own embedding width.
  const width = (x: ModelView) => x.shape("embed")?.[1];
  const readsWidth = (x: ModelView) => x.shape("layers.0.attn.q")?.[1] ?? x.shape("layers.0.mlp.up")?.[1];
  const side = readsWidth(a) !== width(a) ? a : readsWidth(b) !== width(b) ? b : a;
  turn(side);
  return side === a ? "suspect" : "reference";
}
