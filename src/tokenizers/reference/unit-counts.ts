/** Reading the generated probe-unit count table: per-repetition slopes per family. */
import { FormatError } from "../../errors.js";
import { PROBE_UNITS } from "./probe-units.js";
import { UNIT_COUNTS } from "./unit-counts.generated.js";

/** Families the count table covers, in table order. */
export function unitCountFamilies(): string[] {
  return Object.keys(UNIT_COUNTS);
}

/** Counts of `unitId` repeated k = 1..4 times under `family`. */
export function unitCounts(family: string, unitId: string): readonly number[] {
  const counts = UNIT_COUNTS[family]?.counts[unitId];
  if (counts === undefined) {
    throw new FormatError(`no reference count for unit '${unitId}' under family '${family}'`, {
      field: "unit-counts",
    });
  }
  return counts;
}

/**
 * Tokens one more repetition of the unit adds: the slope the probe's regression estimates. Taken
 * between k = 3 and k = 4 so that start-of-text effects (dummy prefix, first-word pieces) are gone.
 */
export function unitSlope(family: string, unitId: string): number {
  const counts = unitCounts(family, unitId);
  const last = counts[counts.length - 1];
  const before = counts[counts.length - 2];
  if (last === undefined || before === undefined) {
    throw new FormatError(`reference counts for '${unitId}' have fewer than two repetitions`, {
      field: family,
    });
  }
  return last - before;
}

/** Unit id → slope, for every probe unit, under `family`. */
export function familySlopes(family: string): Map<string, number> {
  return new Map(PROBE_UNITS.map((unit) => [unit.id, unitSlope(family, unit.id)]));
}
