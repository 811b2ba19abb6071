/**
 * Reference counts: for each probe unit, the exact token count of the unit repeated k times under
 * each reference tokenizer family. Built from live TokenCounters or read from a precomputed table.
 */
import type { TokenCounter } from "../../tokenizers/counter.js";

export interface ProbeUnit {
  id: string;
  /** What the unit exercises: cjk, emoji, code, digits, rare-unicode … */
  kind: string;
  text: string;
}

export interface ReferenceTable {
  /** Repetition counts, ascending, at least two. */
  ks: number[];
  units: ProbeUnit[];
  /** family → unit id → tokens of `unit.text.repeat(ks[i])`, aligned with `ks`. */
  counts: Record<string, Record<string, number[]>>;
}

export function referenceTableFromCounters(
  counters: readonly TokenCounter[],
  units: readonly ProbeUnit[],
  ks: readonly number[],
): ReferenceTable {
  const counts: ReferenceTable["counts"] = {};
  for (const counter of counters) {
    const perUnit: Record<string, number[]> = {};
    for (const unit of units) perUnit[unit.id] = ks.map((k) => counter.count(unit.text.repeat(k)));
    counts[counter.family] = perUnit;
  }
  return { ks: [...ks], units: [...units], counts };
}

/** Families of a table, in a stable order. */
export function tableFamilies(table: ReferenceTable): string[] {
  return Object.keys(table.counts).sort();
}
