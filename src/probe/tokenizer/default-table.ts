/** The reference table `lineage probe` uses unless given another: default units × live counters. */
import type { TokenCounter } from "../../tokenizers/counter.js";
import { type ReferenceTable, referenceTableFromCounters } from "./reference.js";
import { TIKTOKEN_COUNTERS } from "./tiktoken-counters.js";
import { DEFAULT_KS, DEFAULT_UNITS } from "./units.js";

export function defaultReferenceTable(counters: readonly TokenCounter[] = TIKTOKEN_COUNTERS): ReferenceTable {
  return referenceTableFromCounters(counters, DEFAULT_UNITS, DEFAULT_KS);
}
