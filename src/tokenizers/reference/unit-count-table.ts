/** Shape of the generated probe-unit count table (unit-counts.generated.ts). */

export interface FamilyUnitCounts {
  /** The package or file the counts were computed from. */
  origin: string;
  /** Probe unit id → token counts for k = 1, 2, 3, 4 repetitions (see `repeatUnit`). */
  counts: Record<string, readonly number[]>;
}

/** Family id → counts. */
export type UnitCountTable = Record<string, FamilyUnitCounts>;
