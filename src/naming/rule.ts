/**
 * What a naming rule is: a convention name and a function from one stored tensor (name + shape) to the
 * canonical tensors it holds. Fused tensors give several; a name the rule does not know gives undefined.
 */
import type { TensorInfo } from "../formats/tensor-store.js";
import type { LayoutTransform } from "./canonical-model.js";

/** Figures a rule may need to split fused tensors or undo row permutations. */
export interface NamingContext {
  numHeads: number | undefined;
  numKvHeads: number | undefined;
  headDim: number | undefined;
  hiddenSize: number | undefined;
  intermediateSize: number | undefined;
  /** GGUF `general.architecture`, when the store is GGUF. */
  ggufArchitecture: string | undefined;
  /** Head counts per layer, when they differ between layers (GGUF per-layer arrays). */
  numHeadsPerLayer?: readonly number[] | undefined;
  numKvHeadsPerLayer?: readonly number[] | undefined;
}

/** The query and KV head counts of one layer: the per-layer figure where there is one, else the model's. */
export function layerHeads(context: NamingContext, layer: number): { heads: number; kvHeads: number } {
  const heads = context.numHeadsPerLayer?.[layer] ?? requireFigure(context.numHeads, "the head count");
  const kvHeads = context.numKvHeadsPerLayer?.[layer] ?? context.numKvHeads ?? heads;
  if (!Number.isInteger(heads) || heads <= 0) throw new UnmappableError(`layer ${layer} has ${heads} heads`);
  return { heads, kvHeads };
}

export interface RuleMatch {
  canonical: string;
  transforms: LayoutTransform[];
}

export interface NamingRule {
  convention: string;
  match(tensor: TensorInfo, context: NamingContext): RuleMatch[] | undefined;
}

/** Thrown by a rule that knows a name but cannot map it: a figure (e.g. the head count) is missing or the
 * shape does not fit. The mapper keeps the tensor as unrecognised and says why in a note. */
export class UnmappableError extends Error {}

export function requireFigure(value: number | undefined, what: string): number {
  if (value === undefined || !Number.isInteger(value) || value <= 0) {
    throw new UnmappableError(`needs ${what}, which neither the configuration nor the metadata gives`);
  }
  return value;
}

export function headDimOf(context: NamingContext): number {
  if (context.headDim !== undefined) return context.headDim;
  return (
    requireFigure(context.hiddenSize, "the hidden size") / requireFigure(context.numHeads, "the head count")
  );
}

/** Canonical name for `base` with the stored suffix: `weight` → no suffix, `bias` → `.bias`. */
export function withSuffix(base: string, suffix: string | undefined): string {
  return suffix === "bias" ? `${base}.bias` : base;
}

/** A one-to-one rename with optional transforms. */
export function renamed(canonical: string, ...transforms: LayoutTransform[]): RuleMatch[] {
  return [{ canonical, transforms }];
}

/** Split a fused tensor stored as contiguous row blocks, e.g. q | k | v or gate | up. */
export function splitContiguous(
  parts: ReadonlyArray<readonly [canonical: string, rows: number]>,
  before: LayoutTransform[] = [],
): RuleMatch[] {
  let start = 0;
  return parts.map(([canonical, count]) => {
    const match: RuleMatch = {
      canonical,
      transforms: [...before, { kind: "slice-rows", start, count }],
    };
    start += count;
    return match;
  });
}

/** Rows of q, k and v in a fused QKV tensor with grouped-query attention. */
export function qkvRows(context: NamingContext): [q: number, k: number, v: number] {
  const headDim = headDimOf(context);
  const heads = requireFigure(context.numHeads, "the head count");
  const kvHeads = context.numKvHeads ?? heads;
  return [heads * headDim, kvHeads * headDim, kvHeads * headDim];
}

export interface PatternEntry {
  pattern: RegExp;
  /** Groups: `layer`, `expert`, `suffix` (weight | bias) as captured by the pattern. */
  map(groups: Record<string, string | undefined>, tensor: TensorInfo, context: NamingContext): RuleMatch[];
}

/** A rule from a table of anchored patterns, first match wins. */
export function patternRule(convention: string, entries: readonly PatternEntry[]): NamingRule {
  return {
    convention,
    match(tensor, context) {
      for (const entry of entries) {
        const found = entry.pattern.exec(tensor.name);
        if (found !== null) return entry.map(found.groups ?? {}, tensor, context);
      }
      return undefined;
    },
  };
}

/** A pattern whose match is a plain rename: `template` may use `{layer}`, `{expert}`; suffix is appended. */
export function rename(pattern: RegExp, template: string): PatternEntry {
  return {
    pattern,
    map: (groups) =>
      renamed(
        withSuffix(
          template.replace("{layer}", groups.layer ?? "").replace("{expert}", groups.expert ?? ""),
          groups.suffix,
        ),
      ),
  };
}

/**
 * An anchored pattern for a stored name ending in `.weight` or `.bias`: `{L}` stands for the layer index,
 * `{E}` for the expert index, dots are literal; write other regex syntax as usual.
 */
export function namePattern(body: string): RegExp {
  const source = body
    .replaceAll(".", "\\.")
    .replaceAll("{L}", "(?<layer>\\d+)")
    .replaceAll("{E}", "(?<expert>\\d+)");
  return new RegExp(`^${source}\\.(?<suffix>weight|bias)$`);
}

/**
 * A fused QKV tensor stored as contiguous q | k | v rows (Baichuan `W_pack`, Phi-3, GGUF `attn_qkv`).
 * `after(part, layer, context)` gives transforms applied to a part once it is sliced out (e.g. a row
 * un-permutation of q and k).
 */
export function contiguousQkv(
  pattern: RegExp,
  after?: (part: "q" | "k" | "v", layer: number, context: NamingContext) => LayoutTransform[],
): PatternEntry {
  return {
    pattern,
    map: ({ layer, suffix }, _tensor, context) => {
      const [q, k, v] = qkvRows(context);
      const parts = splitContiguous([
        [withSuffix(`layers.${layer}.attn.q`, suffix), q],
        [withSuffix(`layers.${layer}.attn.k`, suffix), k],
        [withSuffix(`layers.${layer}.attn.v`, suffix), v],
      ]);
      if (after !== undefined) {
        (["q", "k", "v"] as const).forEach((part, i) => {
          parts[i]!.transforms.push(...after(part, Number(layer), context));
        });
      }
      return parts;
    },
  };
}
