/**
 * GGUF metadata value types (`gguf_type` in ggml's gguf.h) and how their values appear in our API.
 *
 * - 8/16/32-bit integers and floats → `number`; 64-bit integers → `bigint` (exact; use the helpers in
 *   `metadata.ts` to get a `number` when it is safe).
 * - strings → `string`, decoded as UTF-8 with a leading U+FEFF kept.
 * - arrays of numbers → typed arrays (`Uint32Array`, `Float32Array`, `BigInt64Array`, …) so a 262k-token
 *   score table is one allocation; arrays of strings → `string[]`; of bools → `boolean[]`; arrays of
 *   arrays → `GgufValue[]` whose items are arrays.
 */

export const GGUF_VALUE_TYPES = [
  "uint8",
  "int8",
  "uint16",
  "int16",
  "uint32",
  "int32",
  "float32",
  "bool",
  "string",
  "array",
  "uint64",
  "int64",
  "float64",
] as const;

/** Type names indexed by their on-disk id (0 = uint8 … 12 = float64). */
export type GgufValueType = (typeof GGUF_VALUE_TYPES)[number];

export function ggufValueTypeId(type: GgufValueType): number {
  return GGUF_VALUE_TYPES.indexOf(type);
}

export type GgufNumberArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

export type GgufArray = GgufNumberArray | string[] | boolean[] | GgufValue[];

export type GgufValue = number | bigint | boolean | string | GgufArray;

/** The declared type of a metadata value; for arrays also the item type (recursively for nested ones). */
export interface GgufTypeInfo {
  type: GgufValueType;
  items?: GgufTypeInfo;
}

/** On-disk size of one scalar of each fixed-size type (strings and arrays have none). */
export const GGUF_SCALAR_BYTES: Partial<Record<GgufValueType, number>> = {
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  bool: 1,
  uint64: 8,
  int64: 8,
  float64: 8,
};

/** Fewest bytes one item of `type` can take on disk (a string is at least its 8-byte length, an array
 * its 4-byte item type plus 8-byte length). Used to refuse declared lengths the file cannot hold. */
export function minimumItemBytes(type: GgufValueType): number {
  if (type === "string") return 8;
  if (type === "array") return 12;
  return GGUF_SCALAR_BYTES[type]!;
}
