import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { openDatabase } from '../../src/store/database.js';
import { runAdminQuery, TEST_DATABASE_URL } from '../support/postgres.js';

const serverUrl = TEST_DATABASE_URL;

// Needs a server that can drop connections; PGlite has no connection pool.
describe.skipIf(!serverUrl)('PostgreSQL connection pool (needs OUTPOST_TEST_DATABASE_URL)', () => {
  it('survives an idle connection closed by the server', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as { level: number; msg: string });
        done();
      },
    });
    const applicationName = `outpost_pool_test_${randomBytes(6).toString('hex')}`;
    const url = new URL(serverUrl!);
    url.searchParams.set('application_name', applicationName);
    const db = openDatabase(url.href, { logger: pino(stream) });

    try {
      await sql`select 1`.execute(db);
      await runAdminQuery(serverUrl!, 'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
        applicationName,
      ]);
      const deadline = Date.now() + 2_000;
      while (lines.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

      const result = await sql<{ answer: number }>`select 42 as answer`.execute(db);
      expect(result.rows[0]?.answer).toBe(42);
      expect(lines.map((line) => [line.level, line.msg])).toEqual([
        [40, 'idle database connection closed by the server; the pool will reconnect'],
      ]);
    } finally {
      await db.destroy();
    }
  });
});
