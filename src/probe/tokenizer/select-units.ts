/**
 * Choosing few probe units that still tell every pair of reference families apart: each request
 * costs money, and 56 units × 3 repetitions would be 168 requests. Greedy cover of family pairs,
 * each pair separated by up to `redundancy` units so that one odd unit cannot decide alone.
 */
import { growth, type ReferenceTable, tableFamilies } from "./reference.js";

export interface UnitSelection {
  table: ReferenceTable;
  /** Family pairs no unit of the full table separates (their counts agree everywhere). */
  inseparable: [string, string][];
}

function separates(table: ReferenceTable, unitId: string, a: string, b: string): boolean {
  const ga = growth(table.counts[a]?.[unitId] ?? []);
  const gb = growth(table.counts[b]?.[unitId] ?? []);
  return ga.some((n, i) => n !== gb[i]);
}

export function selectUnits(table: ReferenceTable, maxUnits: number, redundancy = 3): UnitSelection {
  const families = tableFamilies(table);
  const pairs: [string, string][] = [];
  for (let i = 0; i < families.length; i++) {
    for (let j = i + 1; j < families.length; j++) pairs.push([families[i]!, families[j]!]);
  }
  const covers = new Map(
    table.units.map((unit) => [unit.id, pairs.map(([a, b]) => separates(table, unit.id, a, b))]),
  );
  const inseparable = pairs.filter((_, p) => table.units.every((unit) => !covers.get(unit.id)![p]));
  const need = pairs.map((_, p) => (inseparable.includes(pairs[p]!) ? 0 : redundancy));
  const chosen: string[] = [];
  while (chosen.length < maxUnits) {
    let best: string | undefined;
    let bestGain = 0;
    for (const unit of table.units) {
      if (chosen.includes(unit.id)) continue;
      const gain = covers
        .get(unit.id)!
        .reduce((sum, covered, p) => sum + (covered && need[p]! > 0 ? need[p]! : 0), 0);
      if (gain > bestGain) {
        bestGain = gain;
        best = unit.id;
      }
    }
    if (best === undefined) break;
    chosen.push(best);
    covers.get(best)!.forEach((covered, p) => {
      if (covered && need[p]! > 0) need[p]!--;
    });
  }
  const units = table.units.filter((unit) => chosen.includes(unit.id));
  const counts: ReferenceTable["counts"] = {};
  for (const family of families) {
    counts[family] = Object.fromEntries(units.map((unit) => [unit.id, table.counts[family]![unit.id]!]));
  }
  return { table: { ks: table.ks, units, counts }, inseparable };
}
