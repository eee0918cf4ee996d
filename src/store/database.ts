import fs from 'node:fs';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';

import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export type DialectName = 'sqlite' | 'postgres';

const dialects = new WeakMap<Db, DialectName>();

/** Returns which SQL dialect a database opened here speaks. */
export function dialectOf(db: Db): DialectName {
  return dialects.get(db) ?? 'sqlite';
}

// Connections per process; each held only for one query or transaction, so
// ten serve thousands of devices, and several processes stay under
// PostgreSQL's default max_connections of 100.
const POSTGRES_POOL_SIZE = 10;

// bigint (OID 20) holds times in milliseconds, far below 2^53, so it parses
// to a JavaScript number instead of pg's default string.
pg.types.setTypeParser(20, (value: string) => Number(value));

// Wait this long for a write lock before SQLITE_BUSY; covers a backup or a
// burst of device reports from another connection.
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens the database named by `databaseUrl`: postgres:// for PostgreSQL,
 * pglite:// for in-process PostgreSQL (memory, or a directory after the
 * scheme), otherwise a SQLite file path, sqlite:// URL or ':memory:'.
 */
export function openDatabase(databaseUrl: string): Db {
  if (/^postgres(ql)?:/.test(databaseUrl)) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: POSTGRES_POOL_SIZE });
    return remember(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
  }
  if (databaseUrl.startsWith('pglite://')) {
    const location = databaseUrl.slice('pglite://'.length);
    const pglite = location === '' || location === 'memory' ? new PGlite() : new PGlite(location);
    return remember(new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), 'postgres');
  }
  return openSqlite(databaseUrl);
}

function remember(db: Db, dialect: DialectName): Db {
  dialects.set(db, dialect);
  return db;
}

function openSqlite(databaseUrl: string): Db {
  const file = databaseUrl.replace(/^sqlite:\/\//, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });

  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  // WAL with synchronous=NORMAL stays consistent after a crash and may lose
  // only the last transactions before a power loss.
  sqlite.pragma('synchronous = NORMAL');

  return remember(new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }), 'sqlite');
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
