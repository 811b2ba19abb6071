/**
 * SentencePiece `tokenizer.model`: a protobuf `ModelProto` read with our own wire reader.
 *
 *   ModelProto      1 pieces (repeated SentencePiece) · 2 trainer_spec · 3 normalizer_spec
 *   SentencePiece   1 piece (string) · 2 score (float) · 3 type (enum, default NORMAL)
 *   TrainerSpec     3 model_type (UNIGRAM=1 default, BPE=2, WORD=3, CHAR=4) · 4 vocab_size ·
 *                   35 byte_fallback · 40 unk_id (0) · 41 bos_id (1) · 42 eos_id (2) · 43 pad_id (-1)
 *   NormalizerSpec  1 name · 3 add_dummy_prefix (true) · 4 remove_extra_whitespaces (true) ·
 *                   5 escape_whitespaces (true)
 *
 * Fields we do not use are skipped; a truncated or malformed message is a FormatError naming the field.
 */
import { FormatError } from "../../errors.js";
import type { TokenizerModelKind, TokenKind, Vocabulary } from "../vocabulary.js";
import { MAX_SENTENCEPIECE_FILE_BYTES, MAX_TOKEN_BYTES, MAX_VOCABULARY_TOKENS } from "./limits.js";
import { ProtoReader, WIRE_FIXED32, WIRE_LENGTH_DELIMITED, WIRE_VARINT } from "./protobuf.js";
import { readCappedFile } from "./read-capped.js";

/** SentencePiece `Type` enum values, in enum order from 1. */
const PIECE_KINDS: readonly TokenKind[] = ["normal", "unknown", "control", "user-defined", "unused", "byte"];

/** TrainerSpec `ModelType`: WORD and CHAR models score pieces like unigram models and are read as such. */
const MODEL_TYPES: Record<number, TokenizerModelKind> = {
  1: "unigram",
  2: "bpe",
  3: "unigram",
  4: "unigram",
};

/** Bytes of the trainer and normalizer specs: real ones are a few hundred bytes plus the normalizer's
 * precompiled charsmap (~240 KB for nmt_nfkc); 16 MiB is not a spec. */
const MAX_SPEC_BYTES = 16 * 1024 * 1024;

interface TrainerSpec {
  modelType: TokenizerModelKind;
  byteFallback: boolean;
  ids: Record<"unk" | "bos" | "eos" | "pad", number>;
  /** Roles whose id the file states (the others are SentencePiece's defaults). */
  stated: Set<string>;
}

interface NormalizerSpec {
  name: string | undefined;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeText(reader: ProtoReader, bytes: Uint8Array, field: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return reader.fail("is not valid UTF-8", field);
  }
}

function readPiece(reader: ProtoReader, index: number): { piece: string; score: number; kind: TokenKind } {
  let piece: string | undefined;
  let score = 0;
  let kind: TokenKind = "normal";
  for (let tag = reader.tag(); tag !== undefined; tag = reader.tag()) {
    if (tag.field === 1) {
      reader.expectWire(tag, WIRE_LENGTH_DELIMITED, "piece");
      piece = decodeText(reader, reader.bytesField("piece", MAX_TOKEN_BYTES), "piece");
    } else if (tag.field === 2) {
      reader.expectWire(tag, WIRE_FIXED32, "score");
      score = reader.float32("score");
    } else if (tag.field === 3) {
      reader.expectWire(tag, WIRE_VARINT, "type");
      const type = reader.int32("type");
      const named = PIECE_KINDS[type - 1];
      if (named === undefined) reader.fail(`unknown piece type ${type} (expected 1–6)`, "type");
      kind = named;
    } else reader.skip(tag, `field ${tag.field}`);
  }
  if (piece === undefined || piece === "") reader.fail(`piece #${index} has no text`, "piece");
  return { piece, score, kind };
}

function readTrainerSpec(reader: ProtoReader): TrainerSpec {
  const spec: TrainerSpec = {
    modelType: "unigram",
    byteFallback: false,
    ids: { unk: 0, bos: 1, eos: 2, pad: -1 },
    stated: new Set(),
  };
  const idFields: Record<number, keyof TrainerSpec["ids"]> = { 40: "unk", 41: "bos", 42: "eos", 43: "pad" };
  for (let tag = reader.tag(); tag !== undefined; tag = reader.tag()) {
    const role = idFields[tag.field];
    if (tag.field === 3) {
      reader.expectWire(tag, WIRE_VARINT, "model_type");
      const type = reader.int32("model_type");
      const kind = MODEL_TYPES[type];
      if (kind === undefined) reader.fail(`unknown model type ${type} (expected 1–4)`, "model_type");
      spec.modelType = kind;
    } else if (tag.field === 35) {
      reader.expectWire(tag, WIRE_VARINT, "byte_fallback");
      spec.byteFallback = reader.bool("byte_fallback");
    } else if (role !== undefined) {
      reader.expectWire(tag, WIRE_VARINT, `${role}_id`);
      spec.ids[role] = reader.int32(`${role}_id`);
      spec.stated.add(role);
    } else reader.skip(tag, `field ${tag.field}`);
  }
  return spec;
}

