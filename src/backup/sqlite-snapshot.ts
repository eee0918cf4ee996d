import fs from 'node:fs';

import SqliteDatabase from 'better-sqlite3';

/**
 * Wait this long for a lock while copying. VACUUM INTO only reads, and in
 * WAL mode readers do not wait for writers. The timeout covers a checkpoint
 * that locks the database briefly.
 */
const SNAPSHOT_BUSY_TIMEOUT_MS = 30_000;

/** Summary of a database copy, read from the copy itself. */
export interface SnapshotSummary {
  migrations: string[];
  rowCounts: Record<string, number>;
  /** Blob keys that app versions in the copy refer to. */
  blobKeys: string[];
}

/**
 * Copies a live SQLite database into `targetFile` with VACUUM INTO. The copy
 * is one read transaction, so it is consistent at one moment while the
 * server goes on writing. In WAL mode it neither blocks writers nor restarts
 * when they commit, unlike the page-by-page backup API.
 */
export function snapshotSqlite(sourceFile: string, targetFile: string): void {
  if (!fs.existsSync(sourceFile)) {
    throw new Error(`The database ${sourceFile} does not exist: check --data-dir or --database-url.`);
  }

  const source = new SqliteDatabase(sourceFile, { fileMustExist: true });
  try {
    source.pragma(`busy_timeout = ${SNAPSHOT_BUSY_TIMEOUT_MS}`);
    source.prepare('VACUUM INTO ?').run(targetFile);
  } finally {
    source.close();
  }
}

/** Reads the migration list, the row count of every table and the referenced blobs of a database file. */
export function summariseSqlite(file: string): SnapshotSummary {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
      .pluck()
      .all() as string[];

    const rowCounts: Record<string, number> = {};
    for (const table of tables) {
      // The names come from sqlite_master; quoting keeps odd names intact.
      rowCounts[table] = db.prepare(`select count(*) from "${table.replace(/"/g, '""')}"`).pluck().get() as number;
    }

    const migrations = tables.includes('kysely_migration')
      ? (db.prepare('select name from kysely_migration order by name').pluck().all() as string[])
      : [];
    const blobKeys = tables.includes('app_versions')
      ? (db.prepare('select distinct blob_key from app_versions order by blob_key').pluck().all() as string[])
      : [];
    return { migrations, rowCounts, blobKeys };
  } finally {
    db.close();
  }
}

/** Throws unless SQLite's integrity_check returns ok for the file. */
export function checkSqliteIntegrity(file: string): void {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const result = db.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`The database copy ${file} failed integrity_check: ${String(result)}`);
  } finally {
    db.close();
  }
}
