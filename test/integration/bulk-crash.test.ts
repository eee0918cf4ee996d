// A bulk job survives its server being killed with SIGKILL midway: the
// server runs as a child process (the built `outpost serve`), is killed
// while the job is half done, and is started again on the same database.
// Every selected device must end with exactly one command of the job: none
// skipped and none doubled. It runs on SQLite, and also on PostgreSQL when
// OUTPOST_TEST_DATABASE_URL names a server.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';

import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { createStore } from '../../src/store/store.js';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../support/postgres.js';

// The test command builds first, so dist contains the current CLI.
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/src/cli.js');
const ADMIN_PASSWORD = 'crash-test-admin-password';
const START_TIMEOUT_MS = 20_000;
const JOB_TIMEOUT_MS = 90_000;

interface ChildServer {
  process: ChildProcess;
  baseUrl: string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dataDirs: string[] = [];
const schemas: TestSchema[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  for (const schema of schemas.splice(0)) await schema.drop();
});

/** The database both server processes of a test use. */
interface Backend {
  name: string;
  /** Returns the database URL for a test whose data directory is `dataDir`. */
  databaseUrl(dataDir: string): Promise<string>;
}

const sqliteBackend: Backend = { name: 'SQLite', databaseUrl: async (dataDir) => path.join(dataDir, 'outpost.sqlite') };

function postgresBackend(serverUrl: string): Backend {
  return {
    name: 'PostgreSQL',
    async databaseUrl() {
      const schema = await createTestSchema(serverUrl);
      schemas.push(schema);
      return schema.url;
    },
  };
}

/** Starts `outpost serve` on a free loopback port and resolves once it listens. */
function startChild(dataDir: string, databaseUrl: string): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--database-url', databaseUrl, '--public-url', 'http://127.0.0.1:1'],
    {
      env: { ...process.env, OUTPOST_ADMIN_PASSWORD: ADMIN_PASSWORD, OUTPOST_LOG_LEVEL: 'warn', OUTPOST_LOGIN_ATTEMPTS_PER_MINUTE: '1000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, baseUrl: match[1]!, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

/** A signed-in admin session on a child server. */
class AdminSession {
  private cookie = '';
  private csrf = '';

  constructor(private readonly baseUrl: string) {}

  async login(): Promise<void> {
    const response = await fetch(`${this.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    if (response.status !== 200) throw new Error(`login failed with ${response.status}: ${await response.text()}`);
    this.cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    this.csrf = ((await response.json()) as { csrfToken: string }).csrfToken;
  }

  async request(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.baseUrl}/api/v1${route}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
}

/** Creates the database with `count` enrolled devices before any server runs. */
async function seedDevices(databaseUrl: string, prefix: string, count: number): Promise<void> {
  const db = openDatabase(databaseUrl);
  await migrateToLatest(db);
  const store = createStore(db);
  const now = Date.now();

  for (let start = 0; start < count; start += 200) {
    const rows = [];
    for (let index = start; index < Math.min(count, start + 200); index += 1) {
      rows.push({
        id: `${prefix}-pk-${index}`,
        device_id: `${prefix}-${String(index).padStart(5, '0')}`,
        enrolment_generation: 1,
        enrolled_at: now,
        created_at: now,
        updated_at: now,
      });
    }
    await store.db.insertInto('devices').values(rows as never).execute();
  }
  await db.destroy();
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface CrashOutcome {
  doneWhenKilled: number;
  commandsPerDevice: Map<string, number>;
  jobDevices: Record<string, number>;
  job: { state: string; done: number; total: number };
}

/**
 * Starts a bulk job on a child server, SIGKILLs the server once at least
 * `killAfter` devices are done (and before all are), restarts it on the
 * same database and waits for the job to complete.
 */
async function runKilledJob(
  backend: Backend,
  prefix: string,
  count: number,
  killAfter: number,
  body: (count: number) => unknown,
): Promise<CrashOutcome> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bulk-crash-'));
  dataDirs.push(dataDir);
  const databaseUrl = await backend.databaseUrl(dataDir);
  await seedDevices(databaseUrl, prefix, count);

  const first = await startChild(dataDir, databaseUrl);
  const session = new AdminSession(first.baseUrl);
  await session.login();
  const started = await session.request('POST', '/bulk-jobs', body(count));
  expect(started.status).toBe(200);
  expect(started.body.total).toBe(count);

  const doneWhenKilled = await waitFor('the job to be partly done', JOB_TIMEOUT_MS, async () => {
    const job = await session.request('GET', `/bulk-jobs/${started.body.id}`);
    const done = job.body.devices.done as number;
    return done >= killAfter ? done : undefined;
  });
  first.process.kill('SIGKILL');
  await first.exited;

  const second = await startChild(dataDir, databaseUrl);
  const resumed = new AdminSession(second.baseUrl);
  await resumed.login();
  const finished = await waitFor('the job to complete after the restart', JOB_TIMEOUT_MS, async () => {
    const job = await resumed.request('GET', `/bulk-jobs/${started.body.id}`);
    return job.body.state === 'completed' ? job.body : undefined;
  });
  second.process.kill('SIGTERM');
  await second.exited;

  const db = openDatabase(databaseUrl);
  try {
    const commands = await db
      .selectFrom('commands')
      .select(['device_pk', sql<number>`count(*)`.as('n')])
      .where('bulk_job_id', '=', started.body.id)
      .groupBy('device_pk')
      .execute();
    return {
      doneWhenKilled,
      commandsPerDevice: new Map(commands.map((row) => [row.device_pk, Number(row.n)])),
      jobDevices: finished.devices,
      job: { state: finished.state, done: finished.devices.done, total: finished.total },
    };
  } finally {
    await db.destroy();
  }
}

function expectEachDeviceOnce(outcome: CrashOutcome, prefix: string, count: number): void {
  expect(outcome.doneWhenKilled).toBeLessThan(count);
  expect(outcome.job).toEqual({ state: 'completed', done: count, total: count });
  expect(outcome.jobDevices).toEqual({ pending: 0, done: count, skipped: 0, failed: 0, cancelled: 0 });
  expect(outcome.commandsPerDevice.size).toBe(count);
  for (let index = 0; index < count; index += 1) {
    expect(outcome.commandsPerDevice.get(`${prefix}-pk-${index}`), `commands of device ${index}`).toBe(1);
  }
}

const backends = [sqliteBackend, ...(TEST_DATABASE_URL ? [postgresBackend(TEST_DATABASE_URL)] : [])];

describe.each(backends)('bulk job killed midway on $name', (backend) => {
  it('locks each of 2,000 devices once after a restart', async () => {
    const outcome = await runKilledJob(backend, 'lock', 2000, 400, () => ({
      type: 'lock',
      message: 'Return to the district office',
      selection: { filters: { search: 'lock-' } },
    }));

    expectEachDeviceOnce(outcome, 'lock', 2000);
  });

  it('wipes each of 500 devices once after a restart', async () => {
    const outcome = await runKilledJob(backend, 'wipe', 500, 150, (count) => ({
      type: 'wipe',
      selection: { filters: { search: 'wipe-' } },
      confirmation: { password: ADMIN_PASSWORD, deviceCount: count },
    }));

    expectEachDeviceOnce(outcome, 'wipe', 500);
  });
});
