/**
 * safetensors dtypes beyond the common ones: FP8 decoded bit-exactly (the shared case holds a reference
 * decode of all 256 byte patterns of F8_E4M3 and F8_E5M2), dtypes we cannot decode (F4, F8_E8M0, names
 * we do not know) listed and refused only when read, and FP8 weights with block scales
 * (`weight_scale_inv`, config.json `quantization_config.weight_block_size`) read dequantized, the
 * scales recognised as scales.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { FormatError } from "../../src/errors.js";
import { openModelSource } from "../../src/formats/model-source.js";
import { SafetensorsStore } from "../../src/formats/safetensors/store.js";
import { openCanonicalModel } from "../../src/naming/open.js";
import { buildInspectReport } from "../../src/report/inspect-report.js";
import { shared, skipUnlessShared } from "../helpers.js";
import { rejectsWith, tempDir, writeBytes } from "./build.js";

/** A safetensors file from raw entries (any dtype string), data laid out in order. */
function rawSafetensors(
  entries: [name: string, dtype: string, shape: number[], data: number[]][],
): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, dtype, shape, data] of entries) {
    header[name] = { dtype, shape, data_offsets: [offset, offset + data.length] };
    offset += data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(
    entries.flatMap(([, , , data]) => data),
    8 + json.length,
  );
  return out;
}

const f32Bytes = (values: number[]) => [...new Uint8Array(new Float32Array(values).buffer)];

test("FP8 decodes bit-exactly: known E4M3 and E5M2 codes", async () => {
  const bytes = [0x00, 0x80, 0x01, 0x38, 0x7e, 0x7f, 0xfe, 0x40];
  const path = await writeBytes(
    join(await tempDir(), "fp8.safetensors"),
    rawSafetensors([
      ["e4m3", "F8_E4M3", [8], bytes],
      ["e5m2", "F8_E5M2", [6], [0x00, 0x01, 0x3c, 0x7b, 0x7c, 0xfd]],
    ]),
  );
  const store = await SafetensorsStore.open([path]);
  const e4m3 = [...(await store.read("e4m3"))];
  // 0, −0, smallest subnormal 2^-9, 1, largest finite 448, NaN (S.1111.111 only: the "fn" variant), −448, 2.
  assert.ok(Object.is(e4m3[0], 0) && Object.is(e4m3[1], -0));
  assert.deepEqual([e4m3[2], e4m3[3], e4m3[4], e4m3[6], e4m3[7]], [2 ** -9, 1, 448, -448, 2]);
  assert.ok(Number.isNaN(e4m3[5]));
  // E5M2 is IEEE-like: 2^-16 subnormal, 1, 57344 max, +inf at 0x7c, NaN above.
  const e5m2 = [...(await store.read("e5m2"))];
  assert.deepEqual(e5m2.slice(0, 5), [0, 2 ** -16, 1, 57344, Number.POSITIVE_INFINITY]);
  assert.ok(Number.isNaN(e5m2[5]));
  await store.close();
});

/** expected.json is Python's JSON: Infinity / -Infinity as bare words, NaN as the string "nan". */
function parseReference(text: string): Record<string, number[]> {
  const parsed = JSON.parse(text.replace(/-?Infinity/g, (word) => `"${word}"`)) as Record<string, unknown[]>;
  const value = (v: unknown) =>
    v === "nan" ? Number.NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : (v as number);
  return Object.fromEntries(Object.entries(parsed).map(([key, list]) => [key, list.map(value)]));
}

test(
  "../shared/cases/st-fp8/fp8-all.safetensors: all 256 patterns of each FP8 dtype equal the reference decode",
  skipUnlessShared("cases", "st-fp8", "expected.json"),
  async () => {
    const expected = parseReference(await readFile(shared("cases", "st-fp8", "expected.json")!, "utf8"));
    const store = await SafetensorsStore.open([shared("cases", "st-fp8", "fp8-all.safetensors")!]);
    try {
      for (const [name, dtype] of [
        ["e4m3", "F8_E4M3"],
        ["e5m2", "F8_E5M2"],
      ] as const) {
        assert.equal(store.get(name)?.dtype, dtype);
        const decoded = await store.read(name);
        assert.equal(decoded.length, 256);
        for (let code = 0; code < 256; code++) {
          const want = expected[name]![code]!;
          const got = decoded[code]!;
          assert.ok(
            Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got)),
            `${name} 0x${code.toString(16)}: ${got} ≠ ${want}`,
          );
        }
      }
    } finally {
      await store.close();
    }
  },
);

