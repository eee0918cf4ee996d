import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

import { sql } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';

import { isDatabaseUnavailable } from '../../src/store/database-errors.js';
import { openDatabase, poolStatsOf } from '../../src/store/database.js';
import { runAdminQuery, TEST_DATABASE_URL } from '../support/postgres.js';
import { TcpCutProxy } from '../support/tcp-cut-proxy.js';

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
        [40, 'database connection failed; each new query retries it'],
        [30, 'database connection restored'],
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('fails a query in use when the connection is cut, and recovers', async () => {
    const direct = new URL(serverUrl!);
    const proxy = await TcpCutProxy.start({ host: direct.hostname, port: Number(direct.port || 5432) });
    const proxied = new URL(serverUrl!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxied.password = 'pool-test-password';
    const output: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        output.push(String(chunk));
        done();
      },
    });
    const db = openDatabase(proxied.href, { logger: pino(stream) });

    try {
      await sql`select 1`.execute(db);
      // Without an error listener on connections in use, this cut would end the test process.
      const running = sql`select pg_sleep(5)`.execute(db).then(
        () => null,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      proxy.cut();

      const failure = await running;
      expect(isDatabaseUnavailable(failure)).toBe(true);
      const refused = await sql`select 1`.execute(db).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isDatabaseUnavailable(refused)).toBe(true);

      proxy.restore();
      const result = await sql<{ answer: number }>`select 42 as answer`.execute(db);
      expect(result.rows[0]?.answer).toBe(42);

      const stats = poolStatsOf(db);
      expect(stats?.connectionErrors).toBeGreaterThanOrEqual(2);
      expect(stats?.total).toBe(1);
      expect(stats?.waiting).toBe(0);
      const messages = output.map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toEqual(['database connection failed; each new query retries it', 'database connection restored']);
      expect(output.join('')).not.toContain('pool-test-password');
    } finally {
      await db.destroy();
      await proxy.close();
    }
  });
});
