import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { halfToFloat } from "../../src/formats/decode.js";
import type { SafetensorsDtype } from "../../src/formats/dtype.js";
import { encodeFloat32, floatToBf16, floatToHalf } from "../../src/formats/encode.js";
import { SafetensorsStore } from "../../src/formats/safetensors/store.js";
import { encodeSafetensors } from "../../src/formats/safetensors/writer.js";
import { tempDir, writeBytes } from "./build.js";

/** Known bit patterns (little-endian hex of each element) and the values they must decode to. */
const CASES: { dtype: SafetensorsDtype; hex: string[]; values: number[] }[] = [
  { dtype: "F64", hex: ["000000000000f83f", "000000000000d0bf"], values: [1.5, -0.25] },
  { dtype: "F32", hex: ["0000c03f", "000000c0", "0000807f"], values: [1.5, -2, Infinity] },
  {
    dtype: "F16",
    hex: ["003c", "00c0", "ff7b", "0100", "007c", "0000", "0080"],
    values: [1, -2, 65504, 2 ** -24, Infinity, 0, -0],
  },
  { dtype: "BF16", hex: ["803f", "40c0", "0100", "807f"], values: [1, -3, 2 ** -133, Infinity] },
  { dtype: "F8_E4M3", hex: ["38", "7e", "01", "b8", "08"], values: [1, 448, 2 ** -9, -1, 2 ** -6] },
  { dtype: "F8_E5M2", hex: ["3c", "7b", "7c", "01", "c0"], values: [1, 57344, Infinity, 2 ** -16, -2] },
  { dtype: "I64", hex: ["fbffffffffffffff", "0000000000010000"], values: [-5, 2 ** 40] },
  { dtype: "I32", hex: ["00000080", "ffffff7f"], values: [-(2 ** 31), 2 ** 31 - 1] },
  { dtype: "I16", hex: ["0080", "ff7f", "ffff"], values: [-32768, 32767, -1] },
  { dtype: "I8", hex: ["80", "7f", "ff"], values: [-128, 127, -1] },
  { dtype: "U8", hex: ["ff", "00", "80"], values: [255, 0, 128] },
  { dtype: "BOOL", hex: ["00", "01"], values: [0, 1] },
];

test("every safetensors dtype decodes known bit patterns through the store", async () => {
  const dir = await tempDir();
  const tensors = CASES.map((c) => ({
    name: c.dtype,
    dtype: c.dtype,
    shape: [c.values.length],
    data: Uint8Array.from(Buffer.from(c.hex.join(""), "hex")),
  }));
  const path = await writeBytes(join(dir, "dtypes.safetensors"), encodeSafetensors(tensors));
  const store = await SafetensorsStore.open([path]);
  for (const c of CASES) {
    const decoded = [...(await store.read(c.dtype))];
    assert.deepEqual(decoded, c.values.map(Math.fround), c.dtype);
    assert.equal(store.get(c.dtype)?.dtype, c.dtype);
  }
  await store.close();
});

test("FP8 NaN encodings decode to NaN (E4M3 has only S.1111.111; E5M2 has IEEE NaNs)", async () => {
  const dir = await tempDir();
  const path = await writeBytes(
    join(dir, "nan.safetensors"),
    encodeSafetensors([
      { name: "a", dtype: "F8_E4M3", shape: [3], data: Uint8Array.from([0x7f, 0xff, 0x7e]) },
      { name: "b", dtype: "F8_E5M2", shape: [2], data: Uint8Array.from([0x7f, 0x7d]) },
    ]),
  );
  const store = await SafetensorsStore.open([path]);
  const a = await store.read("a");
  assert.ok(Number.isNaN(a[0]) && Number.isNaN(a[1]));
  assert.equal(a[2], 448);
  assert.ok([...(await store.read("b"))].every(Number.isNaN));
  await store.close();
});

test("float32 → F16/BF16 encoders round to nearest even and invert the decoders", () => {
  for (let h = 0; h < 0x7c00; h += 7) assert.equal(floatToHalf(halfToFloat(h)), h);
  assert.equal(floatToBf16(1), 0x3f80);
  // 1 + 2^-8 is exactly halfway between bf16 1 and 1 + 2^-7: ties to even → 1.
  assert.equal(floatToBf16(1 + 2 ** -8), 0x3f80);
  assert.equal(floatToBf16(1 + 3 * 2 ** -8), 0x3f82);
  assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00);
  assert.equal(floatToHalf(1e6), 0x7c00);
  const bytes = encodeFloat32(Float32Array.from([1, -3]), "BF16");
  assert.deepEqual([...bytes], [0x80, 0x3f, 0x40, 0xc0]);
});
