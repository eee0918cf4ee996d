import { describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { TEST_DATABASE_URL } from '../support/postgres.js';
import { freePort } from '../support/outpost-process.js';

const PASSWORD = 'open-errors-password';

describe('openDatabase with a wrong URL', () => {
  it('rejects a scheme it cannot open', () => {
    expect(() => openDatabase('mysql://outpost@db.example.org/outpost')).toThrow('Unsupported database URL scheme "mysql:"');
  });

  it('names an unreachable server without the password', async () => {
    const port = await freePort();
    const db = openDatabase(`postgres://outpost:${PASSWORD}@127.0.0.1:${port}/outpost?sslmode=disable`);
    try {
      const migrating = migrateToLatest(db);
      await expect(migrating).rejects.toThrow(`Could not connect to the database at postgres://127.0.0.1:${port}/outpost: connect ECONNREFUSED`);
      await expect(migrating).rejects.toThrow('Check OUTPOST_DATABASE_URL');
      await expect(migrating).rejects.not.toThrow(PASSWORD);
    } finally {
      await db.destroy();
    }
  });

  it.runIf(TEST_DATABASE_URL)('names a database the server does not have', async () => {
    const url = new URL(TEST_DATABASE_URL as string);
    url.pathname = '/outpost_no_such_database';
    url.password = PASSWORD;
    const db = openDatabase(url.href);
    try {
      const migrating = migrateToLatest(db);
      await expect(migrating).rejects.toThrow(`Could not connect to the database at postgres://${url.host}/outpost_no_such_database`);
      await expect(migrating).rejects.toThrow('does not exist');
      await expect(migrating).rejects.not.toThrow(PASSWORD);
    } finally {
      await db.destroy();
    }
  });
});
