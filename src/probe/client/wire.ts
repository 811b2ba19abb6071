/** Reading untyped JSON from an API without trusting its shape. */
import { ApiError } from "../../errors.js";

export type Json = Record<string, unknown>;

export function parseJsonObject(text: string, what: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(
      `${what} is not valid JSON (${text.length} bytes, starts ${JSON.stringify(text.slice(0, 40))})`,
    );
  }
  if (!isObject(value)) throw new ApiError(`${what} is not a JSON object`);
  return value;
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function keysBeyond(object: Json, known: readonly string[]): string[] {
  return Object.keys(object)
    .filter((key) => !known.includes(key))
    .sort();
}
