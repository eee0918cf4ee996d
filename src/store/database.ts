import fs from 'node:fs';
import path from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';

import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

// Wait this long for a write lock before SQLITE_BUSY; covers a backup or a
// burst of device reports from another connection.
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Opens the database named by `databaseUrl`: a SQLite file path or sqlite:// URL, or ':memory:'. */
export function openDatabase(databaseUrl: string): Db {
  if (/^postgres(ql)?:/.test(databaseUrl)) {
    // TODO: PostgreSQL support; the schema and repositories are dialect-neutral.
    throw new Error('PostgreSQL is not supported yet: unset OUTPOST_DATABASE_URL to use SQLite.');
  }

  const file = databaseUrl.replace(/^sqlite:\/\//, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });

  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // WAL with synchronous=NORMAL stays consistent after a crash and may lose
  // only the last transactions before a power loss.
  sqlite.pragma('synchronous = NORMAL');

  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

export interface MigrationOutcome {
  applied: string[];
}

/** Applies pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();

  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`Migration ${name} failed: ${String(error instanceof Error ? error.message : error)}`);
  }
  return { applied: (results ?? []).map((result) => result.migrationName) };
}
