/**
 * A minimal protocol-buffers wire reader: enough to walk a SentencePiece `ModelProto` without a schema
 * compiler. Every read is bounds-checked; a truncated message, an over-long varint or a length running
 * past its enclosing message is a FormatError naming the file and the field path being read.
 */
import { FormatError } from "../../errors.js";

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** A varint has at most 10 bytes (64 bits in 7-bit groups); more is malformed. */
const MAX_VARINT_BYTES = 10;

export interface ProtoTag {
  field: number;
  wire: number;
}

export class ProtoReader {
  private position: number;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    /** File named in errors. */
    readonly file: string,
    /** Path of the message being read (`trainer_spec`, `pieces[12]`), for errors. */
    readonly path: string,
  ) {
    this.position = 0;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.position >= this.bytes.byteLength;
  }

  fail(message: string, field?: string): never {
    const where = field === undefined ? this.path : this.path === "" ? field : `${this.path}.${field}`;
    throw new FormatError(message, { file: this.file, field: where });
  }

  /** The next field's tag, or undefined at the end of the message. */
  tag(): ProtoTag | undefined {
    if (this.done) return undefined;
    const { lo, hi } = this.varintParts("tag");
    const field = hi * 2 ** 29 + (lo >>> 3);
    if (field === 0) this.fail("field number 0 is invalid (corrupt or not a protobuf file)", "tag");
    return { field, wire: lo & 7 };
  }

  /** A varint split into its low and high 32 bits (both unsigned). */
  varintParts(field: string): { lo: number; hi: number } {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.position >= this.bytes.byteLength)
        this.fail("message ends inside a varint (truncated?)", field);
      const byte = this.bytes[this.position++]!;
      const bits = byte & 0x7f;
      const shift = 7 * i;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (byte < 0x80) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    return this.fail(`varint longer than ${MAX_VARINT_BYTES} bytes`, field);
  }

  /** An unsigned varint as a number (exact below 2^53). */
  uint(field: string): number {
    const { lo, hi } = this.varintParts(field);
    return hi * 2 ** 32 + lo;
  }

  /** An `int32` field: negative values are written as 10-byte varints whose low 32 bits carry the sign. */
  int32(field: string): number {
    return this.varintParts(field).lo | 0;
  }

  bool(field: string): boolean {
    const { lo, hi } = this.varintParts(field);
    return lo !== 0 || hi !== 0;
  }

  float32(field: string): number {
    this.need(4, field);
    const value = this.view.getFloat32(this.position, true);
    this.position += 4;
    return value;
  }

  /** A length-delimited field's bytes (a view into the message, not a copy). */
  bytesField(field: string, maxBytes: number): Uint8Array {
    const length = this.uint(field);
    if (length > maxBytes) this.fail(`length ${length} exceeds the limit of ${maxBytes} bytes`, field);
    this.need(length, field);
    const slice = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return slice;
  }

  /** Skip a field we do not use. Groups (wire types 3 and 4) are obsolete and refused. */
  skip(tag: ProtoTag, field: string): void {
    switch (tag.wire) {
      case WIRE_VARINT:
        this.varintParts(field);
        return;
      case WIRE_FIXED64:
        this.need(8, field);
        this.position += 8;
        return;
      case WIRE_LENGTH_DELIMITED:
        this.bytesField(field, Number.MAX_SAFE_INTEGER);
        return;
      case WIRE_FIXED32:
        this.need(4, field);
        this.position += 4;
        return;
      default:
        this.fail(`unsupported wire type ${tag.wire} (corrupt or not a protobuf file)`, field);
    }
  }

  /** Refuse a field whose wire type is not the one its schema declares. */
  expectWire(tag: ProtoTag, wire: number, field: string): void {
    if (tag.wire !== wire) this.fail(`wire type ${tag.wire} where ${wire} was expected`, field);
  }

  private need(length: number, field: string): void {
    if (this.position + length > this.bytes.byteLength) {
      this.fail(
        `needs ${length} bytes at offset ${this.position} but the message has only ${this.bytes.byteLength - this.position} left (truncated?)`,
        field,
      );
    }
  }
}
