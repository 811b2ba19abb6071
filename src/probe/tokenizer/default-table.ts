/**
 * The reference table `lineage probe` uses: tokenc's probe units and exact counts for every
 * reference family, at k = 2, 3, 4 repetitions (from k = 2 on, start-of-text effects such as a
 * SentencePiece dummy prefix are the same for every k and cancel with the template overhead).
 */
import { PROBE_UNITS } from "../../tokenizers/reference/probe-units.js";
import { UNIT_COUNTS } from "../../tokenizers/reference/unit-counts.generated.js";
import { type ReferenceTable, referenceTableFromUnitCounts } from "./reference.js";
import { selectUnits, type UnitSelection } from "./select-units.js";

export const DEFAULT_KS: readonly number[] = [2, 3, 4];
/** Cap on units sent by default; selection stops earlier, once every family pair is separated three
 * times (9 units = 27 requests with the current table). */
export const DEFAULT_UNIT_COUNT = 20;

export function fullReferenceTable(): ReferenceTable {
  return referenceTableFromUnitCounts(UNIT_COUNTS, PROBE_UNITS, DEFAULT_KS);
}

/** The full table cut to `maxUnits` separating units (all of them when maxUnits ≥ the table's). */
export function defaultReferenceTable(maxUnits: number = DEFAULT_UNIT_COUNT): UnitSelection {
  return selectUnits(fullReferenceTable(), maxUnits);
}
