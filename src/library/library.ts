/**
 * The local fingerprint library: one SQLite file (WAL journal) holding named fingerprints, so a
 * suspect can be checked against known bases without their weights.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ConflictError, FormatError, InputNotFoundError, UsageError } from "../errors.js";
import { type ModelFingerprint, parseFingerprint } from "../fingerprint/model-fingerprint.js";
import { migrate } from "./schema.js";

export interface LibraryEntryInfo {
  name: string;
  sourcePath: string;
  family: string | null;
  notes: string | null;
  createdAt: string;
  fingerprintVersion: number;
}

export interface LibraryEntry extends LibraryEntryInfo {
  fingerprint: ModelFingerprint;
}

export interface NewEntry {
  name: string;
  sourcePath: string;
  family?: string | null;
  notes?: string | null;
  fingerprint: ModelFingerprint;
  /** Defaults to now. */
  createdAt?: string;
}

/** Names are shown in tables and typed on command lines: keep them short and printable. */
export const MAX_NAME_LENGTH = 200;

interface Row {
  name: string;
  source_path: string;
  family: string | null;
  notes: string | null;
  created_at: string;
  fingerprint_version: number;
  fingerprint: string;
}

function checkName(name: string): void {
  if (name.trim() === "" || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new UsageError(`library names must be 1-${MAX_NAME_LENGTH} printable characters`, {
      field: "name",
    });
  }
}

function isSqliteError(error: unknown): error is Error & { code: string } {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("SQLITE_");
}

export class FingerprintLibrary {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {}

  /**
   * Open the library at `file`, creating it when absent only if `create` is set (default true; the CLI
   * creates on `add`/`import` alone, so a mistyped path is an error, not a new empty library).
   * Throws InputNotFoundError for an absent file without `create`, FormatError for a corrupt or foreign one.
   */
  static open(file: string, options: { create?: boolean } = {}): FingerprintLibrary {
    if (file !== ":memory:" && options.create === false && !existsSync(file)) {
      throw new InputNotFoundError("no library file here (`lineage library add MODEL` creates one)", {
        file,
      });
    }
    if (file !== ":memory:") {
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (error) {
        throw new InputNotFoundError("cannot create the library's folder", { file, cause: error });
      }
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma("journal_mode = WAL");
      db.pragma("foreign_keys = ON");
      migrate(db, file);
      return new FingerprintLibrary(db, file);
    } catch (error) {
      db?.close();
      if (isSqliteError(error)) {
        throw new FormatError(`not a usable SQLite library (${error.code}: ${error.message})`, {
          file,
          cause: error,
        });
      }
      if (error instanceof TypeError) {
        throw new InputNotFoundError(`cannot open the library: ${error.message}`, { file, cause: error });
      }
      throw error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private toEntry(row: Row): LibraryEntry {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.fingerprint);
    } catch (error) {
      throw new FormatError("stored fingerprint is not valid JSON", {
        file: this.file,
        field: row.name,
        cause: error,
      });
    }
    return {
      ...this.toInfo(row),
      fingerprint: parseFingerprint(parsed, `${this.file} (${row.name})`),
    };
  }

  private toInfo(row: Omit<Row, "fingerprint">): LibraryEntryInfo {
    return {
      name: row.name,
      sourcePath: row.source_path,
      family: row.family,
      notes: row.notes,
      createdAt: row.created_at,
      fingerprintVersion: row.fingerprint_version,
    };
  }

  has(name: string): boolean {
    return this.db.prepare("SELECT 1 FROM fingerprints WHERE name = ?").get(name) !== undefined;
  }

  /** Store a fingerprint under `name`. Refuses an existing name unless `replace` is set. */
  add(entry: NewEntry, options: { replace?: boolean } = {}): LibraryEntryInfo {
    checkName(entry.name);
    if (!options.replace && this.has(entry.name)) {
      throw new ConflictError(`the library already has a fingerprint named "${entry.name}" (use --replace)`, {
        file: this.file,
        field: "name",
      });
    }
    const row: Row = {
      name: entry.name,
      source_path: entry.sourcePath,
      family: entry.family ?? null,
      notes: entry.notes ?? null,
      created_at: entry.createdAt ?? new Date().toISOString(),
      fingerprint_version: entry.fingerprint.version,
      fingerprint: JSON.stringify(entry.fingerprint),
    };
    this.db
      .prepare(
        `INSERT INTO fingerprints (name, source_path, family, notes, created_at, fingerprint_version, fingerprint)
         VALUES (@name, @source_path, @family, @notes, @created_at, @fingerprint_version, @fingerprint)
         ON CONFLICT(name) DO UPDATE SET source_path = excluded.source_path, family = excluded.family,
           notes = excluded.notes, created_at = excluded.created_at,
           fingerprint_version = excluded.fingerprint_version, fingerprint = excluded.fingerprint`,
      )
      .run(row);
    return this.toInfo(row);
  }

  /** Store several entries in one transaction: all or none (a name clash without `replace` stores none). */
  addMany(entries: readonly NewEntry[], options: { replace?: boolean } = {}): void {
    if (!options.replace) {
      const clashes = entries.filter((e) => this.has(e.name)).map((e) => e.name);
      if (clashes.length > 0) {
        throw new ConflictError(
          `the library already has ${clashes.map((n) => `"${n}"`).join(", ")} (use --replace)`,
          {
            file: this.file,
            field: "name",
          },
        );
      }
    }
    this.db.transaction(() => {
      for (const entry of entries) this.add(entry, { replace: true });
    })();
  }

  /** Every entry, without fingerprints, by name. */
  list(): LibraryEntryInfo[] {
    const rows = this.db
      .prepare(
        "SELECT name, source_path, family, notes, created_at, fingerprint_version FROM fingerprints ORDER BY name",
      )
      .all() as Omit<Row, "fingerprint">[];
    return rows.map((row) => this.toInfo(row));
  }

  /** One entry with its fingerprint. Throws InputNotFoundError for an unknown name. */
  get(name: string): LibraryEntry {
    const row = this.db.prepare("SELECT * FROM fingerprints WHERE name = ?").get(name) as Row | undefined;
    if (row === undefined) throw this.unknown(name);
    return this.toEntry(row);
  }

  /** Every entry with its fingerprint (for export; matching streams them with `each`). */
  entries(): LibraryEntry[] {
    return [...this.each()];
  }

  /**
   * Every entry with its fingerprint, by name, parsed one at a time as the caller iterates: memory
   * holds one stored fingerprint (about 1 MB for a 1B model), not the library (10,000 entries are over
   * 10 GB). The library must not be written to before the iteration ends (SQLite cursor).
   */
  *each(): Generator<LibraryEntry> {
    const rows = this.db
      .prepare("SELECT * FROM fingerprints ORDER BY name")
      .iterate() as IterableIterator<Row>;
    for (const row of rows) yield this.toEntry(row);
  }

  remove(name: string): void {
    const result = this.db.prepare("DELETE FROM fingerprints WHERE name = ?").run(name);
    if (result.changes === 0) throw this.unknown(name);
  }

  /** A name the library does not hold: missing input, like a wrong path (exit 1), not a usage error. */
  private unknown(name: string): InputNotFoundError {
    const known = this.list().map((e) => e.name);
    const hint =
      known.length === 0
        ? "the library is empty"
        : `known: ${known.slice(0, 10).join(", ")}${known.length > 10 ? ", …" : ""}`;
    return new InputNotFoundError(`no fingerprint named "${name}" (${hint})`, {
      file: this.file,
      field: "name",
    });
  }
}
