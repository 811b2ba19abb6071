/** Byte builders for tokenizer tests: SentencePiece protobuf, llama2.c tokenizer.bin, temp folders. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
}

const encoder = new TextEncoder();

export function lengthField(field: number, body: Uint8Array | number[] | string): number[] {
  const bytes = typeof body === "string" ? [...encoder.encode(body)] : [...body];
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

export function varintField(field: number, value: number | bigint): number[] {
  return [...varint(field << 3), ...varint(value)];
}

export function floatField(field: number, value: number): number[] {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return [...varint((field << 3) | 5), ...bytes];
}

export interface PieceSpec {
  piece: string;
  score?: number;
  /** SentencePiece type enum (1 normal … 6 byte). */
  type?: number;
}

/** A SentencePiece ModelProto with the given pieces and raw trainer / normalizer spec fields. */
export function sentencePieceModel(
  pieces: readonly PieceSpec[],
  trainer: number[] = [],
  normalizer: number[] = [],
): Uint8Array {
  const out: number[] = [];
  for (const { piece, score, type } of pieces) {
    const body = [
      ...lengthField(1, piece),
      ...(score === undefined ? [] : floatField(2, score)),
      ...(type === undefined ? [] : varintField(3, type)),
    ];
    out.push(...lengthField(1, body));
  }
  if (trainer.length > 0) out.push(...lengthField(2, trainer));
  if (normalizer.length > 0) out.push(...lengthField(3, normalizer));
  return Uint8Array.from(out);
}

/** A llama2.c tokenizer.bin. */
export function llama2cTokenizer(
  maxTokenLength: number,
  tokens: readonly [score: number, text: string][],
): Uint8Array {
  const parts: number[] = [];
  const int32 = (value: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, value, true);
    parts.push(...b);
  };
  int32(maxTokenLength);
  for (const [score, text] of tokens) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, score, true);
    parts.push(...b);
    const bytes = encoder.encode(text);
    int32(bytes.length);
    parts.push(...bytes);
  }
  return Uint8Array.from(parts);
}

const folders: string[] = [];
process.on("exit", () => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A fresh temporary folder holding `files` (name → contents), removed when the process exits. */
export function tempFolder(files: Record<string, string | Uint8Array>): string {
  const folder = mkdtempSync(join(tmpdir(), "tokread-"));
  folders.push(folder);
  for (const [name, contents] of Object.entries(files)) writeFileSync(join(folder, name), contents);
  return folder;
}

/** Three byte-fallback-free SentencePiece basics: `<unk>`, `<s>`, `</s>`. */
export const SPM_SPECIALS: readonly PieceSpec[] = [
  { piece: "<unk>", type: 2 },
  { piece: "<s>", type: 3 },
  { piece: "</s>", type: 3 },
];
