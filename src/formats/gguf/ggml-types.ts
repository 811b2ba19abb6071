/**
 * GGML tensor element types as numbered in ggml.h / GGUF files: name, block size (elements per block)
 * and block byte size. Every id a current GGUF writer can emit is named here so `inspect` can list
 * any file; `DEQUANTIZABLE` says which of them `GgufStore.read` decodes to float32.
 */
import { FormatError } from "../../errors.js";

export interface GgmlType {
  id: number;
  name: string;
  /** Elements per block (1 for plain types). */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
}

const TYPES: readonly GgmlType[] = [
  { id: 0, name: "F32", blockSize: 1, typeSize: 4 },
  { id: 1, name: "F16", blockSize: 1, typeSize: 2 },
  { id: 2, name: "Q4_0", blockSize: 32, typeSize: 18 },
  { id: 3, name: "Q4_1", blockSize: 32, typeSize: 20 },
  // 4 (Q4_2) and 5 (Q4_3) were removed from ggml in 2023; no GGUF file carries them.
  { id: 6, name: "Q5_0", blockSize: 32, typeSize: 22 },
  { id: 7, name: "Q5_1", blockSize: 32, typeSize: 24 },
  { id: 8, name: "Q8_0", blockSize: 32, typeSize: 34 },
  { id: 9, name: "Q8_1", blockSize: 32, typeSize: 36 },
  { id: 10, name: "Q2_K", blockSize: 256, typeSize: 84 },
  { id: 11, name: "Q3_K", blockSize: 256, typeSize: 110 },
  { id: 12, name: "Q4_K", blockSize: 256, typeSize: 144 },
  { id: 13, name: "Q5_K", blockSize: 256, typeSize: 176 },
  { id: 14, name: "Q6_K", blockSize: 256, typeSize: 210 },
  { id: 15, name: "Q8_K", blockSize: 256, typeSize: 292 },
  { id: 16, name: "IQ2_XXS", blockSize: 256, typeSize: 66 },
  { id: 17, name: "IQ2_XS", blockSize: 256, typeSize: 74 },
  { id: 18, name: "IQ3_XXS", blockSize: 256, typeSize: 98 },
  { id: 19, name: "IQ1_S", blockSize: 256, typeSize: 50 },
  { id: 20, name: "IQ4_NL", blockSize: 32, typeSize: 18 },
  { id: 21, name: "IQ3_S", blockSize: 256, typeSize: 110 },
  { id: 22, name: "IQ2_S", blockSize: 256, typeSize: 82 },
  { id: 23, name: "IQ4_XS", blockSize: 256, typeSize: 136 },
  { id: 24, name: "I8", blockSize: 1, typeSize: 1 },
  { id: 25, name: "I16", blockSize: 1, typeSize: 2 },
  { id: 26, name: "I32", blockSize: 1, typeSize: 4 },
  { id: 27, name: "I64", blockSize: 1, typeSize: 8 },
  { id: 28, name: "F64", blockSize: 1, typeSize: 8 },
  { id: 29, name: "IQ1_M", blockSize: 256, typeSize: 56 },
  { id: 30, name: "BF16", blockSize: 1, typeSize: 2 },
  // 31–33 (Q4_0_4_4, Q4_0_4_8, Q4_0_8_8) and 36–38 (IQ4_NL_4_4…) were runtime repackings, removed
  // from the file format; llama.cpp refuses them too.
  { id: 34, name: "TQ1_0", blockSize: 256, typeSize: 54 },
  { id: 35, name: "TQ2_0", blockSize: 256, typeSize: 66 },
  { id: 39, name: "MXFP4", blockSize: 32, typeSize: 17 },
  { id: 40, name: "NVFP4", blockSize: 64, typeSize: 36 },
  { id: 41, name: "Q1_0", blockSize: 128, typeSize: 18 },
];

const BY_ID = new Map<number, GgmlType>(TYPES.map((type) => [type.id, type]));
const BY_NAME = new Map<string, GgmlType>(TYPES.map((type) => [type.name, type]));

/** Types `GgufStore.read` decodes to float32; the others are listed but refused on read. */
export const DEQUANTIZABLE: ReadonlySet<string> = new Set([
  "F32",
  "F16",
  "BF16",
  "F64",
  "I8",
  "I16",
  "I32",
  "I64",
  "Q8_0",
  "Q4_0",
  "Q4_1",
  "Q5_0",
  "Q5_1",
  "Q2_K",
  "Q3_K",
  "Q4_K",
  "Q5_K",
  "Q6_K",
]);

export function ggmlTypeById(id: number): GgmlType | undefined {
  return BY_ID.get(id);
}

export function ggmlTypeByName(name: string): GgmlType | undefined {
  return BY_NAME.get(name);
}

/** The type named `name`, or a FormatError. */
export function requireGgmlType(name: string, context: { file?: string; field?: string } = {}): GgmlType {
  const type = BY_NAME.get(name);
  if (type === undefined) throw new FormatError(`unknown GGML type ${name}`, context);
  return type;
}

/** Bytes taken by `elements` elements of `type` (which must be a whole number of blocks). */
export function ggmlByteLength(type: GgmlType, elements: number): number {
  return (elements / type.blockSize) * type.typeSize;
}
