import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { migrateToLatest, openDatabase, type Db } from '../../src/store/database.js';
import { createTestSchema, TEST_DATABASE_URL } from '../support/postgres.js';

/** Two handles on one migrated database, standing for two Outpost processes. */
export interface SharedDatabase {
  first: Db;
  second: Db;
  cleanup(): Promise<void>;
}

export interface Backend {
  name: string;
  open(): Promise<SharedDatabase>;
}

async function openSqlite(): Promise<SharedDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-jobs-'));
  const file = path.join(dir, 'outpost.sqlite');
  const first = openDatabase(file);
  await migrateToLatest(first);
  const second = openDatabase(file);

  return {
    first,
    second,
    async cleanup() {
      await first.destroy();
      await second.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(serverUrl: string): Promise<SharedDatabase> {
  const schema = await createTestSchema(serverUrl);
  const first = openDatabase(schema.url);
  await migrateToLatest(first);
  const second = openDatabase(schema.url);

  return {
    first,
    second,
    async cleanup() {
      await first.destroy();
      await second.destroy();
      await schema.drop();
    },
  };
}

// PGlite is one in-process connection, so both handles are the same one.
async function openPglite(): Promise<SharedDatabase> {
  const db = openDatabase('pglite://memory');
  await migrateToLatest(db);
  return { first: db, second: db, cleanup: () => db.destroy() };
}

const serverUrl = TEST_DATABASE_URL;

/**
 * SQLite, and PostgreSQL at OUTPOST_TEST_DATABASE_URL when it is set or
 * PGlite otherwise, as the repository conformance suite picks them.
 */
export const BACKENDS: Backend[] = [
  { name: 'SQLite', open: openSqlite },
  serverUrl ? { name: 'PostgreSQL', open: () => openPostgres(serverUrl) } : { name: 'PGlite', open: openPglite },
];
