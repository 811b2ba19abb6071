/**
 * One way to write a p-value, from its log10 so it never floors: 0.318, 4.2e-5, 3.1e-1651. Terminal,
 * HTML and sentences all use this.
 */
export function formatLog10P(log10: number): string {
  if (!Number.isFinite(log10)) return log10 > 0 ? "1" : "0";
  if (log10 >= -3) return `${(10 ** log10).toFixed(3)}`;
  let exponent = Math.floor(log10);
  let mantissa = 10 ** (log10 - exponent);
  if (mantissa >= 9.95) {
    mantissa = 1;
    exponent += 1;
  }
  return `${mantissa.toFixed(1)}e${exponent}`;
}
