import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { openDatabase } from '../../src/store/database.js';
import { describeRepositoryConformance } from './conformance.js';

const serverUrl = process.env.OUTPOST_TEST_DATABASE_URL;

if (serverUrl) {
  // Each run gets its own schema, so runs never see each other's rows.
  describeRepositoryConformance('PostgreSQL', async () => {
    const schema = `outpost_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);

    const url = new URL(serverUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const db = openDatabase(url.href);
    return {
      db,
      async cleanup() {
        await db.destroy();
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      },
    };
  });
} else {
  describeRepositoryConformance('PGlite', async () => {
    const db = openDatabase('pglite://memory');
    return { db, cleanup: () => db.destroy() };
  });
}
