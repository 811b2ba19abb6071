/**
 * Tokenizer probe through usage counts: send each unit repeated k times, read `usage.prompt_tokens`,
 * and compare the growth with k (template overhead cancels) with every reference family's counts.
 */

import { repeatUnit } from "../../tokenizers/reference/probe-units.js";
import type { FailureLog } from "../attempts.js";
import type { ChatClient } from "../client/types.js";
import { type ReferenceTable, tableFamilies } from "./reference.js";
import { fitLine } from "./regression.js";

/** A unit whose points fit a line worse than this is flagged: usage is then not a plain token count. */
export const MIN_R2 = 0.98;
/** Below this share of matching units no family is named. */
export const MIN_AGREEMENT = 0.5;
/** Fewer measured units than this name no family: two units cannot separate fourteen families. */
export const MIN_MEASURED_UNITS = 3;

export interface UnitObservation {
  unit: string;
  kind: string;
  /** `usage.prompt_tokens` for each k of the table (undefined where the request failed). */
  promptTokens: (number | undefined)[];
  slope: number | undefined;
  r2: number | undefined;
}

export interface TokenizerCandidate {
  family: string;
  /** Share of observed units whose token growth equals this family's exactly (0…1). */
  agreement: number;
  matchedUnits: number;
  comparedUnits: number;
  /** Mean |observed slope − family slope| in tokens per unit. */
  meanSlopeError: number;
  /** Units where this family's counts differ from the server's. */
  mismatches: string[];
}

export interface TokenizerReport {
  /** The family whose counts match best; null when too few units were measured or none reaches 50 %. */
  best: string | null;
  /** Families that match exactly as well as the top candidate. When the full table could tell them
   * apart (units were lost to failures), `best` is null rather than an arbitrary pick. */
  tiedWith: string[];
  /** Every reference family ranked; empty when no unit could be measured. */
  candidates: TokenizerCandidate[];
  /** HTTP requests this probe sent (cache hits are free). */
  requests: number;
  /** Queries asked (units × repetition counts), cached or not. */
  queries: number;
  /** Every unit's points lie on a line (R² ≥ 0.98): usage behaves like a token count. */
  consistent: boolean;
  ks: number[];
  observations: UnitObservation[];
  notes: string[];
}

export async function probeTokenizer(
  client: ChatClient,
  log: FailureLog,
  table: ReferenceTable,
  /** Family pairs the reference table cannot tell apart at all. */
  inseparable: readonly (readonly [string, string])[] = [],
): Promise<TokenizerReport> {
  const before = client.stats.requests;
  const jobs = table.units.map((unit) =>
    Promise.all(
      table.ks.map((k) =>
        log.attempt("tokenizer", `tokenizer ${unit.id} k=${k}`, async () => {
          const result = await client.chat({
            label: `tokenizer ${unit.id} k=${k}`,
            messages: [{ role: "user", content: repeatUnit(unit, k) }],
            maxTokens: 1,
          });
          return result.usage?.promptTokens;
        }),
      ),
    ),
  );
  const observed = await Promise.all(jobs);
  const observations: UnitObservation[] = table.units.map((unit, index) => {
    const promptTokens = observed[index] ?? [];
    const points = table.ks.flatMap((k, i) =>
      promptTokens[i] === undefined ? [] : [[k, promptTokens[i]!] as const],
    );
    const fit =
      points.length >= 2 && new Set(points.map(([k]) => k)).size >= 2
        ? fitLine(
            points.map(([k]) => k),
            points.map(([, y]) => y),
          )
        : undefined;
    return { unit: unit.id, kind: unit.category, promptTokens, slope: fit?.slope, r2: fit?.r2 };
  });
  const measured = observations.filter((o) => o.slope !== undefined);
  // With nothing measured there is nothing to rank: no table of 0/0 agreements.
  const candidates = measured.length === 0 ? [] : rankFamilies(table, observations);
  const notes: string[] = [];
  if (measured.length === 0) notes.push("no unit could be measured: the API returned no usage.prompt_tokens");
  const curved = measured.filter((o) => (o.r2 ?? 0) < MIN_R2);
  if (curved.length > 0) {
    notes.push(`usage does not grow linearly for ${curved.map((o) => o.unit).join(", ")} (R² < ${MIN_R2})`);
  }
  const top = candidates[0];
  const enough = measured.length >= MIN_MEASURED_UNITS;
  if (measured.length > 0 && !enough) {
    notes.push(
      `only ${measured.length} unit(s) could be measured; at least ${MIN_MEASURED_UNITS} are needed to name a family`,
    );
  }
  const tiedWith =
    top === undefined
      ? []
      : candidates
          .slice(1)
          .filter((c) => c.agreement === top.agreement && c.meanSlopeError === top.meanSlopeError)
          .map((c) => c.family);
  const twins = (a: string, b: string) =>
    inseparable.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  // A tie the full table could break (units lost to failures) must not be settled alphabetically.
  const avoidableTie = top !== undefined && tiedWith.some((family) => !twins(top.family, family));
  let best: string | null = null;
  if (enough && top !== undefined && top.agreement >= MIN_AGREEMENT) {
    if (avoidableTie) {
      notes.push(
        `${[top.family, ...tiedWith].join(", ")} match the measured units equally; the units that separate them were not measured (rerun: answers are cached)`,
      );
    } else {
      best = top.family;
    }
  } else if (top !== undefined && enough) {
    notes.push(
      `no reference family matches: the best, ${top.family}, agrees on ${top.matchedUnits}/${top.comparedUnits} units`,
    );
  }
  for (const [a, b] of inseparable) {
    if (best === a || best === b) notes.push(`${a} and ${b} give identical counts on every reference unit`);
  }
  return {
    best,
    tiedWith,
    candidates,
    requests: client.stats.requests - before,
    queries: table.units.length * table.ks.length,
    consistent: measured.length > 0 && curved.length === 0,
    ks: [...table.ks],
    observations,
    notes,
  };
}

/** Families ranked by exact agreement of token growth, then by slope error. */
export function rankFamilies(
  table: ReferenceTable,
  observations: readonly UnitObservation[],
): TokenizerCandidate[] {
  return tableFamilies(table)
    .map((family) => scoreFamily(table, family, observations))
    .sort(
      (a, b) =>
        b.agreement - a.agreement || a.meanSlopeError - b.meanSlopeError || a.family.localeCompare(b.family),
    );
}

function scoreFamily(
  table: ReferenceTable,
  family: string,
  observations: readonly UnitObservation[],
): TokenizerCandidate {
  let matched = 0;
  let compared = 0;
  let slopeError = 0;
  const mismatches: string[] = [];
  for (const observation of observations) {
    const reference = table.counts[family]?.[observation.unit];
    if (reference === undefined || observation.slope === undefined) continue;
    const pairs = table.ks.flatMap((_, i) => {
      const y = observation.promptTokens[i];
      const r = reference[i];
      return y === undefined || r === undefined ? [] : [[y, r] as const];
    });
    const [firstY, firstR] = pairs[0]!;
    // Growth from the first k: the chat template's overhead cancels.
    const equal = pairs.every(([y, r]) => y - firstY === r - firstR);
    compared++;
    if (equal) matched++;
    else mismatches.push(observation.unit);
    slopeError += Math.abs(observation.slope - fitLine(table.ks, reference).slope);
  }
  return {
    family,
    agreement: compared === 0 ? 0 : matched / compared,
    matchedUnits: matched,
    comparedUnits: compared,
    meanSlopeError: compared === 0 ? Number.POSITIVE_INFINITY : slopeError / compared,
    mismatches,
  };
}
