/**
 * Typed access to GGUF metadata. Each getter returns `undefined` when the key is absent and throws a
 * FormatError naming the key when it is present with the wrong type, so callers never guess.
 * Integer getters accept any integer value type whose value fits (writers disagree on uint32 vs int32
 * for the same key); 64-bit values come back as `number` only when exactly representable.
 */
import { FormatError } from "../../errors.js";
import type { GgufHeader } from "./header.js";
import type { GgufArray, GgufNumberArray, GgufValue } from "./value.js";

type HeaderLike = Pick<GgufHeader, "file" | "metadata">;

function wrongType(header: HeaderLike, key: string, expected: string, value: GgufValue): never {
  const found = Array.isArray(value) || ArrayBuffer.isView(value) ? "array" : typeof value;
  throw new FormatError(`expected ${expected}, found ${found}`, { file: header.file, field: key });
}

export function getValue(header: HeaderLike, key: string): GgufValue | undefined {
  return header.metadata.get(key);
}

export function getString(header: HeaderLike, key: string): string | undefined {
  const value = header.metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== "string") wrongType(header, key, "a string", value);
  return value;
}

export function getBool(header: HeaderLike, key: string): boolean | undefined {
  const value = header.metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") wrongType(header, key, "a bool", value);
  return value;
}

/** Any integer value that fits in a JS number exactly. */
export function getInteger(header: HeaderLike, key: string): number | undefined {
  const value = header.metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value === "bigint") {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new FormatError(`integer ${value} is too large to use`, { file: header.file, field: key });
    }
    return Number(value);
  }
  if (typeof value !== "number" || !Number.isInteger(value)) wrongType(header, key, "an integer", value);
  return value;
}

function getRange(
  header: HeaderLike,
  key: string,
  min: number,
  max: number,
  name: string,
): number | undefined {
  const value = getInteger(header, key);
  if (value !== undefined && (value < min || value > max)) {
    throw new FormatError(`${value} is out of the ${name} range`, { file: header.file, field: key });
  }
  return value;
}

export function getU32(header: HeaderLike, key: string): number | undefined {
  return getRange(header, key, 0, 0xffffffff, "uint32");
}

export function getI32(header: HeaderLike, key: string): number | undefined {
  return getRange(header, key, -0x80000000, 0x7fffffff, "int32");
}

export function getU64(header: HeaderLike, key: string): number | undefined {
  return getRange(header, key, 0, Number.MAX_SAFE_INTEGER, "uint64");
}

/** A float32/float64 value (integers are accepted too). */
export function getFloat(header: HeaderLike, key: string): number | undefined {
  const value = header.metadata.get(key);
  if (value === undefined) return undefined;
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "number") wrongType(header, key, "a number", value);
  return value;
}

export function isGgufArray(value: GgufValue | undefined): value is GgufArray {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

export function getArray(header: HeaderLike, key: string): GgufArray | undefined {
  const value = header.metadata.get(key);
  if (value === undefined) return undefined;
  if (!isGgufArray(value)) wrongType(header, key, "an array", value);
  return value;
}

export function getStringArray(header: HeaderLike, key: string): string[] | undefined {
  const value = getArray(header, key);
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || (value.length > 0 && typeof value[0] !== "string")) {
    wrongType(header, key, "an array of strings", value);
  }
  return value as string[];
}

/** A numeric array as its typed array (`Float32Array` for scores, `Int32Array` for token types…). */
export function getNumberArray(header: HeaderLike, key: string): GgufNumberArray | undefined {
  const value = getArray(header, key);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) wrongType(header, key, "an array of numbers", value);
  return value as GgufNumberArray;
}
