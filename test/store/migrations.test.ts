import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase } from '../../src/store/database.js';

describe('migrations', () => {
  it('create every table on an empty SQLite database', async () => {
    const db = openDatabase(':memory:');
    const { applied } = await migrateToLatest(db);
    expect(applied).toContain('0001-initial');

    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
    const names = tables.rows.map((row) => row.name);
    for (const table of ['devices', 'policies', 'app_versions', 'commands', 'audit_events', 'locations']) {
      expect(names).toContain(table);
    }
    await db.destroy();
  });

  it('apply nothing the second time', async () => {
    const db = openDatabase(':memory:');
    await migrateToLatest(db);
    const again = await migrateToLatest(db);
    expect(again.applied).toEqual([]);
    await db.destroy();
  });

  it('turn on foreign keys and WAL', async () => {
    const db = openDatabase(':memory:');
    const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
    await db.destroy();
  });
});
