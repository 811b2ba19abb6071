/**
 * Writes a synthetic Hugging Face checkpoint (config.json, tokenizer, model.safetensors) of a
 * blueprint's shape, tensor by tensor and row block by row block (never a whole model, at most one
 * writer matrix, in memory), at memory speed: values come from the benchmark's WebAssembly generator.
 *
 * The recipe (why each piece is there is in docs/bench.md, "How the models are generated"):
 *   - every value is a function of (model seed, tensor id, element index), so a permuted copy can
 *     regenerate any reference row on its own;
 *   - matrices: W = diag(r) · (G + U·Vᵀ) · diag(c), G i.i.d. (Irwin–Hall(8) ≈ Gaussian) carrying 75%
 *     of the variance, U·Vᵀ a rank-8 part carrying 25%, r and c log-normal row/column factors; the
 *     factor along the residual axis is the model's residual profile (log-normal with outlier dims
 *     ×4, shared by every matrix of the model, as trained models' "massive activation" dims are);
 *     element std ≈ 0.02;
 *   - embeddings and head: a "language" part Z·A (Z = token latents of rank 16, the SAME for every
 *     generated model, like a shared training corpus; A per model) carrying half the variance, plus
 *     i.i.d. noise, times the residual profile: independent models' anchor Gram matrices correlate,
 *     as real models trained on the same data do;
 *   - norm gains: log-normal around a per-tensor level (not all 1);
 * Variants: `noise` adds i.i.d. noise (ratio × 0.02); `permute` relabels the residual stream, the
 * attention heads (KV groups with their query heads, value dims; q/k dims kept for RoPE) and the MLP
 * neurons, and permutes routed experts, exactly as src/transform's permuteHidden/permuteHeads/
 * permuteMlp with the same seed would; with `rotate` the residual stream is also rotated (norm gains
 * folded into the matrices that read it, then Q = H·D·P: a permutation, random signs and a blocked
 * Walsh–Hadamard transform); `upcycleFrom` turns a dense model into a MoE whose experts are noised
 * copies of its MLP.
 */
import { copyFile, mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeSafetensorsHeader, type SafetensorsTensorSpec } from "../../src/formats/safetensors/writer.js";
import { headPermutation } from "../../src/transform/permute-heads.js";
import { randomFor, streamSeed } from "../../src/transform/seeds.js";
import { hfConfig, type ModelShape, type TensorPlan, tensorPlans, type Units } from "./blueprint.js";
import type { Generator } from "./generator-wasm.js";

export interface Variant {
  /** Seed of the reference values (another seed = an independent model of the same recipe). */
  seed: number;
  noise?: { ratio: number; seed: number };
  permute?: { seed: number; rotate: boolean };
  /** A dense shape whose MLPs the experts copy (with `noise` per expert); attention and embeddings
   * are the dense model's. */
  upcycleFrom?: ModelShape;
}

const STD = 0.02;
const RANK = 8;
const LOW_RANK_SHARE = 0.25;
const LANGUAGE_RANK = 16;
const LANGUAGE_SHARE = 0.5;
/** Seed of the token latents Z shared by every generated model (the "language"). */
const LANGUAGE_SEED = 0x1a2b3c4d;
/** Float32 bytes of one row block (FP8 blocks are 128 rows whatever their width). */
const BLOCK_BYTES = 8 * 1024 * 1024;

type Key = readonly [number, number];

function keyOf(seed: number, label: string): Key {
  return [streamSeed(seed, label), streamSeed(seed ^ 0x632be5ab, label)];
}

/** Largest power of two dividing n (the Hadamard block of the residual rotation). */
function hadamardBlock(n: number): number {
  return n & -n;
}

/** Where each output row/column of a tensor comes from, and what the rotation does to it. */
interface Mapping {
  source: TensorPlan;
  rowMap: Int32Array | undefined;
  colMap: Int32Array | undefined;
  /** Multiplier per output column (rotation: signs × folded norm gain). */
  colMul: Float32Array | undefined;
  /** Multiplier per output row (rotation of a writer: signs). */
  rowMul: Float32Array | undefined;
  rotateCols: boolean;
  rotateRows: boolean;
  /** A residual norm gain replaced by ones (folded into the matrices under rotation). */
  ones: boolean;
}

export class ModelWriter {
  private readonly plans: TensorPlan[];
  private readonly byId = new Map<string, TensorPlan>();
  private readonly profiles = new Map<number, Float32Array>();
  private readonly unitMaps = new Map<string, Int32Array>();
  private residualPerm: Int32Array | undefined;
  private signs: Float32Array | undefined;

