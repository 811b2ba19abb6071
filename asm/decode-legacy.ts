// GGML's 32-value "legacy" blocks → float32 (block_q4_0 … block_q8_0 in ggml-common.h). Each function
// decodes `blocks` whole blocks from src into dst (blocks × 32 float32). Reference, bit for bit:
// src/formats/gguf/dequant-legacy.ts.
import { halfToF32 } from "./half";
import { emitMul, emitMulAdd, highBits } from "./lanes";

const LOW = i8x16.splat(0x0f);

export function decodeQ8_0(src: usize, blocks: i32, dst: usize): void {
  for (let b = 0; b < blocks; b++, src += 34, dst += 128) {
    const d = f32x4.splat(halfToF32(<u32>load<u16>(src)));
    emitMul(v128.load(src + 2), d, dst);
    emitMul(v128.load(src + 18), d, dst + 64);
  }
}

export function decodeQ4_0(src: usize, blocks: i32, dst: usize): void {
  const eight = i8x16.splat(8);
  for (let b = 0; b < blocks; b++, src += 18, dst += 128) {
    const d = f32x4.splat(halfToF32(<u32>load<u16>(src)));
    const q = v128.load(src + 2);
    emitMul(i8x16.sub(v128.and(q, LOW), eight), d, dst);
    emitMul(i8x16.sub(i8x16.shr_u(q, 4), eight), d, dst + 64);
  }
}

export function decodeQ4_1(src: usize, blocks: i32, dst: usize): void {
  for (let b = 0; b < blocks; b++, src += 20, dst += 128) {
    const d = f32x4.splat(halfToF32(<u32>load<u16>(src)));
    const m = f32x4.splat(halfToF32(<u32>load<u16>(src + 2)));
    const q = v128.load(src + 4);
    emitMulAdd(v128.and(q, LOW), d, m, dst);
    emitMulAdd(i8x16.shr_u(q, 4), d, m, dst + 64);
  }
}

export function decodeQ5_0(src: usize, blocks: i32, dst: usize): void {
  const sixteen = i8x16.splat(16);
  for (let b = 0; b < blocks; b++, src += 22, dst += 128) {
    const d = f32x4.splat(halfToF32(<u32>load<u16>(src)));
    const qh = load<u32>(src + 2);
    const q = v128.load(src + 6);
    emitMul(i8x16.sub(v128.or(v128.and(q, LOW), highBits(qh, 0)), sixteen), d, dst);
    emitMul(i8x16.sub(v128.or(i8x16.shr_u(q, 4), highBits(qh, 16)), sixteen), d, dst + 64);
  }
}

export function decodeQ5_1(src: usize, blocks: i32, dst: usize): void {
  for (let b = 0; b < blocks; b++, src += 24, dst += 128) {
    const d = f32x4.splat(halfToF32(<u32>load<u16>(src)));
    const m = f32x4.splat(halfToF32(<u32>load<u16>(src + 2)));
    const qh = load<u32>(src + 4);
    const q = v128.load(src + 8);
    emitMulAdd(v128.or(v128.and(q, LOW), highBits(qh, 0)), d, m, dst);
    emitMulAdd(v128.or(i8x16.shr_u(q, 4), highBits(qh, 16)), d, m, dst + 64);
  }
}
