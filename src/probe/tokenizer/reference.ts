/**
 * Reference counts: for each probe unit, the exact token count of the unit repeated k times under
 * each reference tokenizer family. Read from tokenc's generated table, or built from live counters.
 */

import { FormatError } from "../../errors.js";
import type { TokenCounter } from "../../tokenizers/counter.js";
import { type ProbeUnit, repeatUnit } from "../../tokenizers/reference/probe-units.js";
import type { UnitCountTable } from "../../tokenizers/reference/unit-count-table.js";

export type { ProbeUnit };

export interface ReferenceTable {
  /** Repetition counts sent, ascending, at least two. */
  ks: number[];
  units: ProbeUnit[];
  /** family → unit id → tokens of `repeatUnit(unit, ks[i])`, aligned with `ks`. */
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
    for (const unit of units) perUnit[unit.id] = ks.map((k) => counter.count(repeatUnit(unit, k)));
    counts[counter.family] = perUnit;
  }
  return { ks: [...ks], units: [...units], counts };
}

/**
 * A table from precomputed counts (`counts[unitId][k - 1]` for k = 1…). Throws FormatError when a
 * family lacks a unit or a repetition count.
 */
export function referenceTableFromUnitCounts(
  table: UnitCountTable,
  units: readonly ProbeUnit[],
  ks: readonly number[],
): ReferenceTable {
  const counts: ReferenceTable["counts"] = {};
  for (const [family, entry] of Object.entries(table)) {
    const perUnit: Record<string, number[]> = {};
    for (const unit of units) {
      const row = entry.counts[unit.id];
      const picked = ks.map((k) => row?.[k - 1]);
      if (picked.some((n) => n === undefined)) {
        throw new FormatError(`no count for unit '${unit.id}' at k = ${ks.join(", ")}`, { field: family });
      }
      perUnit[unit.id] = picked as number[];
    }
    counts[family] = perUnit;
  }
  return { ks: [...ks], units: [...units], counts };
}

/** Families of a table, in a stable order. */
export function tableFamilies(table: ReferenceTable): string[] {
  return Object.keys(table.counts).sort();
}

/** Token growth of a unit under a family: counts minus the first count (template overhead cancels). */
export function growth(counts: readonly number[]): number[] {
  const first = counts[0] ?? 0;
  return counts.map((n) => n - first);
}
