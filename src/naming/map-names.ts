/**
 * Apply naming rules to a tensor table: every stored tensor ends up either as one or more canonical
 * tensors or in `unrecognised` — never dropped. Notes say what could not be mapped and why.
 */

import { isParameter } from "../architecture/parameter-count.js";
import { FormatError } from "../errors.js";
import type { TensorInfo } from "../formats/tensor-store.js";
import type { CanonicalTensor } from "./canonical-model.js";
import { type NamingContext, type NamingRule, UnmappableError } from "./rule.js";
import { transformedShape } from "./transforms.js";

export interface NameMapping {
  tensors: CanonicalTensor[];
  unrecognised: TensorInfo[];
  /** Stored quantization scales of other tensors (applied when those are read; not parameters). */
  scales: TensorInfo[];
  notes: string[];
}

/** Layer index of a canonical name (`layers.{i}.…`), or undefined for model-level tensors. */
export function layerOf(canonical: string): number | undefined {
  const found = /^layers\.(\d+)\./.exec(canonical);
  return found === null ? undefined : Number(found[1]);
}

/** Most names listed in one note; the rest are counted. */
const MAX_NAMES_IN_NOTE = 8;

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMES_IN_NOTE).join(", ");
  return names.length > MAX_NAMES_IN_NOTE ? `${shown}, … (${names.length - MAX_NAMES_IN_NOTE} more)` : shown;
}

function applyRules(
  tensor: TensorInfo,
  rules: readonly NamingRule[],
  context: NamingContext,
): { convention: string; matches: ReturnType<NamingRule["match"]> } | { failure: string } | undefined {
  for (const rule of rules) {
    try {
      const matches = rule.match(tensor, context);
      if (matches !== undefined) return { convention: rule.convention, matches };
    } catch (error) {
      if (error instanceof UnmappableError || error instanceof FormatError) {
        return { failure: `${tensor.name} (${rule.convention}): ${error.message}` };
      }
      throw error;
    }
  }
  return undefined;
}

/**
 * Map every stored tensor to canonical tensors, to `unrecognised`, or (names in `scaleNames`, the
 * store's quantization scales) to `scales`.
 */
export function mapTensorNames(
  stored: readonly TensorInfo[],
  rules: readonly NamingRule[],
  context: NamingContext,
  scaleNames: ReadonlySet<string> = new Set(),
): NameMapping {
  const tensors: CanonicalTensor[] = [];
  const unrecognised: TensorInfo[] = [];
  const scales: TensorInfo[] = [];
  const notes: string[] = [];
  const taken = new Map<string, string>();
  for (const tensor of stored) {
    if (scaleNames.has(tensor.name)) {
      scales.push(tensor);
      continue;
    }
    const result = applyRules(tensor, rules, context);
    if (result === undefined) {
      unrecognised.push(tensor);
      continue;
    }
    if ("failure" in result) {
      unrecognised.push(tensor);
      notes.push(`could not map ${result.failure}`);
      continue;
    }
    const mapped: CanonicalTensor[] = [];
    try {
      for (const match of result.matches ?? []) {
        mapped.push({
          canonical: match.canonical,
          layer: layerOf(match.canonical),
          shape: transformedShape(tensor.shape, match.transforms),
          source: tensor,
          transforms: match.transforms,
          convention: result.convention,
        });
      }
    } catch (error) {
      unrecognised.push(tensor);
      notes.push(`could not map ${tensor.name} (${result.convention}): ${(error as Error).message}`);
      continue;
    }
    const clash = mapped.find((entry) => taken.has(entry.canonical));
    if (clash !== undefined) {
      unrecognised.push(tensor);
      notes.push(
        `${tensor.name} would also be ${clash.canonical} (already ${taken.get(clash.canonical)}); kept unrecognised`,
      );
      continue;
    }
    for (const entry of mapped) {
      taken.set(entry.canonical, tensor.name);
      tensors.push(entry);
    }
  }
  const parameters = unrecognised.filter((t) => isParameter(t.name));
  const buffers = unrecognised.length - parameters.length;
  if (parameters.length > 0) {
    notes.push(
      `${parameters.length} stored tensor(s) match no naming rule (kept; compare matches them by shape and value): ${listNames(parameters.map((t) => t.name))}`,
    );
  }
  if (buffers > 0)
    notes.push(`${buffers} non-parameter buffer(s) (rotary tables, attention masks) kept unrecognised`);
  if (scales.length > 0) {
    notes.push(
      `${scales.length} quantization scale tensor(s) (${listNames(scales.map((t) => t.name))}) applied to their weights, which read dequantized; scales are not parameters`,
    );
  }
  return { tensors, unrecognised, scales, notes };
}
