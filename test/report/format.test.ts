import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatBytes,
  formatLog10PValue,
  formatPercent,
  formatPValue,
  formatSimilarity,
  formatZ,
} from "../../src/report/format.js";

describe("one formatting rule for every report", () => {
  it("p-values: a floor is a bound, three decimals down to 0.001, then mantissa and exponent", () => {
    assert.equal(formatPValue(1e-300), "< 1e-300");
    assert.equal(formatPValue(0), "< 1e-300");
    assert.equal(formatPValue(3e-40), "3.0e-40");
    assert.equal(formatPValue(3.2e-9), "3.2e-9");
    assert.equal(formatPValue(9.96e-5), "1.0e-4", "a mantissa that rounds to 10 moves the exponent");
    assert.equal(formatPValue(0.00913), "0.009");
    assert.equal(formatPValue(0.0412), "0.041");
    assert.equal(formatPValue(0.318), "0.318");
    assert.equal(formatPValue(1), "1.000");
    assert.equal(formatPValue(undefined), "—");
    // A producer with a higher floor (the library's normal approximation) passes it.
    assert.equal(formatPValue(1e-16, 1e-16), "< 1e-16");
    assert.equal(formatPValue(5.5e-9, 1e-16), "5.5e-9");
    // With the unfloored exponent, nothing is floored.
    assert.equal(formatPValue(1e-300, undefined, -1650.5), "3.2e-1651");
    assert.equal(formatLog10PValue(Math.log10(0.318)), "0.318");
  });

  it("percentages: only exact 0 and 1 print as 0% and 100%", () => {
    assert.equal(formatPercent(1), "100%");
    assert.equal(formatPercent(0.9996), "> 99.9%");
    assert.equal(formatPercent(0.011), "1.1%");
    assert.equal(formatPercent(0.0004), "< 0.1%");
    assert.equal(formatPercent(0), "0%");
    assert.equal(formatPercent(null), "—");
  });

  it("similarities, z-scores and sizes", () => {
    assert.equal(formatSimilarity(0.00912), "0.009");
    assert.equal(formatSimilarity(-0.0002), "0.000");
    assert.equal(formatSimilarity(-0.002), "-0.002");
    assert.equal(formatZ(87.66), "87.7");
    assert.equal(formatZ(null), "—");
    assert.equal(formatBytes(4_512_000), "4.5 MB");
  });
});
