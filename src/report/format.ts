/**
 * One formatting rule per kind of number, used by every report: terminal, HTML, summaries, library
 * tables. A figure printed twice must read the same both times (issue 12), so nothing else in
 * src/report formats p-values, shares or similarities by hand.
 */

/** Smallest p-value any producer reports: doubles underflow near 1e-308 and tails are floored here. */
export const P_DISPLAY_FLOOR = 1e-300;

/**
 * A p-value from its log10, so it never floors: `0.318`, `0.001`, `4.2e-5`, `3.1e-1651` (the compare
 * engine's sentences use it too): three decimals down to 0.001, then one-decimal mantissa and exponent.
 */
export function formatLog10PValue(log10: number): string {
  if (Number.isNaN(log10)) return "—";
  if (log10 >= 0) return "1.000";
  if (log10 >= -3) return (10 ** log10).toFixed(3);
  if (!Number.isFinite(log10)) return "0";
  let exponent = Math.floor(log10);
  let mantissa = 10 ** (log10 - exponent);
  if (mantissa >= 9.95) {
    mantissa = 1;
    exponent += 1;
  }
  return `${mantissa.toFixed(1)}e${exponent}`;
}

/**
 * A p-value as people read it, by the rule of `formatLog10PValue` (the one implementation). Pass `log10`
 * when the producer keeps the unfloored exponent (compare, library match): it is used whenever finite.
 * Otherwise a `p` at or below `floor` (default 1e-300, where doubles stop) is a bound, not a figure, and
 * prints as `< 1e-300`.
 */
export function formatPValue(p: number | null | undefined, floor = P_DISPLAY_FLOOR, log10?: number): string {
  if (log10 !== undefined && Number.isFinite(log10)) return formatLog10PValue(log10);
  if (p === null || p === undefined || Number.isNaN(p)) return "—";
  if (p <= floor) return `< ${formatFloor(floor)}`;
  return formatLog10PValue(Math.log10(Math.min(p, 1)));
}

function formatFloor(floor: number): string {
  const exponent = Math.log10(floor);
  return Number.isInteger(exponent) ? `1e${exponent}` : floor.toExponential(0);
}

/** A similarity or correlation (CKA, invariant correlation): three decimals, no negative zero. */
export function formatSimilarity(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const text = value.toFixed(3);
  return /^-0\.0+$/.test(text) ? text.slice(1) : text;
}

/**
 * A share in [0, 1] as a percentage with one decimal. Only an exact 1 prints `100%` and only an exact 0
 * prints `0%`: 99.96% unchanged is `> 99.9%`, not a claim that nothing changed.
 */
export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—";
  if (share === 1) return "100%";
  if (share === 0) return "0%";
  const text = (share * 100).toFixed(1);
  if (text === "100.0") return "> 99.9%";
  if (text === "0.0") return "< 0.1%";
  return `${text}%`;
}

/** A separation in standard deviations: one decimal. */
export function formatZ(z: number | null | undefined): string {
  return z === null || z === undefined || !Number.isFinite(z) ? "—" : z.toFixed(1);
}

/** A count with thousands separators: `32,000`. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Any other number: integers with separators, others with `digits` decimals or in exponent form when tiny. */
export function formatNumber(value: number | string | boolean | null | undefined, digits = 3): string {
  if (value === null || value === undefined) return "—";
  if (typeof value !== "number") return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return formatCount(value);
  return Math.abs(value) < 10 ** -digits ? value.toExponential(1) : value.toFixed(digits);
}

/** Bytes in decimal units, one decimal: `4.5 MB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Seconds with two decimals: `1.59 s`. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}