  constructor(
    private readonly gen: Generator,
    private readonly shape: ModelShape,
    private readonly variant: Variant,
  ) {
    this.plans = tensorPlans(shape);
    const reference = variant.upcycleFrom === undefined ? this.plans : tensorPlans(variant.upcycleFrom);
    for (const plan of reference) this.byId.set(plan.id, plan);
    if (variant.permute !== undefined) {
      this.residualPerm = randomFor(variant.permute.seed, "hidden").permutation(shape.hidden);
      if (variant.permute.rotate) {
        const random = randomFor(variant.permute.seed, "rotation.signs");
        this.signs = Float32Array.from({ length: shape.hidden }, () => (random.next() < 0.5 ? -1 : 1));
      }
    }
  }

  /** Writes config.json, the tokenizer and model.safetensors; returns bytes written. */
  async write(folder: string, tokenizer: string): Promise<number> {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "config.json"), `${JSON.stringify(hfConfig(this.shape), null, 2)}\n`);
    await copyFile(
      tokenizer,
      join(folder, tokenizer.endsWith(".json") ? "tokenizer.json" : "tokenizer.model"),
    );
    const specs: SafetensorsTensorSpec[] = [];
    for (const plan of this.plans) {
      specs.push({ name: plan.name, dtype: plan.dtype, shape: plan.shape });
      if (plan.dtype === "F8_E4M3") {
        const [rows, cols] = plan.shape as [number, number];
        specs.push({
          name: `${plan.name.replace(/\.weight$/, "")}.weight_scale_inv`,
          dtype: "F32",
          shape: [Math.ceil(rows / 128), Math.ceil(cols / 128)],
        });
      }
    }
    const header = encodeSafetensorsHeader(specs, { format: "pt" });
    const handle = await open(join(folder, "model.safetensors"), "w");
    try {
      await handle.write(header.bytes, 0, header.bytes.byteLength, 0);
      let spec = 0;
      for (const plan of this.plans) {
        const at = header.bytes.byteLength + header.offsets[spec++]![0];
        const scalesAt = plan.dtype === "F8_E4M3" ? header.bytes.byteLength + header.offsets[spec++]![0] : 0;
        await this.writeTensor(
          plan,
          async (bytes, offset) => {
            await handle.write(bytes, 0, bytes.byteLength, at + offset);
          },
          async (scales) => {
            const bytes = new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength);
            await handle.write(bytes, 0, bytes.byteLength, scalesAt);
          },
        );
      }
      return header.bytes.byteLength + (header.offsets.at(-1)?.[1] ?? 0);
    } finally {
      await handle.close();
    }
  }

  // ---- reference values ---------------------------------------------------------------------

  /** The model's residual profile: log-normal (σ 0.1) with about one dim in 256 raised ×4. */
  private profile(seed: number): Float32Array {
    let profile = this.profiles.get(seed);
    if (profile === undefined) {
      const z = this.gen.gaussian(this.shape.hidden, keyOf(seed, "residual.profile"), 1);
      const pick = keyOf(seed, "residual.outliers")[0];
      profile = z.map((v, c) => Math.exp(0.1 * v) * ((streamSeed(pick, String(c)) & 255) === 0 ? 4 : 1));
      this.profiles.set(seed, profile);
    }
    return profile;
  }

  /** Factors along one axis of a reference tensor: the residual profile, or log-normal (σ 0.15). */
  private factors(plan: TensorPlan, axis: "rows" | "cols", n: number): Float32Array {
    const units = axis === "rows" ? plan.rowUnits : plan.colUnits;
    if (units?.kind === "residual") return this.profile(this.variant.seed);
    return this.gen
      .gaussian(n, keyOf(this.variant.seed, `${plan.id}:${axis}`), 1)
      .map((v) => Math.exp(0.15 * v));
  }

  /** A reference vector (norm gain or bias) of n values. */
  private vector(plan: TensorPlan): Float32Array {
    const n = plan.shape[0]!;
    const key = keyOf(this.variant.seed, plan.id);
    if (plan.init === "bias") return this.gen.gaussian(n, key, STD);
    const level = Math.exp(0.4 * this.gen.gaussian(4, keyOf(this.variant.seed, `${plan.id}:level`), 1)[0]!);
    return this.gen.gaussian(n, key, 1).map((v) => level * Math.exp(0.25 * v));
  }

  /**
   * Reference rows `rows` of `plan` into buf ([rows.length × cols] float32 in linear memory), each row
   * multiplied by rowMul[i] when given.
   */
  private referenceRows(
    plan: TensorPlan,
    rows: Int32Array,
    cols: number,
    buf: number,
    rowMul: Float32Array | undefined,
  ): void {
    const g = this.gen;
    const x = g.exports;
    const n = rows.length;
    const mark = g.mark();
    const seed = this.variant.seed;
    const embedding = plan.init === "embedding";
    const rank = embedding ? LANGUAGE_RANK : RANK;
    const noiseStd = embedding ? STD * Math.sqrt(1 - LANGUAGE_SHARE) : STD * Math.sqrt(1 - LOW_RANK_SHARE);
    const gKey = keyOf(seed, `${plan.id}:G`);
    for (let i = 0; i < n; i++)
      x.gaussian(buf + i * cols * 4, cols, rows[i]! * cols, gKey[0], gKey[1], noiseStd);
    const u = g.alloc(n * rank * 4);
    const uKey = embedding ? keyOf(LANGUAGE_SEED, "tokens") : keyOf(seed, `${plan.id}:U`);
    for (let i = 0; i < n; i++) x.gaussian(u.ptr + i * rank * 4, rank, rows[i]! * rank, uKey[0], uKey[1], 1);
    const vt = g.alloc(rank * cols * 4);
    const vStd = embedding ? STD * Math.sqrt(LANGUAGE_SHARE / rank) : STD * Math.sqrt(LOW_RANK_SHARE / rank);
    const vKey = keyOf(seed, `${plan.id}:V`);
    x.gaussian(vt.ptr, rank * cols, 0, vKey[0], vKey[1], vStd);
    x.addLowRank(buf, n, cols, u.ptr, vt.ptr, rank);
    const rowFactors = embedding ? undefined : this.cachedFactors(plan, "rows", plan.shape[0]!);
    const colFactors = this.cachedFactors(plan, "cols", cols);
    const rs = g.alloc(n * 4);
    const rsView = g.f32(rs);
    for (let i = 0; i < n; i++) rsView[i] = (rowFactors?.[rows[i]!] ?? 1) * (rowMul?.[i] ?? 1);
    const cs = g.alloc(cols * 4);
    g.f32(cs).set(colFactors);
    x.scaleRowsCols(buf, n, cols, rs.ptr, cs.ptr);
    g.release(mark);
  }

  /** Row and column factors of the tensor being written (one tensor at a time). */
  private factorCache: { id: string; rows?: Float32Array; cols?: Float32Array } = { id: "" };
  private cachedFactors(plan: TensorPlan, axis: "rows" | "cols", n: number): Float32Array {
    if (this.factorCache.id !== plan.id) this.factorCache = { id: plan.id };
    this.factorCache[axis] ??= this.factors(plan, axis, n);
    return this.factorCache[axis];
  }

  // ---- variants -------------------------------------------------------------------------------

  private units(units: Units | undefined, n: number): Int32Array | undefined {
    const permute = this.variant.permute;
    if (permute === undefined || units === undefined) return undefined;
    if (units.kind === "residual") return this.residualPerm;
    const label =
      units.kind === "mlp"
        ? `mlp.${units.layer}${units.expert === undefined ? "" : `.${units.expert}`}`
        : `${units.kind}.${units.layer}`;
    let map = this.unitMaps.get(label);
    if (map === undefined) {
      if (units.kind === "mlp") map = randomFor(permute.seed, label).permutation(n);
      else if (units.kind === "experts")
        map = randomFor(permute.seed, `experts.${units.layer}`).permutation(n);
      else {
        const heads = headPermutation(
          { dim: this.shape.hidden, nHeads: this.shape.heads, nKvHeads: this.shape.kvHeads },
          permute.seed,
          units.layer,
        );
        map = { q: heads.qRows, k: heads.kRows, v: heads.vRows, o: heads.oCols }[units.kind];
      }
      this.unitMaps.set(label, map);
    }
    return map;
  }

  private mapping(plan: TensorPlan): Mapping {
    let sourceId = plan.id;
    if (this.variant.upcycleFrom !== undefined && plan.expert !== undefined) {
      const part = /\.(w1|gate_proj)\.weight$/.test(plan.name)
        ? "gate_proj"
        : /\.(w3|up_proj)\.weight$/.test(plan.name)
          ? "up_proj"
          : "down_proj";
      sourceId = `model.layers.${plan.expert.layer}.mlp.${part}.weight`;
    } else if (this.variant.permute !== undefined && plan.expert !== undefined) {
      const from = this.units({ kind: "experts", layer: plan.expert.layer }, this.shape.experts)![
        plan.expert.index
      ]!;
      sourceId = plan.id.replace(`.experts.${plan.expert.index}.`, `.experts.${from}.`);
    }
    const source = this.byId.get(sourceId) ?? plan;
    const [rows, cols] = plan.shape.length === 1 ? [plan.shape[0]!, 1] : (plan.shape as [number, number]);
    const rotate = this.variant.permute?.rotate === true;
    const mapping: Mapping = {
      source,
      rowMap: this.units(plan.rowUnits, rows),
      colMap: plan.shape.length === 1 ? undefined : this.units(plan.colUnits, cols),
      colMul: undefined,
      rowMul: undefined,
      rotateCols: rotate && plan.shape.length === 2 && plan.colUnits?.kind === "residual",
      rotateRows: rotate && plan.shape.length === 2 && plan.rowUnits?.kind === "residual",
      ones: rotate && plan.shape.length === 1 && plan.rowUnits?.kind === "residual",
    };
    if (mapping.rotateCols) {
      const gainPlan = plan.norm === undefined ? undefined : this.byId.get(plan.norm);
      const gain = gainPlan === undefined ? undefined : this.vector(gainPlan);
      const perm = this.residualPerm!;
      mapping.colMul = Float32Array.from(
        { length: cols },
        (_, c) => this.signs![c]! * (gain?.[perm[c]!] ?? 1),
      );
    }
    if (mapping.rotateRows) mapping.rowMul = this.signs;
    return mapping;
  }

  // ---- writing ----------------------------------------------------------------------------------

  private async writeTensor(
    plan: TensorPlan,
    write: (bytes: Uint8Array, offset: number) => Promise<void>,
    writeScales: (scales: Float32Array) => Promise<void>,
  ): Promise<void> {
    const map = this.mapping(plan);
    const g = this.gen;
    const x = g.exports;
    const noise = this.variant.noise;
    if (plan.shape.length === 1) {
      const n = plan.shape[0]!;
      const reference = this.vector(map.source);
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) values[i] = map.ones ? 1 : reference[map.rowMap?.[i] ?? i]!;
      if (noise !== undefined) {
        const extra = g.gaussian(n, keyOf(noise.seed, `${plan.id}:noise`), noise.ratio * STD);
        for (let i = 0; i < n; i++) values[i] = values[i]! + extra[i]!;
      }
      await write(this.encode(values, plan.dtype), 0);
      return;
    }
    const [rows, cols] = plan.shape as [number, number];
    const fp8 = plan.dtype === "F8_E4M3";
    let block = Math.max(1, Math.floor(BLOCK_BYTES / (cols * 4)));
    if (fp8) block = 128;
    if (map.rotateRows) block = hadamardBlock(rows);
    const scales = fp8 ? new Float32Array(Math.ceil(rows / 128) * Math.ceil(cols / 128)) : undefined;
    for (let r0 = 0; r0 < rows; r0 += block) {
      const n = Math.min(block, rows - r0);
      g.reset();
      const buf = g.alloc(n * cols * 4);
      const tmp = g.alloc(n * cols * 4);
      const source = Int32Array.from({ length: n }, (_, i) => map.rowMap?.[r0 + i] ?? r0 + i);
      const rowMul = map.rowMul?.subarray(r0, r0 + n);
      this.referenceRows(map.source, source, cols, buf.ptr, rowMul);
      let data = buf;
      if (noise !== undefined) {
        const key = keyOf(noise.seed, `${plan.id}:noise`);
        x.gaussian(tmp.ptr, n * cols, r0 * cols, key[0], key[1], noise.ratio * STD);
        x.axpy(buf.ptr, tmp.ptr, n * cols, 1);
      }
      if (map.colMap !== undefined || map.colMul !== undefined) {
        const index = g.alloc(cols * 4);
        const mul = g.alloc(cols * 4);
        const indexView = g.i32(index);
        const mulView = g.f32(mul);
        for (let c = 0; c < cols; c++) {
          indexView[c] = map.colMap?.[c] ?? c;
          mulView[c] = map.colMul?.[c] ?? 1;
        }
        x.gatherCols(buf.ptr, n, cols, index.ptr, mul.ptr, tmp.ptr);
        data = tmp;
      }
      if (map.rotateCols) x.hadamardRows(data.ptr, n, cols, hadamardBlock(cols));
      if (map.rotateRows) x.hadamardAcross(data.ptr, n, cols, n);
      if (fp8) {
        const bytes = g.alloc(n * cols);
        const tiles = g.alloc(Math.ceil(cols / 128) * 4);
        x.encodeFp8Blocks(data.ptr, n, cols, bytes.ptr, tiles.ptr);
        scales!.set(g.f32(tiles), (r0 / 128) * Math.ceil(cols / 128));
        await write(g.u8(bytes), r0 * cols); // written before the arena is reused
      } else {
        const bytes = g.alloc(n * cols * 2);
        x.encodeBf16(data.ptr, n * cols, bytes.ptr);
        await write(g.u8(bytes), r0 * cols * 2);
      }
    }
    if (scales !== undefined) await writeScales(scales);
  }

  private encode(values: Float32Array, dtype: TensorPlan["dtype"]): Uint8Array {
    if (dtype === "F32") return new Uint8Array(values.slice().buffer);
    const g = this.gen;
    const mark = g.mark();
    const src = g.alloc(values.length * 4);
    g.f32(src).set(values);
    const dst = g.alloc(values.length * 2);
    g.exports.encodeBf16(src.ptr, values.length, dst.ptr);
    const out = g.u8(dst).slice();
    g.release(mark);
    return out;
  }
}
