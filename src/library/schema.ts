/**
 * The library's SQLite schema, versioned by a migrations table. Each migration runs once, in order,
 * inside a transaction; a database written by a newer lineage is refused rather than guessed at.
 */
import type Database from "better-sqlite3";
import { FormatError } from "../errors.js";

interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "fingerprints table",
    sql: `
      CREATE TABLE fingerprints (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        source_path TEXT NOT NULL,
        family TEXT,
        notes TEXT,
        created_at TEXT NOT NULL,
        fingerprint_version INTEGER NOT NULL,
        fingerprint TEXT NOT NULL
      );`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Bring `db` up to SCHEMA_VERSION; refuse foreign databases and newer schemas. */
export function migrate(db: Database.Database, file: string): void {
  const hasMigrations = tableExists(db, "schema_migrations");
  if (!hasMigrations) {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    if (tables.length > 0) {
      throw new FormatError(
        `not a lineage library: it holds tables (${tables.map((t) => t.name).join(", ")}) but no schema_migrations`,
        { file, field: "schema_migrations" },
      );
    }
    db.exec(
      "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
  }
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_migrations").get() as {
    version: number | null;
  };
  const current = row.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new FormatError(
      `library schema version ${current} is newer than this lineage understands (${SCHEMA_VERSION}); upgrade lineage`,
      { file, field: "schema_migrations" },
    );
  }
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
  );
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.description, new Date().toISOString());
    })();
  }
}