test("dtypes we cannot decode are listed and refused only when that tensor is read, with its name", async () => {
  const path = await writeBytes(
    join(await tempDir(), "mixed.safetensors"),
    rawSafetensors([
      ["w", "F4", [2, 4], [0x21, 0x43, 0x65, 0x87]],
      ["scale", "F8_E8M0", [4], [127, 128, 126, 255]],
      ["future", "F3_E1M1X", [3], [1, 2, 3]],
      ["ok", "F32", [2], f32Bytes([1.5, -2])],
    ]),
  );
  const store = await SafetensorsStore.open([path]);
  try {
    assert.deepEqual(
      store.tensors.map((t) => [t.name, t.dtype, t.shape]),
      [
        ["w", "F4", [2, 4]],
        ["scale", "F8_E8M0", [4]],
        ["future", "F3_E1M1X", [3]],
        ["ok", "F32", [2]],
      ],
    );
    assert.deepEqual(await store.read("ok"), Float32Array.of(1.5, -2));
    for (const [name, dtype] of [
      ["w", "F4"],
      ["scale", "F8_E8M0"],
      ["future", "F3_E1M1X"],
    ]) {
      await rejectsWith(store.read(name!), FormatError, {
        file: path,
        field: `tensor ${name}`,
        message: new RegExp(`decoding ${dtype} tensors is not supported`),
      });
      await rejectsWith(store.readRows(name!, [0]), FormatError, { field: `tensor ${name}` });
    }
  } finally {
    await store.close();
  }
  // Sizes of the format's own dtypes are still checked (F4 packs two per byte), and a dtype must be a name.
  const dir = await tempDir();
  const short = await writeBytes(
    join(dir, "short.safetensors"),
    rawSafetensors([["w", "F4", [2, 4], [1, 2, 3]]]),
  );
  await rejectsWith(SafetensorsStore.open([short]), FormatError, { field: "tensor w.data_offsets" });
  const odd = await writeBytes(join(dir, "odd.safetensors"), rawSafetensors([["w", "F4", [3], [1, 2]]]));
  await rejectsWith(SafetensorsStore.open([odd]), FormatError, { field: "tensor w.data_offsets" });
  const junk = await writeBytes(
    join(dir, "junk.safetensors"),
    rawSafetensors([["w", "f32 or so", [1], [1]]]),
  );
  await rejectsWith(SafetensorsStore.open([junk]), FormatError, { field: "tensor w.dtype" });
});

test(
  "../shared/cases/st-fp8: e8m0.safetensors and f4.safetensors open and list their tensor; reading it is refused",
  skipUnlessShared("cases", "st-fp8"),
  async () => {
    for (const [file, name, dtype] of [
      ["e8m0.safetensors", "scale", "F8_E8M0"],
      ["f4.safetensors", "w", "F4"],
    ] as const) {
      const model = await openCanonicalModel(shared("cases", "st-fp8", file)!);
      try {
        const report = await buildInspectReport(model);
        assert.deepEqual(
          report.tensors.map((t) => [t.name, t.dtype]),
          [[name, dtype]],
        );
        assert.ok(report.notes.some((n) => n.includes(`dtype ${dtype}, which lineage cannot decode`)));
        await rejectsWith(model.source.store.read(name), FormatError, { field: `tensor ${name}` });
      } finally {
        await model.close();
      }
    }
  },
);

/** An HF folder with a [4, 6] FP8 q_proj in blocks of [2, 4] (scales [2, 2]) beside its `weight_scale_inv`. */
async function blockScaledFolder(blockSize: number[] | undefined, scaleShape = [2, 2]) {
  const dir = await tempDir();
  // Codes 0x38 + k: 1, 1.125, 1.25, … (E4M3 with exponent 7).
  const codes = Array.from({ length: 24 }, (_, i) => 0x38 + (i % 8));
  const scales = [2, 4, 8, 16].slice(
    0,
    scaleShape.reduce((a, b) => a * b, 1),
  );
  await writeFile(
    join(dir, "model.safetensors"),
    rawSafetensors([
      ["model.layers.0.self_attn.q_proj.weight", "F8_E4M3", [4, 6], codes],
      ["model.layers.0.self_attn.q_proj.weight_scale_inv", "F32", scaleShape, f32Bytes(scales)],
      ["model.layers.0.input_layernorm.weight", "F32", [6], f32Bytes([1, 1, 1, 1, 1, 1])],
    ]),
  );
  const config = {
    model_type: "llama",
    hidden_size: 6,
    num_attention_heads: 2,
    ...(blockSize === undefined
      ? {}
      : { quantization_config: { quant_method: "fp8", weight_block_size: blockSize } }),
  };
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  const fp8 = codes.map((code) => 1 + (code - 0x38) / 8);
  return { dir, fp8, scales };
}

