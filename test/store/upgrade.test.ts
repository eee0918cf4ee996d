// Upgrades keep data: for every migration, a database stopped at that
// version, filled with rows in every table, still has every row after
// migrating to the latest version. And a migration that fails leaves the
// database at its old version, still usable: on SQLite the migrations of
// one run share a transaction, so a failure undoes every statement of the
// run, the failed migration's own first statements included.
import { Kysely, Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase, type Db } from '../../src/store/database.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { fillEveryTable, findRow, tableNames, type InsertedRow } from './support/representative-rows.js';

const opened: Db[] = [];

function openEmpty(): Db {
  const db = openDatabase(':memory:');
  opened.push(db);
  return db;
}

afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

async function migrateTo(db: Db, name: string, provider: MigrationProvider = migrationProvider): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error;
}

async function columnNames(db: Db, table: string): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  return result.rows.map((row) => row.name);
}

async function appliedMigrations(db: Db): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return result.rows.map((row) => row.name);
}

const migrationNames = Object.keys(await migrationProvider.getMigrations()).sort();

describe('upgrade from every version', () => {
  it('lists migrations in name order', () => {
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(migrationNames[0]).toBe('0001-initial');
  });

  for (const name of migrationNames) {
    it(`keeps rows written at ${name}`, async () => {
      const db = openEmpty();
      await migrateTo(db, name);
      const rows = await fillEveryTable(db);
      // Every table of that version got rows, so no table escapes the check.
      const tables = await tableNames(db);
      expect(new Set(rows.map((row) => row.table))).toEqual(new Set(tables));

      await migrateToLatest(db);

      const missing: InsertedRow[] = [];
      for (const row of rows) if (!(await findRow(db, row))) missing.push(row);
      expect(missing).toEqual([]);
      expect(await appliedMigrations(db)).toEqual(migrationNames);
    });
  }
});

describe('failed migration', () => {
  /** Returns the real migrations plus one that fails after its first statement. */
  async function providerWithBrokenMigration(): Promise<MigrationProvider> {
    const real = await migrationProvider.getMigrations();
    const broken: Migration = {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('devices').addColumn('upgrade_probe', 'text').execute();
        throw new Error('injected migration failure');
      },
    };
    return { getMigrations: async () => ({ ...real, '9999-broken': broken }) };
  }

  it('reports the migration name', async () => {
    const db = openEmpty();
    await migrateToLatest(db);
    const { error, results } = await new Migrator({ db, provider: await providerWithBrokenMigration() }).migrateToLatest();

    expect(String(error)).toContain('injected migration failure');
    expect(results?.find((result) => result.status === 'Error')?.migrationName).toBe('9999-broken');
  });

  it('keeps old version and rows', async () => {
    const db = openEmpty();
    await migrateToLatest(db);
    const rows = await fillEveryTable(db);

    const { error } = await new Migrator({ db, provider: await providerWithBrokenMigration() }).migrateToLatest();
    expect(error).toBeDefined();

    expect(await appliedMigrations(db)).toEqual(migrationNames);
    for (const row of rows) expect(await findRow(db, row), `${row.table} row ${JSON.stringify(row.values)}`).toBe(true);
    expect(await columnNames(db, 'devices')).not.toContain('upgrade_probe');

    // The server still opens it: the real migrations find nothing to do.
    expect((await migrateToLatest(db)).applied).toEqual([]);
    expect(await db.selectFrom('devices').select('id').execute()).toHaveLength(rows.filter((row) => row.table === 'devices').length);
  });

  it('rolls back the whole run', async () => {
    const first = migrationNames[0] as string;
    const db = openEmpty();
    await migrateTo(db, first);
    const rows = await fillEveryTable(db);

    const { error } = await new Migrator({ db, provider: await providerWithBrokenMigration() }).migrateToLatest();
    expect(error).toBeDefined();

    // The real migrations before the broken one ran in the same run, so they are undone too.
    expect(await appliedMigrations(db)).toEqual([first]);
    expect(await columnNames(db, 'devices')).not.toContain('upgrade_probe');
    for (const row of rows) expect(await findRow(db, row), `${row.table} row ${JSON.stringify(row.values)}`).toBe(true);

    // The next release, without the broken migration, upgrades it.
    await migrateToLatest(db);
    expect(await appliedMigrations(db)).toEqual(migrationNames);
  });

  it('fixed migration applies after failure', async () => {
    const db = openEmpty();
    await migrateToLatest(db);
    await new Migrator({ db, provider: await providerWithBrokenMigration() }).migrateToLatest();

    const real = await migrationProvider.getMigrations();
    const fixed: Migration = {
      async up(fixedDb: Kysely<unknown>) {
        await fixedDb.schema.alterTable('devices').addColumn('upgrade_probe', 'text').execute();
      },
    };
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => ({ ...real, '9999-broken': fixed }) } }).migrateToLatest();

    expect(error).toBeUndefined();
    expect(await columnNames(db, 'devices')).toContain('upgrade_probe');
  });
});