function readNormalizerSpec(reader: ProtoReader): NormalizerSpec {
  const spec: NormalizerSpec = {
    name: undefined,
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  for (let tag = reader.tag(); tag !== undefined; tag = reader.tag()) {
    if (tag.field === 1) {
      reader.expectWire(tag, WIRE_LENGTH_DELIMITED, "name");
      spec.name = decodeText(reader, reader.bytesField("name", MAX_TOKEN_BYTES), "name");
    } else if (tag.field === 3) {
      reader.expectWire(tag, WIRE_VARINT, "add_dummy_prefix");
      spec.addDummyPrefix = reader.bool("add_dummy_prefix");
    } else if (tag.field === 4) {
      reader.expectWire(tag, WIRE_VARINT, "remove_extra_whitespaces");
      spec.removeExtraWhitespaces = reader.bool("remove_extra_whitespaces");
    } else if (tag.field === 5) {
      reader.expectWire(tag, WIRE_VARINT, "escape_whitespaces");
      spec.escapeWhitespaces = reader.bool("escape_whitespaces");
    } else reader.skip(tag, `field ${tag.field}`);
  }
  return spec;
}

/** Parse the bytes of a SentencePiece model file. */
export function parseSentencePiece(bytes: Uint8Array, file: string): Vocabulary {
  const reader = new ProtoReader(bytes, file, "");
  const tokens: string[] = [];
  const scores: number[] = [];
  const kinds: TokenKind[] = [];
  let trainer: TrainerSpec | undefined;
  let normalizer: NormalizerSpec | undefined;
  for (let tag = reader.tag(); tag !== undefined; tag = reader.tag()) {
    if (tag.field === 1) {
      const index = tokens.length;
      reader.expectWire(tag, WIRE_LENGTH_DELIMITED, "pieces");
      if (index >= MAX_VOCABULARY_TOKENS) {
        reader.fail(`more than ${MAX_VOCABULARY_TOKENS} pieces`, "pieces");
      }
      const message = reader.bytesField(`pieces[${index}]`, MAX_TOKEN_BYTES + 64);
      const piece = readPiece(new ProtoReader(message, file, `pieces[${index}]`), index);
      tokens.push(piece.piece);
      scores.push(piece.score);
      kinds.push(piece.kind);
    } else if (tag.field === 2) {
      reader.expectWire(tag, WIRE_LENGTH_DELIMITED, "trainer_spec");
      const message = reader.bytesField("trainer_spec", MAX_SPEC_BYTES);
      trainer = readTrainerSpec(new ProtoReader(message, file, "trainer_spec"));
    } else if (tag.field === 3) {
      reader.expectWire(tag, WIRE_LENGTH_DELIMITED, "normalizer_spec");
      const message = reader.bytesField("normalizer_spec", MAX_SPEC_BYTES);
      normalizer = readNormalizerSpec(new ProtoReader(message, file, "normalizer_spec"));
    } else reader.skip(tag, `field ${tag.field}`);
  }
  if (tokens.length === 0) {
    throw new FormatError("no pieces: not a SentencePiece model", { file, field: "pieces" });
  }
  trainer ??= readTrainerSpec(new ProtoReader(new Uint8Array(0), file, "trainer_spec"));
  normalizer ??= readNormalizerSpec(new ProtoReader(new Uint8Array(0), file, "normalizer_spec"));

  const special: Record<string, number> = {};
  for (const [role, id] of Object.entries(trainer.ids)) {
    if (id === -1) continue;
    const outside = id < 0 || id >= tokens.length;
    // A default id past a tiny vocabulary just means the role is absent.
    if (outside && !trainer.stated.has(role)) continue;
    if (outside) {
      throw new FormatError(`${role}_id ${id} is outside the ${tokens.length} pieces`, {
        file,
        field: `trainer_spec.${role}_id`,
      });
    }
    special[role] = id;
  }
  return {
    source: { file, format: "sentencepiece" },
    model: trainer.modelType,
    convention: normalizer.escapeWhitespaces ? "metaspace" : "raw",
    tokens,
    scores: Float32Array.from(scores),
    kinds,
    merges: undefined,
    special,
    preTokenizer: undefined,
    settings: {
      byteFallback: trainer.byteFallback,
      addDummyPrefix: normalizer.addDummyPrefix,
      removeExtraWhitespaces: normalizer.removeExtraWhitespaces,
      ...(normalizer.name === undefined ? {} : { normalizer: normalizer.name }),
    },
  };
}

/** Read a SentencePiece `tokenizer.model` file. */
export async function readSentencePiece(path: string): Promise<Vocabulary> {
  const bytes = await readCappedFile(path, MAX_SENTENCEPIECE_FILE_BYTES, "SentencePiece model");
  return parseSentencePiece(bytes, path);
}
