/**
 * Typed errors. Library code throws these; only the CLI layer prints them and sets the exit code.
 * Every error about an input names the file and, where it applies, the field that was wrong.
 */

export interface ErrorContext {
  /** The file (or URL, or folder) the problem was found in. */
  file?: string;
  /** The field, key or tensor name inside that file. */
  field?: string;
  cause?: unknown;
}

export class LineageError extends Error {
  readonly file: string | undefined;
  readonly field: string | undefined;
  /** Process exit code the CLI uses for this kind of error. */
  readonly exitCode: number = 1;

  constructor(message: string, context: ErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = new.target.name;
    this.file = context.file;
    this.field = context.field;
  }

  /** One line for a person: `file: field: message`. */
  describe(): string {
    const where = [this.file, this.field].filter((part) => part !== undefined && part !== "").join(": ");
    return where === "" ? this.message : `${where}: ${this.message}`;
  }
}

/** A file that is truncated, malformed, hostile or of a kind we do not read. */
export class FormatError extends LineageError {}

/** A path that does not exist or cannot be read. */
export class InputNotFoundError extends LineageError {}

/** A request that clashes with what is already stored (a library name that is taken): exit 1, like
 * other bad input, since the command line itself is well-formed. */
export class ConflictError extends LineageError {}

/** A command line that is wrong in itself, before any input is read (an unknown option, a missing
 * argument, a value out of range or empty, an output file that cannot be written): exit 2. */
export class UsageError extends LineageError {
  override readonly exitCode = 2;
}

/** A remote API that failed, refused or answered something we cannot use. */
export class ApiError extends LineageError {
  readonly status: number | undefined;
  constructor(message: string, context: ErrorContext & { status?: number } = {}) {
    super(message, context);
    this.status = context.status;
  }
}
