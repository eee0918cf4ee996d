import { openDatabase, type Db } from '../../src/store/database.js';
import { createTestSchema, TEST_DATABASE_URL } from './postgres.js';

/** A database kind a repository test runs against: it opens an empty, unmigrated database. */
export interface DatabaseBackend {
  name: string;
  open(): Promise<{ db: Db; cleanup(): Promise<void> }>;
}

/**
 * SQLite in memory, and PostgreSQL: a fresh schema on the server at
 * OUTPOST_TEST_DATABASE_URL when it is set, in-process PGlite otherwise.
 */
export const DATABASE_BACKENDS: DatabaseBackend[] = [
  {
    name: 'SQLite',
    async open() {
      const db = openDatabase(':memory:');
      return { db, cleanup: () => db.destroy() };
    },
  },
  TEST_DATABASE_URL ? postgresBackend(TEST_DATABASE_URL) : pgliteBackend(),
];

function postgresBackend(serverUrl: string): DatabaseBackend {
  return {
    name: 'PostgreSQL',
    async open() {
      const schema = await createTestSchema(serverUrl);
      const db = openDatabase(schema.url);
      return {
        db,
        async cleanup() {
          await db.destroy();
          await schema.drop();
        },
      };
    },
  };
}

function pgliteBackend(): DatabaseBackend {
  return {
    name: 'PGlite',
    async open() {
      const db = openDatabase('pglite://memory');
      return { db, cleanup: () => db.destroy() };
    },
  };
}
