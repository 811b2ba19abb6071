/**
 * Pickle opcodes interpreted without executing anything: the `pickleparser` package walks the opcodes,
 * every global it meets is resolved through our allow-list (`allowed-globals.ts`), persistent ids
 * (PyTorch's storage references) through the caller, and all bytes through a bounded reader.
 *
 * What the bounded reader adds to pickleparser's own reader (checked by hostile-input tests): a negative
 * length (BINBYTES with a negative int32) is refused instead of moving the cursor backwards (which would
 * loop forever); 64-bit lengths above 2^53 are refused instead of losing precision (and printing a
 * warning); LONG4 integers longer than 8 bytes are refused (pickleparser builds them with a quadratic
 * BigInt loop, a hang on a long one); every read is checked against the pickle's end. Since each opcode
 * consumes at least one byte and the cursor never moves back, the work is linear in the pickle's size,
 * which the caller caps. Errors of any kind become one FormatError naming the file and the field.
 */
import { Parser } from "pickleparser";
import { FormatError } from "../../errors.js";
import { RefusedGlobalError, resolveGlobal } from "./allowed-globals.js";

/** The reader interface pickleparser drives (its `IReader`, which the package does not export). */
type PickleReader = Parameters<Parser["read"]>[0];
type ParserOptions = NonNullable<ConstructorParameters<typeof Parser>[0]>;

/** A LONG4 integer this long or shorter is decoded; real checkpoints never write one at all. */
const MAX_LONG4_BYTES = 8;

/** Thrown instead of a FormatError when `bytes` was only a prefix of the file and the pickle runs past it. */
export class PicklePrefixExhausted extends Error {}

class BoundedReader implements PickleReader {
  position: number;
  private afterUint32 = false;
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  private readonly ascii = new TextDecoder("latin1");

  constructor(
    private readonly buffer: Uint8Array,
    start: number,
    private readonly isPrefix: boolean,
  ) {
    this.position = start;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  private take(length: number): number {
    if (!Number.isSafeInteger(length) || length < 0) throw new Error(`invalid length ${length}`);
    const at = this.position;
    if (at + length > this.buffer.byteLength) {
      if (this.isPrefix) throw new PicklePrefixExhausted();
      throw new Error(
        `needs ${length} bytes at offset ${at} but the pickle ends at ${this.buffer.byteLength}`,
      );
    }
    this.position = at + length;
    this.afterUint32 = false;
    return at;
  }

  byte(): number {
    return this.buffer[this.take(1)]!;
  }
  bytes(length: number): Uint8Array {
    if (this.afterUint32 && length > MAX_LONG4_BYTES) {
      throw new Error(`LONG4 integer of ${length} bytes (at most ${MAX_LONG4_BYTES} are read)`);
    }
    const at = this.take(length);
    return this.buffer.subarray(at, at + length);
  }
  uint16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  int32(): number {
    return this.view.getInt32(this.take(4), true);
  }
  uint32(): number {
    const value = this.view.getUint32(this.take(4), true);
    this.afterUint32 = true;
    return value;
  }
  uint64(): number {
    const value = this.view.getBigUint64(this.take(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`64-bit length ${value} is too large`);
    return Number(value);
  }
  float64(): number {
    return this.view.getFloat64(this.take(8), false);
  }
  skip(length: number): void {
    this.take(length);
  }
  string(size: number, encoding: "ascii" | "utf-8"): string {
    const at = this.take(size);
    const bytes = this.buffer.subarray(at, at + size);
    return encoding === "utf-8" ? this.utf8.decode(bytes) : this.ascii.decode(bytes);
  }
  line(): string {
    const end = this.buffer.indexOf(0x0a, this.position);
    if (end < 0) {
      if (this.isPrefix) throw new PicklePrefixExhausted();
      throw new Error("a text opcode's line has no end");
    }
    const text = this.string(end - this.position, "ascii");
    this.take(1);
    return text;
  }
  hasNext(): boolean {
    return this.position < this.buffer.byteLength;
  }
}

export interface UnpickleOptions {
  /** The file named in errors. */
  file: string;
  /** The field named in errors, e.g. `archive/data.pkl`. */
  field: string;
  /** PyTorch's storage references (BINPERSID); without one, a persistent id is an error. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Where the pickle starts in `bytes` (several pickles follow each other in legacy checkpoints). */
  start?: number;
  /** `bytes` is a prefix of a longer file: running past its end throws PicklePrefixExhausted. */
  isPrefix?: boolean;
}

/** Unpickle one pickle from `bytes`: its value and the offset just past its STOP opcode. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): { value: unknown; end: number } {
  const nameResolver: ParserOptions["nameResolver"] = {
    resolve: (module: string, name: string) => resolveGlobal(module, name) as never,
  };
  const persistentResolver: ParserOptions["persistentResolver"] = {
    resolve: (pid: unknown) => {
      if (options.persistentLoad === undefined) throw new Error("unexpected persistent id");
      return options.persistentLoad(pid);
    },
  };
  const parser = new Parser({
    nameResolver,
    persistentResolver,
    unpicklingTypeOfDictionary: "Map",
    unpicklingTypeOfSet: "array",
  });
  const reader = new BoundedReader(bytes, options.start ?? 0, options.isPrefix === true);
  try {
    const value = parser.read(reader);
    return { value, end: reader.position };
  } catch (error) {
    if (error instanceof FormatError || error instanceof PicklePrefixExhausted) throw error;
    if (error instanceof RefusedGlobalError) {
      throw new FormatError(`refused: the pickle names ${error.qualifiedName}, ${error.reason}`, {
        file: options.file,
        field: options.field,
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    if (options.isPrefix === true && /Unexpected end of file/.test(message))
      throw new PicklePrefixExhausted();
    throw new FormatError(`malformed pickle at byte ${reader.position}: ${message}`, {
      file: options.file,
      field: options.field,
    });
  }
}