test("FP8 weights with block scales read dequantized; the scales are scales, not parameters or unknown tensors", async () => {
  const { dir, fp8, scales } = await blockScaledFolder([2, 4]);
  const scaled = (blockCols: number) =>
    fp8.map((v, i) => {
      const [row, col] = [Math.floor(i / 6), i % 6];
      return v * scales[Math.floor(row / 2) * 2 + Math.floor(col / blockCols)]!;
    });
  const want = scaled(4);
  const model = await openCanonicalModel(dir);
  try {
    assert.deepEqual([...(await model.read("layers.0.attn.q"))], want);
    assert.deepEqual(
      [...(await model.readRows("layers.0.attn.q", [3, 0]))],
      [...want.slice(18, 24), ...want.slice(0, 6)],
    );
    assert.deepEqual(
      model.scales.map((t) => t.name),
      ["model.layers.0.self_attn.q_proj.weight_scale_inv"],
    );
    assert.deepEqual(model.unrecognised, []);
    const report = await buildInspectReport(model);
    assert.equal(report.parameterCount, 24 + 6);
    assert.ok(report.notes.some((n) => n.includes("1 quantization scale tensor(s)")));
  } finally {
    await model.close();
  }
  // Without weight_block_size the blocks are inferred from the shapes as equal as they can be: 6 columns
  // in 2 scale columns are blocks of 3 (with the config's blocks of 4 they were 4 + 2).
  const inferred = await openCanonicalModel((await blockScaledFolder(undefined)).dir);
  assert.deepEqual([...(await inferred.read("layers.0.attn.q"))], scaled(3));
  assert.notDeepEqual(scaled(3), want);
  await inferred.close();
  // A per-tensor scale ([1, 1]) multiplies every value.
  const single = await openCanonicalModel((await blockScaledFolder(undefined, [1, 1])).dir);
  assert.deepEqual(
    [...(await single.read("layers.0.attn.q"))],
    fp8.map((v) => v * 2),
  );
  await single.close();
});

test("a block scale that does not fit its weight is refused when the weight is read, naming it", async () => {
  const { dir } = await blockScaledFolder([4, 4]);
  const source = await openModelSource(dir);
  try {
    await rejectsWith(source.store.read("model.layers.0.self_attn.q_proj.weight"), FormatError, {
      field: "tensor model.layers.0.self_attn.q_proj.weight",
      message: /weight_block_size \[4, 4\].*needs \[1, 2\]/,
    });
    // The other tensors still read.
    assert.deepEqual(
      await source.store.read("model.layers.0.input_layernorm.weight"),
      new Float32Array(6).fill(1),
    );
  } finally {
    await source.store.close();
  }
});

test(
  "../shared/cases/st-fp8-blockscale: the FP8 model dequantizes to the BF16 reference within FP8 precision",
  skipUnlessShared("cases", "st-fp8-blockscale"),
  async () => {
    const sus = await openCanonicalModel(shared("cases", "st-fp8-blockscale", "sus-fp8")!);
    const ref = await openCanonicalModel(shared("cases", "st-fp8-blockscale", "ref-bf16")!);
    try {
      assert.equal(sus.scales.length, 14);
      assert.deepEqual(sus.unrecognised, []);
      assert.deepEqual(
        sus.tensors.map((t) => t.canonical).sort(),
        ref.tensors.map((t) => t.canonical).sort(),
      );
      for (const tensor of ref.tensors) {
        const a = await sus.read(tensor.canonical);
        const b = await ref.read(tensor.canonical);
        let error = 0;
        let norm = 0;
        for (let i = 0; i < a.length; i++) {
          error += (a[i]! - b[i]!) ** 2;
          norm += b[i]! ** 2;
        }
        // E4M3 keeps 3 mantissa bits: relative rounding error at most 2^-4 per value.
        assert.ok(Math.sqrt(error / norm) < 2 ** -4, `${tensor.canonical}: ${Math.sqrt(error / norm)}`);
      }
    } finally {
      await sus.close();
      await ref.close();
    }
  },
);
