import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { dequantize } from "../../src/formats/gguf/dequant.js";
import { requireGgmlType } from "../../src/formats/gguf/ggml-types.js";
import { fixture } from "../helpers.js";

interface OracleCase {
  type: string;
  hex: string;
  values: number[];
}

const oracle = JSON.parse(readFileSync(fixture("gguf", "dequant-oracle.json"), "utf8")) as {
  cases: OracleCase[];
};

test("the oracle covers every dequantizable family", () => {
  assert.deepEqual(oracle.cases.map((c) => c.type).sort(), [
    "BF16",
    "F16",
    "Q2_K",
    "Q3_K",
    "Q4_0",
    "Q4_1",
    "Q4_K",
    "Q5_0",
    "Q5_1",
    "Q5_K",
    "Q6_K",
    "Q8_0",
  ]);
});

for (const oracleCase of oracle.cases) {
  test(`${oracleCase.type} matches llama.cpp's reference dequantizer bit for bit`, () => {
    const bytes = new Uint8Array(Buffer.from(oracleCase.hex, "hex"));
    const type = requireGgmlType(oracleCase.type);
    const decoded = dequantize(bytes, type);
    const expected = new Float32Array(oracleCase.values);
    assert.equal(decoded.length, expected.length);
    let mismatches = 0;
    for (let i = 0; i < expected.length; i++) if (!Object.is(decoded[i], expected[i])) mismatches++;
    assert.equal(mismatches, 0, `${mismatches} of ${expected.length} values differ`);
    // And into a caller's buffer at the same values.
    const out = new Float32Array(expected.length);
    assert.equal(dequantize(bytes, type, out), out);
    assert.deepEqual(out, expected);
  });
}

test("refuses a partial block and a too-small output, accepts whole blocks", () => {
  const type = requireGgmlType("Q4_K");
  assert.equal(dequantize(new Uint8Array(144), type).length, 256);
  assert.throws(() => dequantize(new Uint8Array(143), type), FormatError);
  assert.throws(() => dequantize(new Uint8Array(144), type, new Float32Array(255)), FormatError);
});

test("refuses types that are named but not decodable", () => {
  assert.throws(() => dequantize(new Uint8Array(66), requireGgmlType("IQ2_XXS")), /IQ2_XXS/);
});
