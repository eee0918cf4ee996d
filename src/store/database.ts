import fs from 'node:fs';
import path from 'node:path';

import { PGlite } from '@electric-sql/pglite';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteAdapter, SqliteDialect, type DialectAdapter } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Logger } from 'pino';

import { migrationProvider } from './migrations/index.js';
import { databaseErrorFields, isDatabaseUnavailable } from './database-errors.js';
import { NulReplacementPlugin } from './nul-characters.js';
import { ResilientPool, type PoolStats } from './postgres-pool.js';
import { StatementCachingDatabase } from './sqlite-statement-cache.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/**
 * SQLite can roll back schema changes, but Kysely's SQLite adapter reports it
 * cannot, so its Migrator would run migrations outside a transaction and a
 * failed migration would leave half its changes behind. This adapter lets
 * the Migrator wrap migrations in a transaction, as on PostgreSQL.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}

export type DialectName = 'sqlite' | 'postgres';

const dialects = new WeakMap<Db, DialectName>();
const pgliteInstances = new WeakMap<Db, PGlite>();
const statementCaches = new WeakMap<Db, StatementCachingDatabase>();
const pools = new WeakMap<Db, ResilientPool>();
/** postgres:// URL of each server database, without user name, password or query, for error messages. */
const serverUrls = new WeakMap<Db, string>();

/**
 * Returns the in-process PostgreSQL behind a database opened here with a
 * pglite:// URL, or undefined for any other database. The push hub LISTENs
 * on it, as it opens a connection of its own on a PostgreSQL server.
 */
export function pgliteOf(db: Db): PGlite | undefined {
  return pgliteInstances.get(db);
}

/**
 * Returns the connection counts of a database opened here with a
 * postgres:// URL, or undefined for SQLite and PGlite, which have no pool.
 */
export function poolStatsOf(db: Db): PoolStats | undefined {
  return pools.get(db)?.stats();
}

/**
 * Returns which SQL dialect a database opened here, or a transaction on it,
 * speaks.
 */
export function dialectOf(db: Db): DialectName {
  const known = dialects.get(db);
  if (known) return known;

  // A transaction is a Kysely instance this module never saw, but its query
  // compiler shows the dialect: PostgreSQL numbers parameters ($1), SQLite uses '?'.
  const dialect: DialectName = sql`${0}`.compile(db).sql === '$1' ? 'postgres' : 'sqlite';
  dialects.set(db, dialect);
  return dialect;
}

// bigint (OID 20) contains times in milliseconds, far below 2^53, so it parses
// to a JavaScript number instead of pg's default string.
pg.types.setTypeParser(20, (value: string) => Number(value));

// Wait this long for a write lock before SQLITE_BUSY; covers a backup or a
// burst of device reports from another connection.
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Returns whether `databaseUrl` names a PostgreSQL server (postgres:// or
 * postgresql://), as opposed to SQLite or in-process PGlite.
 */
export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:/.test(databaseUrl);
}

export interface OpenOptions {
  /** Receives warnings about failed and dropped PostgreSQL connections, and their recovery. */
  logger?: Logger;
}

/**
 * Opens the database named by `databaseUrl`: postgres:// for PostgreSQL,
 * pglite:// for in-process PostgreSQL (memory, or a directory after the
 * scheme), otherwise a SQLite file path, sqlite:// URL or ':memory:'.
 */
export function openDatabase(databaseUrl: string, options: OpenOptions = {}): Db {
  if (isPostgresUrl(databaseUrl)) {
    const pool = new ResilientPool(databaseUrl, options.logger);
    const dialect = new PostgresDialect({ pool });
    const db = remember(new Kysely<Database>({ dialect, plugins: [new NulReplacementPlugin()] }), 'postgres');
    pools.set(db, pool);
    serverUrls.set(db, urlWithoutCredentials(databaseUrl));
    return db;
  }
  rejectUnknownScheme(databaseUrl);
  if (databaseUrl.startsWith('pglite://')) {
    const location = databaseUrl.slice('pglite://'.length);
    const pglite = location === '' || location === 'memory' ? new PGlite() : new PGlite(location);
    const dialect = new PGliteDialect(pglite);
    const db = remember(new Kysely<Database>({ dialect, plugins: [new NulReplacementPlugin()] }), 'postgres');
    pgliteInstances.set(db, pglite);
    return db;
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

  const database = new StatementCachingDatabase(sqlite);
  const db = new Kysely<Database>({ dialect: new TransactionalSqliteDialect({ database }) });
  statementCaches.set(db, database);
  return remember(db, 'sqlite');
}

export interface MigrationOutcome {
  applied: string[];
}

/** Applies pending migrations; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  let migrationSchema: string | undefined;
  try {
    migrationSchema = await migrationSchemaOf(db);
  } catch (error) {
    throw connectionProblem(db, error);
  }

  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: migrationSchema });
  const { error, results } = await migrator.migrateToLatest();
  // Statements prepared before a schema change may name dropped or rebuilt tables.
  statementCaches.get(db)?.clear();

  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`Migration ${name} failed: ${String(error instanceof Error ? error.message : error)}`);
  }
  return { applied: (results ?? []).map((result) => result.migrationName) };
}

/**
 * Returns the PostgreSQL schema that the search_path resolves to, or
 * undefined on SQLite. Kysely's Migrator looks for its own tables in every
 * schema unless it is given one, so an Outpost schema next to another with
 * migration tables would skip creating its own and then fail.
 */
async function migrationSchemaOf(db: Db): Promise<string | undefined> {
  if (dialectOf(db) !== 'postgres') return undefined;

  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return result.rows[0]?.schema ?? undefined;
}

// SQLSTATE classes of a server that rejects the login or the database name:
// 28 invalid_authorization_specification, 3D invalid_catalog_name.
const LOGIN_REJECTED_SQLSTATE = /^(28|3D)/;

/** Wraps a failed first query on a server database in an error that names the server and the fix. */
function connectionProblem(db: Db, error: unknown): Error {
  const url = serverUrls.get(db);
  const code = (error as { code?: unknown } | null)?.code;
  const loginRejected = typeof code === 'string' && LOGIN_REJECTED_SQLSTATE.test(code);
  if (url === undefined || !(loginRejected || isDatabaseUnavailable(error))) {
    return error instanceof Error ? error : new Error(String(error));
  }

  const { reason } = databaseErrorFields(error);
  return new Error(
    `Could not connect to the database at ${url}: ${reason}. ` +
      'Check OUTPOST_DATABASE_URL, and that PostgreSQL is running and accepts this user and database.',
    { cause: error },
  );
}

/** Returns a postgres:// URL with its user name, password and query removed. */
function urlWithoutCredentials(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return 'the OUTPOST_DATABASE_URL server';
  }
}

// A scheme of two or more letters, so that a Windows drive letter (C:) still reads as a SQLite path.
const URL_SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * Throws on a URL with a scheme Outpost does not open, such as mysql://,
 * which would otherwise become the name of a SQLite file.
 */
function rejectUnknownScheme(databaseUrl: string): void {
  const scheme = URL_SCHEME.exec(databaseUrl)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'sqlite' || scheme === 'pglite') return;

  throw new Error(
    `Unsupported database URL scheme "${scheme}:". Use postgres://user:password@host:5432/database, ` +
      'pglite://directory, sqlite://path or a SQLite file path.',
  );
}
